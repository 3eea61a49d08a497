using System.Globalization;
using Grpc.Core;
using Scoring.Client;
using Scoring.V1;

namespace Scoring.Server.Tests;

/// <summary>
/// Two server replicas as their own processes on one shared store (PostgreSQL; SQLite where it is not installed), behind Debian's nginx running the shipped
/// deploy/nginx/nginx.conf: what one replica writes the other serves, an activation through one is used by the other's
/// next call, and an SDK batch through the proxy survives kill -9 of the replica serving it.
/// </summary>
public sealed class BalancedReplicaTests : IAsyncLifetime
{
    private SharedStore _store = null!;
    private ServerProcess _a = null!;
    private ServerProcess _b = null!;

    public async Task InitializeAsync()
    {
        _store = await SharedStore.CreateAsync();
        _a = await ServerProcess.StartOnAsync(_store.ConnectionString, _store.ReplicaSettings);
        _b = await ServerProcess.StartOnAsync(_store.ConnectionString, _store.ReplicaSettings);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _store.DisposeAsync();
    }

    [ToolFact("nginx", "nginx")]
    public async Task Parcels_ingested_through_one_replica_are_evaluated_by_id_through_the_other_and_through_the_proxy()
    {
        await using var proxy = await NginxProxy.StartAsync([_a.Address, _b.Address]);
        using (var call = new ParcelService.ParcelServiceClient(_a.Channel).UpsertParcels())
        {
            var chunk = new UpsertParcelsRequest { Source = "replica-test", AsOf = "2025-06-30" };
            for (var i = 0; i < 20; i++) chunk.Parcels.Add(HandWorkedParcel.Input($"RB-{i:D2}"));
            await call.RequestStream.WriteAsync(chunk);
            Assert.True(await call.ResponseStream.MoveNext());
            Assert.Equal(20, call.ResponseStream.Current.Accepted);
            await call.RequestStream.CompleteAsync();
        }

        var throughB = await new ScoringService.ScoringServiceClient(_b.Channel)
            .EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = new ParcelInput { ParcelId = "RB-07" }, SkipHistory = true });
        Assert.Equal(HandWorkedParcel.Score, throughB.Evaluation.Score, 9);
        Assert.Equal(HandWorkedParcel.Classification, throughB.Evaluation.Classification);

        // Through the proxy, calls alternate between the replicas; every one of them finds every parcel.
        var (directA, directB) = (Established(_a), Established(_b));
        using var client = new ScoringClient(proxy.Address);
        for (var i = 0; i < 20; i++)
        {
            var e = await client.EvaluateAsync(new EvaluateParcelRequest { Parcel = new ParcelInput { ParcelId = $"RB-{i:D2}" }, SkipHistory = true });
            Assert.Equal(HandWorkedParcel.Score, e.Score, 9);
        }
        Assert.True(Established(_a) > directA && Established(_b) > directB, "the proxy spread the calls over both replicas");
    }

    [ToolFact("nginx", "nginx")]
    public async Task An_activation_through_one_replica_is_used_by_the_others_next_call()
    {
        var scoringA = new ScoringService.ScoringServiceClient(_a.Channel);
        var scoringB = new ScoringService.ScoringServiceClient(_b.Channel);
        // B has served the default model already, so it holds it in memory.
        Assert.Equal("1", (await scoringB.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = HandWorkedParcel.Input("ACT-0"), SkipHistory = true })).Evaluation.ModelVersion);

        // Through A: all weight on energy, activated. The hand-worked parcel then scores its energy element, 0.566.
        var weights = new WeightTable
        {
            Weights =
            {
                new[] { ("population", 0.0), ("land", 0.0), ("enterprise", 0.0), ("industry", 0.0), ("economy", 0.0), ("energy", 1.0) }
                    .Select(w => new Weight { Group = "elements", Code = w.Item1, Weight_ = w.Item2 }),
            },
        };
        var version = (await scoringA.UpdateWeightsAsync(new UpdateWeightsRequest { BaseVersion = "1", Weights = weights, Activate = true })).ModelVersion;
        var activated = DateTime.UtcNow;

        // B's calls within a second of the activation use the new version.
        Evaluation latest;
        var attempt = 0;
        do
        {
            if (attempt++ > 0) await Task.Delay(20);
            latest = (await scoringB.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = HandWorkedParcel.Input("ACT-1"), SkipHistory = true })).Evaluation;
        } while (latest.ModelVersion != version && DateTime.UtcNow - activated < TimeSpan.FromSeconds(1));
        Assert.Equal(version, latest.ModelVersion);
        Assert.Equal(0.566, latest.Score, 9);
    }

    [ToolFact("nginx", "nginx")]
    public async Task A_batch_through_the_proxy_completes_on_the_other_replica_when_the_one_serving_it_is_killed()
    {
        await using var proxy = await NginxProxy.StartAsync([_a.Address, _b.Address]);
        const int count = 60_000;
        var ids = Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"KILL-{i:D5}")).ToList();
        using var client = new ScoringClient(proxy.Address);

        var results = new List<BatchResult>(count);
        ServerProcess? killed = null;
        await foreach (var result in client.EvaluateManyAsync(ids.Select(id => HandWorkedParcel.Input(id)), new BatchOptions { ChunkSize = 500, MaxChunksInFlight = 4 }))
        {
            results.Add(result);
            if (killed is null && results.Count == count / 3)
            {
                // The stream runs on the replica the proxy holds a connection to (the only call through this proxy).
                killed = Established(_a) > 0 ? _a : _b;
                Assert.Equal(0, Established(killed == _a ? _b : _a));
                killed.Kill();
            }
        }

        Assert.NotNull(killed);
        Assert.Equal(ids, results.Select(r => r.ParcelId));
        Assert.All(results, r =>
        {
            Assert.Null(r.Error);
            Assert.Equal(HandWorkedParcel.Score, r.Evaluation.Score, 9);
        });
        var survivor = killed == _a ? _b : _a;
        Assert.True(Established(survivor) > 0, "the rest of the batch went to the other replica");
    }

    // Established TCP connections to the replica's port (from the proxy, or from this process's own channel).
    private static int Established(ServerProcess replica)
    {
        var port = replica.Address.Port.ToString("X4", CultureInfo.InvariantCulture);
        return File.ReadLines("/proc/net/tcp").Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(f => f[1].EndsWith(":" + port, StringComparison.Ordinal) && f[3] == "01");
    }
}
