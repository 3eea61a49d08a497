using Scoring.Server.Feed;
using Scoring.Server.Models;
using Scoring.Server.Tests.Identification;
using Scoring.Storage;
using Scoring.Storage.Parcels;
using Scoring.Storage.Units;

namespace Scoring.Server.Tests.Feed;

/// <summary>A feed chunk written in pieces on a real SQLite file, each piece its own transaction.</summary>
public sealed class ParcelFeedPieceTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "scoring-feed-tests-" + Guid.NewGuid().ToString("N"));
    private readonly ScoringDatabase _database;
    private readonly ParcelStore _parcels;

    public ParcelFeedPieceTests()
    {
        // The clock moves a second on every read; a transaction reads it once, so a parcel's updated_at says which
        // transaction wrote it.
        _database = new ScoringDatabase($"Data Source={Path.Combine(_directory, "scoring.db")}", new TickingClock(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero)));
        _parcels = new ParcelStore(_database);
    }

    public void Dispose()
    {
        _database.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    private ParcelFeed Feed(int pieceParcels) =>
        new(new ModelCatalog([ApplicationLayer.DefaultModel], ApplicationLayer.DefaultModel), _parcels, new UnitStore(_database), TimeProvider.System)
        {
            PieceParcels = pieceParcels,
        };

    private static ParcelWrite Parcel(string id, double far) =>
        new(id) { Indicators = new Dictionary<string, double> { ["far"] = far, ["total_tax"] = 10 } };

    [Fact]
    public async Task A_chunk_is_written_in_pieces_in_chunk_order_and_acknowledged_with_every_piece_counted()
    {
        // Five parcels in pieces of two: [P1 P2] [P3 P4] [P5].
        var result = await Feed(pieceParcels: 2).UpsertAsync("tax-bureau", "2025-02-01",
            [Parcel("P1", 1.0), Parcel("P2", 2.0), Parcel("P3", 3.0), Parcel("P4", 4.0), Parcel("P5", 1.5)], [], CancellationToken.None);

        Assert.Empty(result.Errors);
        Assert.Equal(5, result.Accepted);
        Assert.Equal(10, result.ValuesWritten);
        var found = await _parcels.GetManyAsync(["P1", "P2", "P3", "P4", "P5"]);
        Assert.Equal(1.0, found["P1"].Indicators["far"].Number);
        Assert.Equal(2.0, found["P2"].Indicators["far"].Number);
        Assert.Equal(3.0, found["P3"].Indicators["far"].Number);
        Assert.Equal(4.0, found["P4"].Indicators["far"].Number);
        Assert.Equal(1.5, found["P5"].Indicators["far"].Number);
        // Three transactions, in chunk order.
        var p2 = found["P2"].Attributes.UpdatedAt;
        var p3 = found["P3"].Attributes.UpdatedAt;
        Assert.Equal(found["P1"].Attributes.UpdatedAt, p2);
        Assert.True(p2 < p3, $"P2 at {p2}, P3 at {p3}");
        Assert.Equal(p3, found["P4"].Attributes.UpdatedAt);
        Assert.True(p3 < found["P5"].Attributes.UpdatedAt, $"P3 at {p3}, P5 at {found["P5"].Attributes.UpdatedAt}");
    }

    [Fact]
    public async Task With_pieces_turned_off_a_chunk_is_one_transaction()
    {
        var result = await Feed(pieceParcels: 0).UpsertAsync("tax-bureau", "2025-02-01",
            [.. Enumerable.Range(0, 600).Select(i => Parcel($"Q{i:D3}", i))], [], CancellationToken.None);

        Assert.Equal(600, result.Accepted);
        var found = await _parcels.GetManyAsync([.. Enumerable.Range(0, 600).Select(i => $"Q{i:D3}")]);
        Assert.Equal(600, found.Count);
        Assert.Single(found.Values.Select(p => p.Attributes.UpdatedAt).Distinct());
    }

    [Fact]
    public async Task Configured_with_pieces_of_250_a_chunk_of_600_parcels_is_three_transactions()
    {
        Assert.Equal(0, ParcelFeed.DefaultPieceParcels); // by default a chunk is one transaction, as the contract says
        var result = await Feed(250).UpsertAsync("tax-bureau", "2025-02-01",
            [.. Enumerable.Range(0, 600).Select(i => Parcel($"R{i:D3}", i))], [], CancellationToken.None);

        Assert.Equal(600, result.Accepted);
        var found = await _parcels.GetManyAsync([.. Enumerable.Range(0, 600).Select(i => $"R{i:D3}")]);
        // Three stamps: R000–R249 in the first transaction, R250–R499 in the second, R500–R599 in the third.
        var stamps = found.Values.Select(p => p.Attributes.UpdatedAt).Distinct().Order().ToList();
        Assert.Equal(3, stamps.Count);
        Assert.All(Enumerable.Range(0, 600), i => Assert.Equal(stamps[i / 250], found[$"R{i:D3}"].Attributes.UpdatedAt));
    }

    /// <summary>A clock that moves one second further on every read.</summary>
    private sealed class TickingClock(DateTimeOffset start) : TimeProvider
    {
        private long _reads;

        public override DateTimeOffset GetUtcNow() => start.AddSeconds(Interlocked.Increment(ref _reads));
    }
}
