using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Grpc.Net.Client;

namespace Scoring.Testing;

/// <summary>The server as its own OS process (dotnet Scoring.Server.dll), for tests that kill it.</summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private readonly ConcurrentQueue<string> _output;

    private ServerProcess(Process process, Uri address, ConcurrentQueue<string> output)
    {
        _process = process;
        _output = output;
        Address = address;
        Channel = GrpcChannel.ForAddress(address);
    }

    /// <summary>What the server has written to standard output so far (its log), line by line.</summary>
    public IReadOnlyCollection<string> Output => _output;

    public Uri Address { get; }
    public GrpcChannel Channel { get; }

    /// <summary>Starts the built server on an ephemeral loopback port with the given database file.</summary>
    public static Task<ServerProcess> StartAsync(string databasePath) => StartOnAsync($"Data Source={databasePath}");

    /// <summary>
    /// Starts the built server on an ephemeral loopback port with the given store (a SQLite or PostgreSQL connection
    /// string) and <paramref name="settings"/> (command-line form) added.
    /// </summary>
    public static Task<ServerProcess> StartOnAsync(string connectionString, params string[] settings) =>
        StartOnAsync(connectionString, new Uri("http://127.0.0.1:0"), settings);

    /// <summary>As the other overload, listening on <paramref name="listen"/> (port 0 for an ephemeral one).</summary>
    public static async Task<ServerProcess> StartOnAsync(string connectionString, Uri listen, params string[] settings)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Scoring.Server.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "--urls", listen.GetLeftPart(UriPartial.Authority), $"--ConnectionStrings:Scoring={connectionString}", "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var setting in settings) info.ArgumentList.Add(setting);
        var process = Process.Start(info)!;
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lines = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lines.Enqueue(e.Data);
            if (ListeningOn().Match(e.Data) is { Success: true } m) listening.TrySetResult(new Uri(m.Groups[1].Value));
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return new ServerProcess(process, address, lines);
    }

    /// <summary>Runs the built server with <paramref name="args"/> until it exits (at most 60 s): its exit code, standard output and error lines.</summary>
    public static async Task<(int Exit, string Output, string[] Errors)> RunToExitAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Scoring.Server.dll"));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, (await output).Trim(), (await errors).Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>The process id, e.g. to read its CPU time.</summary>
    public int ProcessId => _process.Id;

    /// <summary>User and system CPU time the process has used so far (/proc/pid/stat), in clock ticks.</summary>
    public long CpuTicks()
    {
        // Fields after the command name (which is in parentheses and may hold spaces): utime and stime are the 12th and 13th.
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        Channel.Dispose();
        if (!_process.HasExited) Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningOn();
}
