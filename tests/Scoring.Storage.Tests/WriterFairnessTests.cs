using Microsoft.Data.Sqlite;
using Scoring.Storage.Evaluations;
using Scoring.Storage.Parcels;

namespace Scoring.Storage.Tests;

/// <summary>
/// The single writer's turn order on a real file: every write below is a real transaction, queued behind one that
/// the test holds open until the queue is set up, so the order is decided by the queue alone (no timing). SQLite only:
/// PostgreSQL takes concurrent writers itself.
/// </summary>
public sealed class WriterFairnessTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly TempDatabase _temp = new();
    private readonly List<string> _order = [];

    public void Dispose() => _temp.Dispose();

    // A write that inserts a row named after itself and notes when it ran.
    private Task<string> Write(ScoringDatabase database, WriteSize size, string name, Action? inside = null,
        CancellationToken cancellationToken = default) =>
        database.WriteAsync(size, (connection, transaction, _) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO management_units (id, name, created_at, updated_at) VALUES ($id, $id, '', '');";
            command.Parameters.AddWithValue("$id", name);
            command.ExecuteNonQuery();
            lock (_order) _order.Add(name);
            inside?.Invoke();
            return name;
        }, cancellationToken);

    // A large write that holds the writer until the returned gate is opened.
    private async Task<(Task Held, ManualResetEventSlim Gate)> HoldWriterAsync(ScoringDatabase database)
    {
        var gate = new ManualResetEventSlim();
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = Task.Run(() => Write(database, WriteSize.Large, "held", () =>
        {
            running.SetResult();
            gate.Wait();
        }));
        await running.Task.WaitAsync(Patience);
        return (held, gate);
    }

    private static async Task WaitUntilQueued(ScoringDatabase database, int writes)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (database.WritesWaiting != writes)
        {
            if (waited.Elapsed > Patience) throw new TimeoutException($"{database.WritesWaiting} writes queued, {writes} expected");
            await Task.Delay(1);
        }
    }

    private List<string> Order()
    {
        lock (_order) return [.. _order];
    }

    [Fact]
    public async Task Small_writes_queued_behind_large_ones_commit_before_them()
    {
        var database = _temp.Open();
        var (held, gate) = await HoldWriterAsync(database);

        var writes = new List<Task<string>>
        {
            Write(database, WriteSize.Large, "large-1"),
            Write(database, WriteSize.Large, "large-2"),
            Write(database, WriteSize.Small, "small-1"),
            Write(database, WriteSize.Small, "small-2"),
        };
        await WaitUntilQueued(database, 4);
        gate.Set();
        await Task.WhenAll(writes.Append(held)).WaitAsync(Patience);

        Assert.Equal(["held", "small-1", "small-2", "large-1", "large-2"], Order());
        Assert.Equal(5, _temp.Scalar("SELECT count(*) FROM management_units;"));
    }

    [Fact]
    public async Task Small_writes_arriving_during_a_small_turn_wait_for_the_large_write_queued_before_them()
    {
        var database = _temp.Open();
        var (held, gate) = await HoldWriterAsync(database);
        var later = new List<Task<string>>();

        // small-1 runs first; while it runs, two more small writes arrive. large-1 was waiting before them, so it
        // goes next, and they follow it, ahead of large-2: a steady flow of small writes does not starve ingest.
        var writes = new List<Task<string>>
        {
            Write(database, WriteSize.Large, "large-1"),
            Write(database, WriteSize.Small, "small-1", () =>
            {
                later.Add(Write(database, WriteSize.Small, "small-2"));
                later.Add(Write(database, WriteSize.Small, "small-3"));
            }),
            Write(database, WriteSize.Large, "large-2"),
        };
        await WaitUntilQueued(database, 3);
        gate.Set();
        await Task.WhenAll(writes.Append(held)).WaitAsync(Patience);
        await Task.WhenAll(later).WaitAsync(Patience);

        Assert.Equal(["held", "small-1", "large-1", "small-2", "small-3", "large-2"], Order());
    }

    [Fact]
    public async Task Large_writes_alone_commit_in_the_order_they_were_queued()
    {
        var database = _temp.Open();
        var (held, gate) = await HoldWriterAsync(database);

        var writes = Enumerable.Range(1, 5).Select(i => Write(database, WriteSize.Large, $"large-{i}")).ToList();
        await WaitUntilQueued(database, 5);
        gate.Set();
        await Task.WhenAll(writes.Append(held)).WaitAsync(Patience);

        Assert.Equal(["held", "large-1", "large-2", "large-3", "large-4", "large-5"], Order());
    }

    [Fact]
    public async Task A_cancelled_write_leaves_the_queue_and_is_never_written()
    {
        var database = _temp.Open();
        var (held, gate) = await HoldWriterAsync(database);
        using var cancel = new CancellationTokenSource();

        var cancelled = Write(database, WriteSize.Large, "cancelled", cancellationToken: cancel.Token);
        var small = Write(database, WriteSize.Small, "small-1");
        var large = Write(database, WriteSize.Large, "large-1");
        await WaitUntilQueued(database, 3);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(2, database.WritesWaiting);
        gate.Set();
        await Task.WhenAll(held, small, large).WaitAsync(Patience);

        Assert.Equal(["held", "small-1", "large-1"], Order());
        Assert.Equal(0, _temp.Scalar("SELECT count(*) FROM management_units WHERE id = 'cancelled';"));
    }

    [Fact]
    public async Task A_recorded_evaluation_goes_ahead_of_queued_ingest_chunks_and_a_recorded_batch_queues_with_them()
    {
        // The clock moves a second on every read; each store reads it once inside its transaction, so the stamps
        // give the order in which the transactions ran.
        var database = new ScoringDatabase(_temp.ConnectionString, new TickingClock(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero)));
        try
        {
            var parcels = new ParcelStore(database);
            var evaluations = new EvaluationStore(database);
            var asOf = new DateOnly(2025, 2, 1);
            ParcelWrite Parcel(string id) => new(id) { Indicators = new Dictionary<string, double> { ["far"] = 1.5, ["tax_per_mu"] = 20 } };
            EvaluationRecord Record(string id) => new(id, "v1", 0.5, 1, 1, 1, "{}", default);
            var (held, gate) = await HoldWriterAsync(database);

            // An ingest chunk, a recorded batch larger than the small-write bound, then one recorded evaluation.
            var chunk = parcels.UpsertAsync("feed", asOf, [.. Enumerable.Range(0, 600).Select(i => Parcel($"P{i:D3}"))]);
            var batch = evaluations.AppendAsync([.. Enumerable.Range(0, ScoringDatabase.SmallWriteRows + 1).Select(i => Record($"B{i:D3}"))]);
            var single = evaluations.AppendAsync([Record("S")]);
            await WaitUntilQueued(database, 3);
            gate.Set();
            await Task.WhenAll(held, chunk, batch, single).WaitAsync(Patience);

            var singleAt = Text("SELECT evaluated_at FROM evaluations WHERE parcel_id = 'S';");
            var chunkAt = Text("SELECT min(created_at) FROM parcels;");
            var batchAt = Text("SELECT min(evaluated_at) FROM evaluations WHERE parcel_id <> 'S';");
            Assert.True(string.CompareOrdinal(singleAt, chunkAt) < 0, $"the single record at {singleAt}, the chunk at {chunkAt}");
            Assert.True(string.CompareOrdinal(chunkAt, batchAt) < 0, $"the chunk at {chunkAt}, the batch at {batchAt}");
            Assert.Equal(600, _temp.Scalar("SELECT count(*) FROM parcels;"));
            Assert.Equal(ScoringDatabase.SmallWriteRows + 2, _temp.Scalar("SELECT count(*) FROM evaluations;"));
        }
        finally
        {
            database.Dispose();
        }
    }

    [Fact]
    public async Task Sixteen_recorders_and_four_ingest_streams_all_commit_without_busy_errors()
    {
        ThreadPool.GetMinThreads(out var workerThreads, out var ioThreads);
        ThreadPool.SetMinThreads(Math.Max(workerThreads, 64), ioThreads);
        var database = _temp.Open();
        var parcels = new ParcelStore(database);
        var evaluations = new EvaluationStore(database);
        const int Streams = 4, ChunksPerStream = 6, ChunkParcels = 200, Recorders = 16, RecordsEach = 40;

        var ingest = Enumerable.Range(0, Streams).Select(s => Task.Run(async () =>
        {
            for (var c = 0; c < ChunksPerStream; c++)
                await parcels.UpsertAsync($"feed{s}", new DateOnly(2025, 1, 1).AddDays(c),
                    [.. Enumerable.Range(0, ChunkParcels).Select(i => new ParcelWrite($"S{s}-{i:D3}") { Indicators = new Dictionary<string, double> { ["far"] = c } })]);
        }));
        var recorders = Enumerable.Range(0, Recorders).Select(r => Task.Run(async () =>
        {
            for (var i = 0; i < RecordsEach; i++)
                await evaluations.AppendAsync([new EvaluationRecord($"R{r}", "v1", 0.5, 1, 1, 1, "{}", default)]);
        }));
        await Task.WhenAll(ingest.Concat(recorders)).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(Streams * ChunkParcels, _temp.Scalar("SELECT count(*) FROM parcels;"));
        Assert.Equal(Recorders * RecordsEach, _temp.Scalar("SELECT count(*) FROM evaluations;"));
        // Every parcel's current value is its stream's last chunk.
        var ids = Enumerable.Range(0, Streams).SelectMany(s => Enumerable.Range(0, ChunkParcels).Select(i => $"S{s}-{i:D3}")).ToList();
        var cached = await parcels.GetManyAsync(ids);
        Assert.Equal(Streams * ChunkParcels, cached.Count);
        Assert.All(cached.Values, p => Assert.Equal(ChunksPerStream - 1, p.Indicators["far"].Number));
        Assert.Equal(0, database.WritesWaiting);
    }

    private string? Text(string sql)
    {
        using var connection = _temp.Raw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() as string;
    }

    /// <summary>A clock that moves one second further on every read.</summary>
    private sealed class TickingClock(DateTimeOffset start) : TimeProvider
    {
        private long _reads;

        public override DateTimeOffset GetUtcNow() => start.AddSeconds(Interlocked.Increment(ref _reads));
    }
}
