using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using Scoring.V1;
using static Scoring.Benchmarks.MarkdownReport;

namespace Scoring.Benchmarks;

// 8–10: writers sharing the database (recorded evaluations while ingest runs), the WAL under that load for
// minutes, and the memory of a server holding a large cached district.
internal sealed partial class BenchmarkRun
{
    private const double MixedRatioTarget = 0.50;
    private const double MixedP99TargetMs = 25;
    private const long WalBoundBytes = 64L << 20; // the server's Storage:WalLimitBytes default
    private const int MixedFeedParcels = 20_000; // ids the background feed cycles through (chunks pre-built)

    private MixedResult? _mixed;
    private SoakResult? _soak;
    private CachedMemoryResult? _cachedMemory;

    // 8 and 9: recorded EvaluateParcel (full parcel inline, skip_history false) at 16 callers, alone and then while
    // one UpsertParcels stream runs flat out; then the same load for the soak's length with the WAL sampled.
    private async Task MixedLoadAsync(ParcelWorkload workload, GrpcChannel channel, string databasePath)
    {
        var scoring = new ScoringService.ScoringServiceClient(channel);
        var parcels = new ParcelService.ParcelServiceClient(channel);
        var pool = Enumerable.Range(0, UnaryParcels).Select(n => workload.MapParcel(n, "mixed-")).ToArray();
        async Task Recorded(long n)
        {
            var parcel = pool[n % pool.Length];
            var response = await scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = parcel, SkipHistory = false });
            if (response.Evaluation.ParcelId != parcel.ParcelId) throw new InvalidOperationException("EvaluateParcel answered for another parcel");
        }
        var asOf = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var chunks = Enumerable.Range(0, MixedFeedParcels / IngestChunk).Select(k =>
        {
            var request = new UpsertParcelsRequest { Source = "bench-mixed-feed", AsOf = asOf };
            for (var i = 0; i < IngestChunk; i++) request.Parcels.Add(workload.MapParcel((long)k * IngestChunk + i, "mixed-feed-"));
            return request;
        }).ToArray();

        Progress("mixed load: warm-up (recorded EvaluateParcel, then with the feed)");
        await ConcurrentCallers.RunAsync(16, options.Warmup, Recorded);
        var warm = IngestLoad.Start(parcels, chunks, options.IngestWindow);
        await ConcurrentCallers.RunAsync(16, options.Warmup, Recorded);
        Check(await warm.StopAsync());

        if (options.Runs("mixed"))
        {
            Progress("mixed load: recorded EvaluateParcel alone, 16 callers");
            GC.Collect();
            var alone = await ConcurrentCallers.RunAsync(16, options.CallDuration, Recorded);
            Progress("mixed load: recorded EvaluateParcel, 16 callers, while UpsertParcels runs flat out");
            GC.Collect();
            var feed = IngestLoad.Start(parcels, chunks, options.IngestWindow);
            var together = await ConcurrentCallers.RunAsync(16, options.CallDuration, Recorded);
            _mixed = new MixedResult(alone, together, Check(await feed.StopAsync()));
        }

        if (options.Runs("soak"))
        {
            var wal = databasePath + "-wal";
            Progress($"WAL soak: the mixed load for {options.SoakDuration.TotalSeconds:0} s, the -wal file sampled every 250 ms");
            GC.Collect();
            var sampler = FileSizeSampler.Start(wal, TimeSpan.FromMilliseconds(250));
            var feed = IngestLoad.Start(parcels, chunks, options.IngestWindow);
            var calls = await ConcurrentCallers.RunAsync(16, options.SoakDuration, Recorded);
            var ingest = Check(await feed.StopAsync());
            var (largest, samples) = await sampler.StopAsync();
            // Idle, the server gives the WAL back (a TRUNCATE checkpoint once no write has come for a second).
            var idle = System.Diagnostics.Stopwatch.StartNew();
            while (FileSizeSampler.SizeOf(wal) > 0 && idle.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(50);
            var truncated = FileSizeSampler.SizeOf(wal) == 0 ? idle.Elapsed : (TimeSpan?)null;
            _soak = new SoakResult(calls, ingest, largest, samples, truncated, FileSizeSampler.SizeOf(databasePath));
        }
    }

    private static IngestLoadOutcome Check(IngestLoadOutcome outcome) =>
        outcome.Errors > 0 ? throw new InvalidOperationException($"UpsertParcels refused {outcome.Errors} parcels under mixed load") : outcome;

    // 10: a fresh server (nothing else run in it) caches the district through UpsertParcels, then evaluates all of it
    // (EvaluateStored) and by id (16 callers); its working set is read after each phase.
    private async Task CachedMemoryAsync(ParcelWorkload workload)
    {
        var folder = Directory.CreateTempSubdirectory("scoring-bench-memory-");
        try
        {
            Progress("cached district: starting a fresh server");
            await using var server = await ChildProcess.StartAsync("the memory server", "Scoring.Server.dll",
            [
                "--urls", "http://127.0.0.1:0",
                $"--ConnectionStrings:Scoring=Data Source={Path.Combine(folder.FullName, "scoring.db")}",
                "--Logging:LogLevel:Default=Warning",
                "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
            ], options.HostEnvironment);
            using var channel = Channel(server.Address);
            var scoring = new ScoringService.ScoringServiceClient(channel);
            var parcels = new ParcelService.ParcelServiceClient(channel);
            var total = options.CachedParcels;
            var asOf = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var atStart = server.WorkingSetMb();

            // Chunks built as they are sent: a million parcels built ahead would take the client gigabytes.
            var chunkCount = (total + IngestChunk - 1) / IngestChunk;
            UpsertParcelsRequest Chunk(int k) => FeedChunk(workload, "bench-district", asOf, "cached-", total, k);
            Progress($"cached district: ingesting {total:N0} parcels");
            server.ResetPeak();
            var ingestSampling = new CancellationTokenSource();
            var ingestPrivate = server.PeakPrivateMbAsync(ingestSampling.Token);
            var ingest = await ChunkStream.RunAsync(o => parcels.UpsertParcels(o), chunkCount, Chunk,
                r => (r.Accepted + r.Errors.Count, r.Errors.Count), total, options.IngestWindow);
            await ingestSampling.CancelAsync();
            var ingestPrivatePeak = await ingestPrivate;
            if (ingest.Errors > 0) throw new InvalidOperationException($"UpsertParcels refused {ingest.Errors} parcels");
            var ingestPeak = server.PeakWorkingSetMb();
            var afterIngest = server.WorkingSetMb();

            Progress($"cached district: EvaluateStored over {total:N0} parcels, then EvaluateParcel by id at 16 callers");
            server.ResetPeak();
            var evaluateSampling = new CancellationTokenSource();
            var evaluatePrivate = server.PeakPrivateMbAsync(evaluateSampling.Token);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            long results = 0;
            using (var call = parcels.EvaluateStored(new EvaluateStoredRequest { ChunkSize = options.Chunk }))
            {
                await foreach (var response in call.ResponseStream.ReadAllAsync())
                {
                    var (r, e) = ChunkStream.Count(response);
                    if (e > 0) throw new InvalidOperationException($"EvaluateStored answered {e} errors");
                    results += r;
                }
            }
            var stored = new StreamOutcome(results, results, 0, System.Diagnostics.Stopwatch.GetElapsedTime(started));
            if (results != total) throw new InvalidOperationException($"EvaluateStored answered {results} parcels; {total} were cached");
            var byId = await ConcurrentCallers.RunAsync(16, options.CallDuration, async n =>
            {
                // Spread over the district rather than a few hot rows.
                var id = "cached-" + (n * 7919 % total).ToString(CultureInfo.InvariantCulture);
                var response = await scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = new ParcelInput { ParcelId = id }, SkipHistory = true });
                if (response.Evaluation.Indicators.Count == 0 || response.Evaluation.Indicators[0].Origin != ValueOrigin.Cache)
                    throw new InvalidOperationException($"{id} was not evaluated from the cache");
            });
            await evaluateSampling.CancelAsync();
            var evaluatePrivatePeak = await evaluatePrivate;
            var evaluatePeak = server.PeakWorkingSetMb();
            var atEnd = server.WorkingSetMb();
            var privateAtEnd = server.PrivateMb();
            server.EnsureAlive();
            _cachedMemory = new CachedMemoryResult(total, ingest, stored, byId, atStart, ingestPeak, afterIngest, evaluatePeak, atEnd,
                ingestPrivatePeak, evaluatePrivatePeak, privateAtEnd);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { folder.Delete(recursive: true); } catch (IOException) { }
        }
    }

    private void RenderWriters(MarkdownReport r, List<IReadOnlyList<string>> summary, ParcelWorkload workload)
    {
        if (_mixed is { } m)
        {
            var ratio = m.Together.Rate / m.Alone.Rate;
            r.Heading(3, "8. Mixed load: recorded EvaluateParcel while UpsertParcels runs flat out");
            r.Table(["Measurement", "Calls/s", "p50 ms", "p99 ms", "Ingest meanwhile", "vs alone", "≥ 50 % of alone", "p99 < 25 ms"],
            [
                ["recorded EvaluateParcel (full parcel inline, skip_history false), 16 callers, alone", N(m.Alone.Rate), F(m.Alone.P50Ms, 2), F(m.Alone.P99Ms, 2), "", "", "", ""],
                [$"the same, while one UpsertParcels stream ({IngestChunk:N0}-parcel chunks, {options.IngestWindow} in flight) runs flat out",
                    N(m.Together.Rate), F(m.Together.P50Ms, 2), F(m.Together.P99Ms, 2),
                    $"{N(m.Ingest.ValuesRate)} values/s ({N(m.Ingest.Chunks)} chunks)", Percent(ratio),
                    Status(ratio >= MixedRatioTarget), Status(m.Together.P99Ms < MixedP99TargetMs)],
            ]);
            r.Text($"Each measurement lasts {options.CallDuration.TotalSeconds:0.#} s. Recorded single evaluations are group-committed; in the single writer's queue a group goes ahead of waiting ingest writes, and each ingest chunk is one transaction (Storage:IngestPieceParcels, off by default, would split it), so a group waits at most for the chunk being written. The p99 under ingest is about the time of one chunk's transaction.");
            summary.Add(["Recorded EvaluateParcel under ingest ≥ 50 % of its rate alone (16 callers)", $"{Percent(ratio)} ({N(m.Together.Rate)} vs {N(m.Alone.Rate)} calls/s)", Status(ratio >= MixedRatioTarget)]);
            summary.Add(["Recorded EvaluateParcel under ingest: p99 < 25 ms", $"{F(m.Together.P99Ms, 2)} ms", Status(m.Together.P99Ms < MixedP99TargetMs)]);
        }
        if (_soak is { } s)
        {
            var met = s.LargestWalBytes <= WalBoundBytes;
            r.Heading(3, $"9. WAL soak: the mixed load for {s.Calls.Elapsed.TotalSeconds:0} s");
            r.Table(["Measurement", "Value", "Target", "Status"],
            [
                [$"largest -wal file, sampled every 250 ms ({N(s.Samples)} samples)", $"{F(s.LargestWalBytes / 1048576.0, 1)} MiB", "never above 64 MiB", Status(met)],
                ["-wal file once the load stopped", s.TruncatedAfter is { } t ? $"0 bytes after {F(t.TotalSeconds, 1)} s idle" : "not truncated within 10 s idle", "", ""],
                ["recorded EvaluateParcel, 16 callers, throughout", $"{N(s.Calls.Rate)} calls/s", $"p50 {F(s.Calls.P50Ms, 2)} ms, p99 {F(s.Calls.P99Ms, 2)} ms", ""],
                ["UpsertParcels meanwhile", $"{N(s.Ingest.ValuesRate)} values/s", $"{N(s.Ingest.Parcels)} parcels, {N(s.Ingest.Values)} values", ""],
                ["database file at the end", $"{F(s.DatabaseBytes / 1048576.0, 0)} MiB", "", ""],
            ]);
            summary.Add([$"WAL never above 64 MiB over a {s.Calls.Elapsed.TotalSeconds:0} s mixed-load soak", $"{F(s.LargestWalBytes / 1048576.0, 1)} MiB at most", Status(met)]);
        }
        if (_cachedMemory is { } c)
        {
            r.Heading(3, $"10. Server memory with {N(c.Parcels)} cached parcels (a fresh server)");
            r.Table(["Phase", "Private (RssAnon)", "Resident (VmRSS / VmHWM)", "Details", "Target", "Status"],
            [
                ["started, empty database", "", Mb(c.AtStart), "", "", ""],
                [$"ingesting {N(c.Parcels)} parcels, peak", Mb(c.IngestPrivatePeak), Mb(c.IngestPeak), $"{N(c.Ingest.Rate)} parcels/s ({N(c.Ingest.Rate * workload.ValuesPerParcel)} values/s), {F(c.Ingest.Elapsed.TotalSeconds, 1)} s", "< 300 MB", StatusOf(c.IngestPrivatePeak)],
                ["after the ingest", "", Mb(c.AfterIngest), "", "", ""],
                ["evaluating the cached district, peak", Mb(c.EvaluatePrivatePeak), Mb(c.EvaluatePeak), $"EvaluateStored {N(c.Stored.Rate)} parcels/s; then EvaluateParcel by id, 16 callers: {N(c.ById.Rate)} calls/s, p99 {F(c.ById.P99Ms, 2)} ms", "< 300 MB", StatusOf(c.EvaluatePrivatePeak)],
                ["at the end", Mb(c.PrivateAtEnd), Mb(c.AtEnd), "", "< 300 MB", StatusOf(c.PrivateAtEnd)],
            ]);
            r.Text("Private is the server's own memory (RssAnon, sampled every 50 ms for the peaks): heap, native allocations and SQLite's page caches. Resident adds the file pages mapped into the process: the runtime's and the program's code, and the pages of the database file that readers map (Storage:MmapBytes, default 1 GiB). Those are the OS page cache, clean and shared, given back under memory pressure; the same pages sit in the page cache without the mapping too.");
            summary.Add([$"Server memory with {N(c.Parcels)} cached parcels < 300 MB (private, peak while evaluating them)", $"{Mb(c.EvaluatePrivatePeak)} (resident with the mapped file: {Mb(c.EvaluatePeak)})", StatusOf(c.EvaluatePrivatePeak)]);
        }

        static string Mb(double? mb) => mb is { } v ? $"{v:F0} MB" : "—";
        static string StatusOf(double? mb) => mb is { } v ? Status(v < MemoryTargetMb) : "n/a (no /proc)";
    }

    private sealed record MixedResult(CallOutcome Alone, CallOutcome Together, IngestLoadOutcome Ingest);

    private sealed record SoakResult(CallOutcome Calls, IngestLoadOutcome Ingest, long LargestWalBytes, long Samples, TimeSpan? TruncatedAfter, long DatabaseBytes);

    private sealed record CachedMemoryResult(int Parcels, StreamOutcome Ingest, StreamOutcome Stored, CallOutcome ById,
        double? AtStart, double? IngestPeak, double? AfterIngest, double? EvaluatePeak, double? AtEnd,
        double? IngestPrivatePeak, double? EvaluatePrivatePeak, double? PrivateAtEnd);
}
