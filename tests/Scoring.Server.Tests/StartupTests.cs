using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Scoring.Server.Extensions;
using Scoring.V1;

namespace Scoring.Server.Tests;

public sealed class StartupTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "scoring-start-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Health_is_NOT_SERVING_until_the_database_is_open_and_the_model_loaded_then_SERVING()
    {
        Directory.CreateDirectory(_directory);
        var database = Path.Combine(_directory, "scoring.db");

        // Another process holds the database file: the server cannot open it yet.
        var holder = new SqliteConnection($"Data Source={database};Pooling=False");
        holder.Open();
        using (var begin = holder.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE;";
            begin.ExecuteNonQuery();
        }

        await using var app = ScoringApp.Create(
        [
            "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", "--Scoring:LoadModelsInBackground=true",
            $"--ConnectionStrings:Scoring=Data Source={database}",
        ]);
        await app.StartAsync();
        using var channel = GrpcChannel.ForAddress(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var health = new Health.HealthClient(channel);
        var scoring = new ScoringService.ScoringServiceClient(channel);
        var request = new EvaluateParcelRequest { Parcel = HandWorkedParcel.Input("START-1"), SkipHistory = true };

        // Before: listening, but not ready; alive all the same (the "liveness" service), so an orchestrator does not restart it.
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest())).Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest { Service = "liveness" })).Status);
        var early = await Assert.ThrowsAsync<RpcException>(() => scoring.EvaluateParcelAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, early.StatusCode);
        Assert.Equal("STARTING", early.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);

        // The file is released: the server migrates it, stores the default model and becomes ready.
        holder.Dispose();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        HealthCheckResponse.Types.ServingStatus status;
        do
        {
            await Task.Delay(50);
            status = (await health.CheckAsync(new HealthCheckRequest())).Status;
        } while (status != HealthCheckResponse.Types.ServingStatus.Serving && DateTime.UtcNow < deadline);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, status);
        Assert.Equal(HandWorkedParcel.Score, (await scoring.EvaluateParcelAsync(request)).Evaluation.Score, 9);
        await app.StopAsync();
    }

    [Fact]
    public async Task A_second_server_on_a_port_in_use_says_so_in_one_line_and_exits_with_2()
    {
        Directory.CreateDirectory(_directory);
        var port = FreePort();
        await using var first = ScoringApp.Create(
        [
            "--urls", $"http://127.0.0.1:{port}", "--Logging:LogLevel:Default=Warning",
            $"--ConnectionStrings:Scoring=Data Source={Path.Combine(_directory, "first.db")}",
        ]);
        await first.StartAsync();

        var (exit, output, errors) = await ServerProcess.RunToExitAsync(
            "--urls", $"http://127.0.0.1:{port}", $"--ConnectionStrings:Scoring=Data Source={Path.Combine(_directory, "second.db")}");

        Assert.Equal(2, exit);
        AssertNoTrace(output);
        Assert.Equal($"scoring: cannot start: address 127.0.0.1:{port} is already in use (is another server running? choose other ports with --urls or Kestrel:Endpoints)",
            Assert.Single(errors));
        await first.StopAsync();
    }

    [Fact]
    public async Task Migrate_brings_the_store_up_to_date_and_exits_without_listening()
    {
        Directory.CreateDirectory(_directory);
        var file = Path.Combine(_directory, "migrated.db");

        var (exit, output, errors) = await ServerProcess.RunToExitAsync("migrate", $"--ConnectionStrings:Scoring=Data Source={file}",
            "--Scoring:LoadModelsInBackground=true", "--Logging:LogLevel:Default=Warning");

        Assert.True(exit == 0, string.Join('\n', errors));
        Assert.Equal("scoring: the store's schema is up to date and the active model loaded", output);
        // A server started on the migrated file finds the default model active at once.
        await using var server = await ServerProcess.StartAsync(file);
        var evaluation = await new ScoringService.ScoringServiceClient(server.Channel)
            .EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = HandWorkedParcel.Input(), SkipHistory = true });
        Assert.Equal(HandWorkedParcel.Score, evaluation.Evaluation.Score, 9);
        Assert.Equal("1", evaluation.Evaluation.ModelVersion);
    }

    [Fact]
    public async Task A_bad_configuration_value_is_one_line_naming_the_setting_and_exit_code_2()
    {
        Directory.CreateDirectory(_directory);
        var database = $"--ConnectionStrings:Scoring=Data Source={Path.Combine(_directory, "scoring.db")}";

        var notANumber = await ServerProcess.RunToExitAsync("--urls", "http://127.0.0.1:0", database, "--Scoring:Limits:MaxMessageBytes=lots");
        var zeroIdle = await ServerProcess.RunToExitAsync("--urls", "http://127.0.0.1:0", database, "--Scoring:Limits:StreamIdleSeconds=0");

        Assert.Equal(2, notANumber.Exit);
        AssertNoTrace(notANumber.Output);
        Assert.StartsWith("scoring: cannot start: bad configuration: Failed to convert configuration value 'lots' at 'Scoring:Limits:MaxMessageBytes'",
            Assert.Single(notANumber.Errors));
        Assert.Equal(2, zeroIdle.Exit);
        AssertNoTrace(zeroIdle.Output);
        Assert.Equal("scoring: cannot start: bad configuration: Scoring:Limits:StreamIdleSeconds must be a positive number of seconds, got 0.",
            Assert.Single(zeroIdle.Errors));
    }

    [Fact]
    public async Task An_unreadable_certificate_is_one_line_naming_the_file_and_exit_code_2()
    {
        Directory.CreateDirectory(_directory);
        var garbage = Path.Combine(_directory, "garbage.pfx");
        File.WriteAllText(garbage, "not a certificate");
        var missing = Path.Combine(_directory, "missing.pfx");
        string[] Args(string certificate) =>
        [
            $"--Kestrel:Endpoints:Tls:Url=https://127.0.0.1:{FreePort()}", $"--Kestrel:Endpoints:Tls:Certificate:Path={certificate}",
            $"--ConnectionStrings:Scoring=Data Source={Path.Combine(_directory, "scoring.db")}",
        ];

        var unreadable = await ServerProcess.RunToExitAsync(Args(garbage));
        var absent = await ServerProcess.RunToExitAsync(Args(missing));

        Assert.Equal(2, unreadable.Exit);
        AssertNoTrace(unreadable.Output);
        Assert.StartsWith($"scoring: cannot start: cannot read the TLS certificate {garbage} (Kestrel:Endpoints:Tls:Certificate:Path): ",
            Assert.Single(unreadable.Errors));
        Assert.Equal(2, absent.Exit);
        AssertNoTrace(absent.Output);
        var line = Assert.Single(absent.Errors);
        Assert.StartsWith($"scoring: cannot start: cannot read the TLS certificate {missing} (Kestrel:Endpoints:Tls:Certificate:Path): ", line);
        Assert.Contains($"'{missing}'", line);
    }

    // Nothing but ordinary log lines: no exception, no stack trace, no error or critical entry.
    private static void AssertNoTrace(string output)
    {
        Assert.DoesNotContain("Exception", output);
        Assert.DoesNotContain("   at ", output);
        Assert.DoesNotContain("fail:", output);
        Assert.DoesNotContain("crit:", output);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
