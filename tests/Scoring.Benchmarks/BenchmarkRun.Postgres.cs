using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using Scoring.Testing;
using Scoring.V1;
using static Scoring.Benchmarks.MarkdownReport;

namespace Scoring.Benchmarks;

/// <summary>
/// Part 12 (<c>postgres</c>): the same cached-district work through one replica on SQLite and one on PostgreSQL (a
/// throwaway cluster from Debian's packages, started here), and how soon a second PostgreSQL replica uses a model
/// activated through the first.
/// </summary>
internal sealed partial class BenchmarkRun
{
    private const int Activations = 5;
    private PostgresComparison? _postgres;
    private string? _postgresSkipped;

    private async Task PostgresAsync(ParcelWorkload workload, ChildProcess sqliteServer, GrpcChannel sqliteChannel)
    {
        if (InstalledTools.Find(PostgresCluster.Program) is null)
        {
            _postgresSkipped = $"PostgreSQL is not installed (apt-get install {PostgresCluster.Package})";
            Progress("postgres: skipped, " + _postgresSkipped);
            return;
        }
        Progress("postgres: starting a throwaway cluster and two replicas on it");
        var cluster = new PostgresCluster();
        await cluster.InitializeAsync();
        try
        {
            var connection = await cluster.CreateDatabaseAsync("bench");
            string[] Replica() =>
            [
                "--urls", "http://127.0.0.1:0", $"--ConnectionStrings:Scoring={connection}",
                "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
            ];
            await using var a = await ChildProcess.StartAsync("replica A (PostgreSQL)", "Scoring.Server.dll", Replica(), options.HostEnvironment);
            await using var b = await ChildProcess.StartAsync("replica B (PostgreSQL)", "Scoring.Server.dll", Replica(), options.HostEnvironment);
            using var channelA = Channel(a.Address);
            using var channelB = Channel(b.Address);

            var parcels = options.Quick ? 5_000 : options.IngestParcels;
            var sqlite = await StoreWorkAsync("SQLite", workload, sqliteChannel, parcels);
            var postgres = await StoreWorkAsync("PostgreSQL", workload, channelA, parcels);
            var follow = await FollowAsync(channelA, channelB);
            a.EnsureAlive();
            b.EnsureAlive();
            sqliteServer.EnsureAlive();
            _postgres = new PostgresComparison(parcels, sqlite, postgres, follow);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    // Ingest, evaluate by id at 16 callers, and BatchEvaluate id-only rows, through one replica on one store. CPU is the
    // whole machine's (server, database and this client), so that a store that works in other processes pays for them.
    private async Task<StoreWork> StoreWorkAsync(string store, ParcelWorkload workload, GrpcChannel channel, int total)
    {
        var parcels = new ParcelService.ParcelServiceClient(channel);
        var scoring = new ScoringService.ScoringServiceClient(channel);
        var prefix = "store-" + store.ToLowerInvariant() + "-";
        var asOf = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var chunks = Enumerable.Range(0, (total + IngestChunk - 1) / IngestChunk).Select(k => FeedChunk(workload, "bench-store", asOf, prefix, total, k)).ToArray();
        var rows = IdOnlyChunks(prefix, total);

        Progress($"postgres: {store}: ingest of {total:N0} parcels x {workload.ValuesPerParcel} values");
        GC.Collect();
        long values = 0;
        var (ingest, ingestCpu) = await MachineCpu(() => ChunkStream.RunAsync(o => parcels.UpsertParcels(o), chunks.Length, k => chunks[k],
            r => { values += r.ValuesWritten; return (r.Accepted + r.Errors.Count, r.Errors.Count); }, total, options.IngestWindow));
        if (ingest.Errors > 0 || values != (long)total * workload.ValuesPerParcel)
            throw new InvalidOperationException($"{store}: ingest stored {values} values with {ingest.Errors} errors");

        Progress($"postgres: {store}: EvaluateParcel by id, 16 callers");
        await ConcurrentCallers.RunAsync(16, options.Warmup, ById(scoring, prefix, total));
        var (byId, byIdCpu) = await MachineCpu(() => ConcurrentCallers.RunAsync(16, options.CallDuration, ById(scoring, prefix, total)));

        Progress($"postgres: {store}: BatchEvaluate with {total:N0} id-only columnar rows");
        GC.Collect();
        var (batch, batchCpu) = await MachineCpu(() => ChunkStream.RunAsync(o => scoring.BatchEvaluate(o), rows.Length, k => rows[k], ChunkStream.Count, total, options.Window));
        if (batch.Errors > 0) throw new InvalidOperationException($"{store}: BatchEvaluate by id came back with {batch.Errors} errors");
        return new StoreWork(ingest, values, ingestCpu / total, byId, byIdCpu / byId.Calls, batch, batchCpu / total);
    }

    private static Func<long, Task> ById(ScoringService.ScoringServiceClient scoring, string prefix, int total) => async n =>
    {
        var id = prefix + (n % total).ToString(CultureInfo.InvariantCulture);
        var response = await scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = new ParcelInput { ParcelId = id }, SkipHistory = true });
        if (response.Evaluation.ParcelId != id) throw new InvalidOperationException($"{id} was answered as {response.Evaluation.ParcelId}");
    };

    // Activations through A, each timed until B's first call that uses the new version (B is asked every millisecond).
    private static async Task<IReadOnlyList<TimeSpan>> FollowAsync(GrpcChannel channelA, GrpcChannel channelB)
    {
        var modelsA = new ModelService.ModelServiceClient(channelA);
        var scoringB = new ScoringService.ScoringServiceClient(channelB);
        var probe = new EvaluateParcelRequest { Parcel = new ParcelInput { ParcelId = "store-postgresql-0" }, SkipHistory = true };
        var versions = (await modelsA.ListModelsAsync(new ListModelsRequest())).Models.Select(m => m.Version).ToList();
        if (versions.Count < 2)
        {
            var weights = new WeightTable();
            weights.Weights.AddRange((await modelsA.GetModelAsync(new GetModelRequest())).Model.Weights);
            versions.Add((await new ScoringService.ScoringServiceClient(channelA).UpdateWeightsAsync(new UpdateWeightsRequest { Weights = weights, Activate = false })).ModelVersion);
        }
        Progress($"postgres: {Activations} activations through replica A, each until replica B uses it");
        var times = new List<TimeSpan>(Activations);
        for (var k = 0; k < Activations; k++)
        {
            var version = versions[(k + 1) % 2];
            var started = Stopwatch.GetTimestamp();
            await modelsA.ActivateModelAsync(new ActivateModelRequest { Version = version });
            while ((await scoringB.EvaluateParcelAsync(probe)).Evaluation.ModelVersion != version)
            {
                if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(30)) throw new InvalidOperationException("replica B did not follow the activation in 30 s");
                await Task.Delay(1);
            }
            times.Add(Stopwatch.GetElapsedTime(started));
        }
        await modelsA.ActivateModelAsync(new ActivateModelRequest { Version = versions[0] });
        return times;
    }

    // The machine's busy CPU seconds, in microseconds, while `run` runs.
    private static async Task<(T Result, double Microseconds)> MachineCpu<T>(Func<Task<T>> run)
    {
        var before = CpuAccount.MachineBusySeconds();
        var result = await run();
        var after = CpuAccount.MachineBusySeconds();
        return (result, (after - before) * 1e6 ?? double.NaN);
    }

    private void RenderPostgres(MarkdownReport r, List<IReadOnlyList<string>> summary)
    {
        if (_postgresSkipped is { } why)
        {
            r.Heading(3, "12. PostgreSQL against SQLite");
            r.Text($"Not run: {why}.");
            return;
        }
        if (_postgres is not { } p) return;
        r.Heading(3, $"12. PostgreSQL against SQLite: one replica each, {N(p.Parcels)} cached parcels");
        IReadOnlyList<string> Row(string what, string unit, double sqlite, double postgres, double sqliteCpu, double postgresCpu) =>
            [what, $"{N(sqlite)} {unit}", $"{N(postgres)} {unit}", Percent(postgres / sqlite), F(sqliteCpu, 1), F(postgresCpu, 1)];
        r.Table(["Work", "SQLite", "PostgreSQL", "PostgreSQL ÷ SQLite", "Machine CPU µs per parcel or call, SQLite", "PostgreSQL"],
        [
            Row("UpsertParcels ingest (PostgreSQL: binary COPY)", "values/s", p.Sqlite.Values / p.Sqlite.Ingest.Elapsed.TotalSeconds,
                p.Postgres.Values / p.Postgres.Ingest.Elapsed.TotalSeconds, p.Sqlite.IngestCpu, p.Postgres.IngestCpu),
            Row("EvaluateParcel by id, what-if, 16 callers", "calls/s", p.Sqlite.ById.Rate, p.Postgres.ById.Rate, p.Sqlite.ByIdCpu, p.Postgres.ByIdCpu),
            Row("BatchEvaluate, id-only columnar rows", "parcels/s", p.Sqlite.Batch.Rate, p.Postgres.Batch.Rate, p.Sqlite.BatchCpu, p.Postgres.BatchCpu),
        ]);
        var follow = p.Follow.Select(t => t.TotalMilliseconds).Order().ToList();
        r.Text($"By id p99: SQLite {F(p.Sqlite.ById.P99Ms, 2)} ms, PostgreSQL {F(p.Postgres.ById.P99Ms, 2)} ms. Machine CPU counts every process " +
               "(server, PostgreSQL's backends, this client). Activation through replica A until replica B's first call under the new " +
               $"version ({Activations} times): median {F(follow[follow.Count / 2], 1)} ms, at most {F(follow[^1], 1)} ms.");
        summary.Add(["Replica B uses an activation made through replica A within 1 s (PostgreSQL)", $"at most {F(follow[^1], 1)} ms", Status(follow[^1] < 1000)]);
    }

    private sealed record StoreWork(StreamOutcome Ingest, long Values, double IngestCpu, CallOutcome ById, double ByIdCpu, StreamOutcome Batch, double BatchCpu);

    private sealed record PostgresComparison(int Parcels, StoreWork Sqlite, StoreWork Postgres, IReadOnlyList<TimeSpan> Follow);
}
