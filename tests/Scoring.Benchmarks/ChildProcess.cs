using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Scoring.Benchmarks;

/// <summary>
/// A gRPC host started as its own OS process (dotnet some.dll …) on an ephemeral loopback port; the
/// port is read from the "Now listening on:" line, as the server tests do.
/// </summary>
internal sealed partial class ChildProcess : IAsyncDisposable
{
    // Children still running, killed if the benchmark is stopped (Ctrl+C) or exits without disposing them.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, Process> Running = new();

    static ChildProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillRunning();
        Console.CancelKeyPress += (_, _) => KillRunning();
    }

    private readonly Process _process;
    private readonly StringBuilder _log;

    private ChildProcess(Process process, StringBuilder log, Uri address, string name)
    {
        _process = process;
        _log = log;
        Address = address;
        Name = name;
    }

    /// <summary>The http:// address it listens on.</summary>
    public Uri Address { get; }
    /// <summary>What it is, for messages.</summary>
    public string Name { get; }
    /// <summary>Its process id.</summary>
    public int Id => _process.Id;

    /// <summary>Starts <c>dotnet <paramref name="dll"/> <paramref name="args"/></c> from the benchmark's own output folder.</summary>
    public static async Task<ChildProcess> StartAsync(string name, string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // The pass-through host exits when its stdin closes, so it never outlives the benchmark.
            RedirectStandardInput = true,
            // Beside the program, so that a server of another build (--server) reads its own settings.
            WorkingDirectory = Path.GetDirectoryName(Path.Combine(AppContext.BaseDirectory, dll))!,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {name}");
        Running[process.Id] = process;
        var log = new StringBuilder();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (log) log.AppendLine(e.Data);
            if (ListeningOn().Match(e.Data) is { Success: true } m) listening.TrySetResult(new Uri(m.Groups[1].Value));
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (log) log.AppendLine(e.Data);
        };
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"{name} exited with code {process.ExitCode} before listening:\n{Tail(log)}"));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
            return new ChildProcess(process, log, address, name);
        }
        catch
        {
            Running.TryRemove(process.Id, out _);
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Peak resident set (VmHWM) so far, in MB; null where /proc is not available.</summary>
    public double? PeakWorkingSetMb() => ReadStatusKb("VmHWM") is { } kb ? kb / 1024.0 : null;

    /// <summary>Resident set now (VmRSS), in MB.</summary>
    public double? WorkingSetMb() => ReadStatusKb("VmRSS") is { } kb ? kb / 1024.0 : null;

    /// <summary>
    /// The process's own memory now (RssAnon: heap, native allocations, SQLite's page caches), in MB; unlike VmRSS it leaves
    /// out file pages mapped into it (the database file, read through mmap), which are the OS page cache, shared and clean.
    /// </summary>
    public double? PrivateMb() => ReadStatusKb("RssAnon") is { } kb ? kb / 1024.0 : null;

    /// <summary>Samples <see cref="PrivateMb"/> every 50 ms until <paramref name="stop"/> is cancelled; answers the largest.</summary>
    public async Task<double?> PeakPrivateMbAsync(CancellationToken stop)
    {
        double? peak = PrivateMb();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(50, stop);
            }
            catch (OperationCanceledException)
            {
            }
            if (PrivateMb() is { } now && now > (peak ?? 0)) peak = now;
        }
        return peak;
    }

    /// <summary>Resets the peak to the current resident set (Linux: "5" into /proc/pid/clear_refs); false when not possible.</summary>
    public bool ResetPeak()
    {
        try
        {
            File.WriteAllText($"/proc/{_process.Id}/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Fails with the child's last output when it has died.</summary>
    public void EnsureAlive()
    {
        if (_process.HasExited) throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode}:\n{Tail(_log)}");
    }

    /// <summary>The child's last lines of output.</summary>
    public string RecentOutput() => Tail(_log);

    public async ValueTask DisposeAsync()
    {
        Running.TryRemove(_process.Id, out _);
        if (!_process.HasExited)
        {
            try
            {
                _process.StandardInput.Close();
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException)
            {
                // Already gone, or refusing to go: nothing more a benchmark can do.
            }
        }
        _process.Dispose();
    }

    private static void KillRunning()
    {
        foreach (var process in Running.Values)
        {
            try
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone already.
            }
        }
    }

    private long? ReadStatusKb(string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (!line.StartsWith(field + ":", StringComparison.Ordinal)) continue;
                var digits = line[(field.Length + 1)..].Trim().Split(' ')[0];
                return long.Parse(digits, CultureInfo.InvariantCulture);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }

    private static string Tail(StringBuilder log)
    {
        lock (log)
        {
            var text = log.ToString();
            return text.Length <= 4000 ? text : text[^4000..];
        }
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningOn();
}
