using System.Diagnostics;
using Scoring.Storage.Evaluations;
using Scoring.Storage.Parcels;
using Scoring.Testing;

namespace Scoring.Storage.Tests;

public abstract class ConcurrencyTests(StoreUnderTest target) : IDisposable
{
    public void Dispose() => target.Dispose();

    [StoreFact]
    public async Task Sixteen_writers_and_sixteen_readers_on_one_database_all_succeed_and_counts_add_up()
    {
        const int Writers = 16, Readers = 16, GroupsPerWriter = 5, ParcelsPerGroup = 10, CodesPerParcel = 5;
        // 32 workers on a small machine: the test host parks pool threads of its own, and the pool adds threads
        // only slowly while the CPU is busy, so writers waiting for the lock would sit in the queue for seconds.
        ThreadPool.GetMinThreads(out var workerThreads, out var ioThreads);
        ThreadPool.SetMinThreads(Math.Max(workerThreads, 64), ioThreads);
        var stores = target.Open();
        var (parcels, evaluations) = (stores.Parcels, stores.Evaluations);
        var asOfBase = new DateOnly(2024, 1, 1);
        var chunksByWriter = new int[Writers];
        var readsByReader = new int[Readers];
        var stopwatch = Stopwatch.StartNew();
        bool Running() => stopwatch.Elapsed < TimeSpan.FromSeconds(2);

        // Writer w's chunk c rewrites group c % 5 of its own parcels, every code valued c, as of base + c days.
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var c = 0; Running() || c < GroupsPerWriter; c++)
            {
                var group = c % GroupsPerWriter;
                var chunk = Enumerable.Range(0, ParcelsPerGroup).Select(k => new ParcelWrite($"W{w:D2}-G{group}-{k}")
                {
                    UnitId = $"U{w % 4}",
                    Indicators = Enumerable.Range(0, CodesPerParcel).ToDictionary(i => $"code{i}", _ => (double)c),
                }).ToList();
                var counts = await parcels.UpsertAsync($"writer{w}", asOfBase.AddDays(c), chunk);
                Assert.Equal(new UpsertCounts(ParcelsPerGroup, ParcelsPerGroup * CodesPerParcel), counts);
                await evaluations.AppendAsync([new EvaluationRecord($"W{w:D2}-G{group}-0", "v1", 0.5, 1, 1, 1, "{}", default)]);
                chunksByWriter[w] = c + 1;
            }
        })).ToList();

        var readers = Enumerable.Range(0, Readers).Select(r => Task.Run(async () =>
        {
            do
            {
                var w = r % Writers;
                var ids = Enumerable.Range(0, ParcelsPerGroup).Select(k => $"W{w:D2}-G{r % GroupsPerWriter}-{k}").ToList();
                var found = await parcels.GetManyAsync(ids);
                // A parcel is read whole: all five codes from the same chunk, or not there yet.
                Assert.All(found.Values, p => Assert.Single(p.Indicators.Values.Select(v => v.Number).Distinct()));
                await parcels.ListAsync(new ParcelFilter(UnitId: $"U{r % 4}"), 100, null);
                await parcels.ValueHistoryAsync(ids[0], "code0");
                await evaluations.ListAsync(ids[0], 10, null);
                readsByReader[r]++;
            } while (Running());
        })).ToList();

        await Task.WhenAll(writers.Concat(readers));

        var chunks = chunksByWriter.Sum();
        Assert.True(chunks >= Writers * GroupsPerWriter);
        Assert.All(readsByReader, reads => Assert.True(reads > 0));
        Assert.Equal(Writers * GroupsPerWriter * ParcelsPerGroup, target.Scalar("SELECT count(*) FROM parcels;"));
        Assert.Equal(chunks * ParcelsPerGroup, target.Scalar("SELECT count(*) FROM value_writes;"));
        Assert.Equal(chunks * ParcelsPerGroup * CodesPerParcel, target.Scalar("SELECT sum(value_count) FROM value_writes;"));
        Assert.Equal(chunks, target.Scalar("SELECT count(*) FROM evaluations;"));

        // Each group's current value is the last chunk that wrote it: the largest c < n with c % 5 == group.
        var streamed = 0;
        await foreach (var batch in parcels.StreamAllAsync(batchSize: 97))
        foreach (var parcel in batch)
        {
            var w = int.Parse(parcel.ParcelId[1..3]);
            var group = parcel.ParcelId[5] - '0';
            var n = chunksByWriter[w];
            var last = (n - 1) - ((n - 1 - group) % GroupsPerWriter + GroupsPerWriter) % GroupsPerWriter;
            Assert.All(parcel.Indicators.Values, v => Assert.Equal(last, v.Number));
            Assert.All(parcel.Indicators.Values, v => Assert.Equal(asOfBase.AddDays(last), v.AsOf));
            Assert.Equal(CodesPerParcel, parcel.Indicators.Count);
            streamed++;
        }
        Assert.Equal(Writers * GroupsPerWriter * ParcelsPerGroup, streamed);
    }
}

/// <summary>The tests of <see cref="ConcurrencyTests"/> on a SQLite file.</summary>
public sealed class SqliteConcurrencyTests() : ConcurrencyTests(new SqliteUnderTest());

/// <summary>The tests of <see cref="ConcurrencyTests"/> on PostgreSQL.</summary>
[Collection(PostgresCluster.Collection), NeedsTool(PostgresCluster.Program, PostgresCluster.Package)]
public sealed class PostgresConcurrencyTests(PostgresCluster cluster) : ConcurrencyTests(new PostgresUnderTest(cluster, typeof(PostgresConcurrencyTests)));
