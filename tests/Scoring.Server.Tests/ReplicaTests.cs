using Grpc.Net.Client;
using Scoring.V1;

namespace Scoring.Server.Tests;

public sealed class ReplicaTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_second_replica_on_the_same_database_serves_versions_and_activations_made_through_the_first()
    {
        // Replica B shares replica A's database file and follows the active version every 0.2 s.
        var (b, channelB) = await server.StartReplicaAsync("--Scoring:ModelRefreshSeconds=0.2");
        await using var replica = b;
        using var channel = channelB;
        var scoringA = new ScoringService.ScoringServiceClient(server.Channel);
        var scoringB = new ScoringService.ScoringServiceClient(channelB);

        // Through A: all weight on energy, activated. The parcel then scores its energy element, 0.566.
        var weights = new WeightTable { Weights = { new[] { ("population", 0.0), ("land", 0.0), ("enterprise", 0.0), ("industry", 0.0), ("economy", 0.0), ("energy", 1.0) }
            .Select(w => new Weight { Group = "elements", Code = w.Item1, Weight_ = w.Item2 }) } };
        var version = (await scoringA.UpdateWeightsAsync(new UpdateWeightsRequest { BaseVersion = "1", Weights = weights, Activate = true })).ModelVersion;

        // B knows nothing of it yet in memory, but a request pinned to it is served from the database.
        var pinned = (await scoringB.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = HandWorkedParcel.Input("REP-1"), ModelVersion = version, SkipHistory = true })).Evaluation;
        Assert.Equal(version, pinned.ModelVersion);
        Assert.Equal(0.566, pinned.Score, 9);

        // And B follows the activation.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        Evaluation latest;
        do
        {
            await Task.Delay(100);
            latest = (await scoringB.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = HandWorkedParcel.Input("REP-2"), SkipHistory = true })).Evaluation;
        } while (latest.ModelVersion != version && DateTime.UtcNow < deadline);
        Assert.Equal(version, latest.ModelVersion);
        Assert.Equal(0.566, latest.Score, 9);

        await new ModelService.ModelServiceClient(server.Channel).ActivateModelAsync(new ActivateModelRequest { Version = "1" });
        await b.StopAsync();
    }
}
