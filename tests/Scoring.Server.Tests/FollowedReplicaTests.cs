using System.Diagnostics;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Scoring.Server.Extensions;
using Scoring.Server.Tests.Spatial;
using Scoring.Testing;
using Scoring.V1;

namespace Scoring.Server.Tests;

/// <summary>
/// Two replicas on one PostgreSQL database follow each other through LISTEN/NOTIFY: their periodic refreshes are set to
/// an hour, so only the announcements can carry a change from one to the other within the second allowed.
/// </summary>
[Collection(PostgresCluster.Collection)]
public sealed class FollowedReplicaTests(PostgresCluster cluster)
{
    private static readonly TimeSpan Allowed = TimeSpan.FromSeconds(1);

    [ToolFact(PostgresCluster.Program, PostgresCluster.Package)]
    public async Task An_activation_through_one_replica_is_used_by_the_others_next_call_within_a_second()
    {
        var database = await cluster.CreateDatabaseAsync("followed_models");
        await using var a = await Replica.StartAsync(database);
        await using var b = await Replica.StartAsync(database);
        var scoringB = new ScoringService.ScoringServiceClient(b.Channel);
        Assert.Equal("1", (await EvaluateAsync(scoringB, "FOL-0")).ModelVersion);

        // Through A: all weight on energy, activated. The hand-worked parcel then scores its energy element, 0.566.
        var version = (await new ScoringService.ScoringServiceClient(a.Channel).UpdateWeightsAsync(
            new UpdateWeightsRequest { BaseVersion = "1", Weights = EnergyOnly(), Activate = true })).ModelVersion;
        var activated = Stopwatch.StartNew();

        Evaluation onB;
        do onB = await EvaluateAsync(scoringB, "FOL-1");
        while (onB.ModelVersion != version && activated.Elapsed < Allowed);

        Assert.Equal("2", version);
        Assert.Equal(version, onB.ModelVersion);
        Assert.Equal(0.566, onB.Score, 9);
        Assert.True(activated.Elapsed < Allowed, $"B used the new version {activated.Elapsed.TotalMilliseconds:F0} ms after the activation");
    }

    [ToolFact(PostgresCluster.Program, PostgresCluster.Package)]
    public async Task A_layer_uploaded_through_one_replica_is_overlaid_by_the_other_within_a_second()
    {
        var database = await cluster.CreateDatabaseAsync("followed_layers");
        await using var a = await Replica.StartAsync(database);
        await using var b = await Replica.StartAsync(database);
        var parcel = SpatialParcels.Efficient("FOL-L", Squares.Box(500_000, 3_530_000, 500_100, 3_530_100), 15);
        Assert.Empty((await SpatialParcels.EvaluateAsync(new GrpcChannelHolder(b.Channel), parcel)).SpatialFacts);

        // Through A: a red line over the parcel's east half.
        await SpatialParcels.UploadAsync(new GrpcChannelHolder(a.Channel), LayerKind.EcologicalRedLine, (500_050, 3_529_000, 500_300, 3_531_000));
        var uploaded = Stopwatch.StartNew();

        SpatialFact? fact;
        do fact = (await SpatialParcels.EvaluateAsync(new GrpcChannelHolder(b.Channel), parcel)).SpatialFacts.SingleOrDefault();
        while (fact is null && uploaded.Elapsed < Allowed);

        Assert.NotNull(fact);
        Assert.Equal((1, 0.5), (fact.LayerVersion, Math.Round(fact.OverlapShare, 9)));
        Assert.True(uploaded.Elapsed < Allowed, $"B overlaid the new layer {uploaded.Elapsed.TotalMilliseconds:F0} ms after the upload");
    }

    // All weight on energy: the hand-worked parcel then scores its energy element, 0.566.
    private static WeightTable EnergyOnly() => new()
    {
        Weights = { new[] { ("population", 0.0), ("land", 0.0), ("enterprise", 0.0), ("industry", 0.0), ("economy", 0.0), ("energy", 1.0) }
            .Select(w => new Weight { Group = "elements", Code = w.Item1, Weight_ = w.Item2 }) },
    };

    private static async Task<Evaluation> EvaluateAsync(ScoringService.ScoringServiceClient client, string id, string version = "") =>
        (await client.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = HandWorkedParcel.Input(id), ModelVersion = version, SkipHistory = true })).Evaluation;

    [ToolFact(PostgresCluster.Program, PostgresCluster.Package)]
    public async Task A_label_moved_through_one_replica_names_the_new_version_on_the_others_next_call_within_a_second()
    {
        var database = await cluster.CreateDatabaseAsync("followed_labels");
        await using var a = await Replica.StartAsync(database);
        await using var b = await Replica.StartAsync(database);
        var modelsA = new ModelService.ModelServiceClient(a.Channel);
        await modelsA.SetModelLabelAsync(new SetModelLabelRequest { Label = "official", Version = "1" });
        var scoringB = new ScoringService.ScoringServiceClient(b.Channel);
        Assert.Equal("1", (await EvaluateAsync(scoringB, "FOL-L0", "official")).ModelVersion); // B now knows official = 1

        // Through A: a version with all weight on energy (not activated), and the label moved onto it.
        var version = (await new ScoringService.ScoringServiceClient(a.Channel).UpdateWeightsAsync(
            new UpdateWeightsRequest { BaseVersion = "official", Weights = EnergyOnly() })).ModelVersion;
        await modelsA.SetModelLabelAsync(new SetModelLabelRequest { Label = "official", Version = version });
        var moved = Stopwatch.StartNew();

        Evaluation onB;
        do onB = await EvaluateAsync(scoringB, "FOL-L1", "official");
        while (onB.ModelVersion != version && moved.Elapsed < Allowed);

        Assert.Equal(version, onB.ModelVersion);
        Assert.Equal(0.566, onB.Score, 9);
        Assert.True(moved.Elapsed < Allowed, $"B used the moved label {moved.Elapsed.TotalMilliseconds:F0} ms after the move");
    }

    // An in-process server on the database with its periodic refreshes at an hour.
    private sealed class Replica(WebApplication app, GrpcChannel channel) : IAsyncDisposable
    {
        public GrpcChannel Channel => channel;

        public static async Task<Replica> StartAsync(string connectionString)
        {
            var app = ScoringApp.Create(
            [
                "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", $"--ConnectionStrings:Scoring={connectionString}",
                "--Scoring:ModelRefreshSeconds=3600", "--Spatial:RefreshSeconds=3600",
            ]);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Replica(app, GrpcChannel.ForAddress(address));
        }

        public async ValueTask DisposeAsync()
        {
            channel.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
