using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Scoring.Testing;

/// <summary>
/// Debian's nginx as the L7 gRPC proxy in front of server replicas, run with the project's own
/// <c>deploy/nginx/nginx.conf</c>: its upstream servers become the given replicas and its listen ports free loopback
/// ports, everything else (grpc_pass, timeouts, body limits, retries) as shipped.
/// </summary>
public sealed partial class NginxProxy : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private NginxProxy(Process process, string folder, Uri address)
    {
        _process = process;
        _folder = folder;
        Address = address;
    }

    /// <summary>The proxy's gRPC address (HTTP/2 cleartext), e.g. http://127.0.0.1:41234.</summary>
    public Uri Address { get; }

    /// <summary>
    /// Starts nginx in front of the gRPC endpoints <paramref name="replicas"/> (and REST endpoints <paramref name="restReplicas"/>,
    /// the gRPC ones when not given) and waits until it accepts connections.
    /// </summary>
    public static async Task<NginxProxy> StartAsync(IReadOnlyList<Uri> replicas, IReadOnlyList<Uri>? restReplicas = null)
    {
        var nginx = InstalledTools.Find("nginx") ?? throw new InvalidOperationException("nginx is not installed (apt-get install nginx)");
        var folder = Directory.CreateTempSubdirectory("scoring-nginx-").FullName;
        var grpcPort = LoopbackPorts.Free();
        var restPort = LoopbackPorts.Free();
        File.WriteAllText(Path.Combine(folder, "nginx.conf"), Configure(File.ReadAllText(ShippedConfig()), folder, replicas, restReplicas ?? replicas, grpcPort, restPort));
        var info = new ProcessStartInfo(nginx)
        {
            ArgumentList = { "-p", folder, "-c", Path.Combine(folder, "nginx.conf"), "-g", "daemon off;" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var proxy = new NginxProxy(process, folder, new Uri($"http://127.0.0.1:{grpcPort}"));
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"nginx exited with code {process.ExitCode} (configuration in {folder})");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, grpcPort);
                return proxy;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Stops nginx at once and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    // The shipped configuration with the replicas, free ports, and files under the test's folder.
    private static string Configure(string shipped, string folder, IReadOnlyList<Uri> replicas, IReadOnlyList<Uri> restReplicas, int grpcPort, int restPort)
    {
        static string Servers(IEnumerable<Uri> endpoints) =>
            string.Join("\n", endpoints.Select(r => $"        server {r.Host}:{r.Port} max_fails=1 fail_timeout=5s;"));
        var text = GrpcUpstream().Replace(shipped, m => m.Groups[1].Value + Servers(replicas) + "\n" + m.Groups[2].Value);
        text = RestUpstream().Replace(text, m => m.Groups[1].Value + Servers(restReplicas) + "\n" + m.Groups[2].Value);
        text = text.Replace("listen 8080 http2;", $"listen 127.0.0.1:{grpcPort} http2;", StringComparison.Ordinal)
            .Replace("listen 8081;", $"listen 127.0.0.1:{restPort};", StringComparison.Ordinal)
            .Replace("pid /tmp/nginx.pid;", $"pid {folder}/nginx.pid;", StringComparison.Ordinal);
        // Temp files of buffered bodies under the test's folder, as an unprivileged nginx would need.
        text = text.Replace("http {", $"http {{\n    client_body_temp_path {folder}/body;\n    proxy_temp_path {folder}/proxy;\n" +
            $"    fastcgi_temp_path {folder}/fastcgi;\n    uwsgi_temp_path {folder}/uwsgi;\n    scgi_temp_path {folder}/scgi;", StringComparison.Ordinal);
        return text;
    }

    private static string ShippedConfig()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "deploy", "nginx", "nginx.conf");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("deploy/nginx/nginx.conf not found above " + AppContext.BaseDirectory);
    }


    [GeneratedRegex(@"(upstream scoring_grpc \{\n(?:\s*#.*\n)*)(?:\s*server .*\n)+(\s*keepalive)")]
    private static partial Regex GrpcUpstream();

    [GeneratedRegex(@"(upstream scoring_rest \{\n(?:\s*#.*\n)*)(?:\s*server .*\n)+(\s*keepalive)")]
    private static partial Regex RestUpstream();
}
