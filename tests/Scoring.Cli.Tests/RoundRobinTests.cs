using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Scoring.V1;

namespace Scoring.Cli.Tests;

/// <summary>
/// <c>--server dns:///name:port --load-balancing round_robin</c>: the CLI resolves the name to every replica and spreads its
/// calls over them. The name is resolved for real (getaddrinfo through /etc/hosts): the CLI runs as its own process in a
/// private mount namespace (<c>unshare -m</c>) where a hosts file naming two loopback replicas is bound over /etc/hosts.
/// </summary>
public sealed class RoundRobinTests : IDisposable
{
    private readonly CliRunner _files = new();

    public void Dispose() => _files.Dispose();

    [ToolFact("unshare", "util-linux")]
    public async Task Parcel_show_over_a_dns_name_of_two_replicas_spreads_its_calls_over_both()
    {
        await using var store = await SharedStore.CreateAsync();
        var port = LoopbackPorts.Free();
        string[] logRequests = ["--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Information"];
        await using var a = await ServerProcess.StartOnAsync(store.ConnectionString, new Uri($"http://127.0.0.1:{port}"), logRequests);
        await using var b = await ServerProcess.StartOnAsync(store.ConnectionString, new Uri($"http://127.0.0.2:{port}"), logRequests);

        var ids = Enumerable.Range(1, 10).Select(i => string.Create(CultureInfo.InvariantCulture, $"RR-{i:D2}")).ToArray();
        using (var call = new ParcelService.ParcelServiceClient(a.Channel).UpsertParcels())
        {
            var chunk = new UpsertParcelsRequest { Source = "round-robin-test", AsOf = "2025-06-30" };
            chunk.Parcels.AddRange(ids.Select(id => HandWorkedParcel.Input(id)));
            await call.RequestStream.WriteAsync(chunk);
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            await call.RequestStream.CompleteAsync();
        }

        var hosts = _files.PathOf("hosts");
        File.WriteAllText(hosts, "127.0.0.1 replicas.test\n127.0.0.2 replicas.test\n");
        var run = await RunIsolatedAsync(hosts,
            ["--server", $"dns:///replicas.test:{port}", "--load-balancing", "round_robin", "parcel", "show", "--json", .. ids]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var evaluations = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(JsonParser.Default.Parse<Evaluation>).ToList();
        Assert.Equal(ids, evaluations.Select(e => e.ParcelId));
        Assert.All(evaluations, e => Assert.Equal(HandWorkedParcel.Score, e.Score, 9));
        // 20 calls (GetParcel and EvaluateParcel per id): once both replicas are connected they take turns.
        int Served(ServerProcess replica) => replica.Output.Count(l => l.Contains("Request starting", StringComparison.Ordinal) && l.Contains("/scoring.v1.", StringComparison.Ordinal));
        Assert.True(Served(a) >= 5 && Served(b) >= 5, $"calls served: {Served(a)} by 127.0.0.1, {Served(b)} by 127.0.0.2");
    }

    [Fact]
    public async Task An_unknown_balancing_policy_is_a_usage_error_naming_the_choices()
    {
        var run = await CliRunner.RunAsync("--load-balancing", "random", "parcel", "show", "X");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("random", run.Err);
        Assert.Contains("round_robin", run.Err);
    }

    // The CLI (scoring.dll from its own build output, with its own dependencies) in a private mount namespace with hostsFile
    // as its /etc/hosts.
    private static async Task<CliRun> RunIsolatedAsync(string hostsFile, string[] args)
    {
        var info = new ProcessStartInfo(InstalledTools.Find("unshare")!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in (string[])["-m", "sh", "-c", "mount --bind \"$1\" /etc/hosts && shift && exec dotnet \"$@\"", "sh", hostsFile,
                     CliAssembly(), .. args])
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return new CliRun(process.ExitCode, await output, await error);
    }

    // tests/Scoring.Cli.Tests/bin/<configuration>/<framework>/ → clients/Scoring.Cli/bin/<configuration>/<framework>/scoring.dll
    private static string CliAssembly()
    {
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = framework.Parent!;
        var root = configuration.Parent!.Parent!.Parent!.Parent!.FullName;
        return Path.Combine(root, "clients", "Scoring.Cli", "bin", configuration.Name, framework.Name, "scoring.dll");
    }

}
