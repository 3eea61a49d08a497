using System.Diagnostics;
using Scoring.Storage.Units;

namespace Scoring.Storage.Tests;

/// <summary>The bound on the SQLite WAL file and its checkpoints. SQLite only: PostgreSQL manages its own WAL.</summary>
public sealed class WalBoundTests : IDisposable
{
    private readonly TempDatabase _temp = new();

    public void Dispose()
    {
        _temp.Dispose();
    }

    private long WalBytes()
    {
        var wal = new FileInfo(_temp.FilePath + "-wal");
        try { return wal.Exists ? wal.Length : 0; }
        catch (FileNotFoundException) { return 0; }
    }

    [Fact]
    public async Task Under_writes_with_concurrent_readers_the_WAL_stays_under_its_bound_and_is_truncated_to_0_bytes_when_idle()
    {
        const long Bound = 1 << 20;
        using var database = new ScoringDatabase(_temp.ConnectionString, _temp.Clock) { WalLimitBytes = Bound };
        var units = new UnitStore(database);
        await units.UpsertAsync([new UnitWrite("R") { Name = "read by every reader" }]);

        // Readers keep starting short read transactions, so some snapshot is always open: PASSIVE checkpoints
        // alone would never reset the WAL, and it would grow by everything written.
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var reads = 0;
            while (!stop.IsCancellationRequested)
            {
                Assert.Equal("read by every reader", (await units.GetAsync("R"))!.Name);
                reads++;
            }
            return reads;
        })).ToList();

        long largest = 0, written = 0;
        var name = new string('w', 2000);
        var clock = Stopwatch.StartNew();
        for (var batch = 0; clock.Elapsed < TimeSpan.FromSeconds(30) && (clock.Elapsed < TimeSpan.FromSeconds(3) || written < 8 * Bound); batch++)
        {
            await units.UpsertAsync([.. Enumerable.Range(0, 20).Select(i => new UnitWrite($"W{batch:D6}-{i:D2}") { Name = name })]);
            written += 20 * name.Length;
            largest = Math.Max(largest, WalBytes());
        }
        await stop.CancelAsync();
        var reads = (await Task.WhenAll(readers)).Sum();

        // 8 times the bound went through the WAL (20 names of 2,000 bytes, about 100 KiB of frames, per
        // transaction), read all along.
        Assert.True(written >= 8 * Bound, $"only {written} bytes written");
        Assert.True(reads > 100, $"only {reads} reads");
        // A RESTART checkpoint past half the bound, retried after every write past three quarters: about the bound,
        // and short of twice it even when readers keep a few RESTARTs in a row from completing (this transaction
        // writes about a tenth of the bound).
        Assert.True(largest < 2 * Bound, $"the WAL reached {largest} bytes");

        // Idle: within a few seconds the WAL is given back entirely.
        var idle = Stopwatch.StartNew();
        while (WalBytes() > 0 && idle.Elapsed < TimeSpan.FromSeconds(5)) await Task.Delay(50);
        Assert.Equal(0, WalBytes());
        Assert.Equal(1 + written / name.Length, _temp.Scalar("SELECT count(*) FROM management_units;"));
    }
}
