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

        // Before: listening, but not ready.
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest())).Status);
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

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
