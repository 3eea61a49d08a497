using Scoring.Storage.Parcels;
using Scoring.Testing;

namespace Scoring.Storage.Tests;

/// <summary>
/// A feed chunk merged into the parcels' packed rows: the rule of the value log (an older as_of never wins; on the
/// same date the later receipt does) for values and attributes, on parcels the cache already holds.
/// </summary>
public abstract class ChunkMergeTests(StoreUnderTest target) : IDisposable
{
    internal static readonly DateOnly Older = new(2024, 6, 30);
    internal static readonly DateOnly Newer = new(2025, 6, 30);


    public void Dispose() => target.Dispose();

    internal static Dictionary<string, double> Numbers(params (string Code, double Value)[] values) => values.ToDictionary(v => v.Code, v => v.Value);

    [StoreFact]
    public async Task An_older_feed_after_a_newer_one_adds_only_what_the_cache_lacks()
    {
        var store = target.Open().Parcels;
        await store.UpsertAsync("census", Newer,
        [
            new ParcelWrite("P1")
            {
                Level = 1, Street = "秣陵街道", Indicators = Numbers(("far", 1.2), ("jobs_per_mu", 3)),
                Categories = new Dictionary<string, string> { ["enterprise_type"] = "above_scale" },
                Vetoes = new Dictionary<string, bool> { ["safety"] = true },
            },
        ]);

        var counts = await store.UpsertAsync("replay", Older,
        [
            new ParcelWrite("P1")
            {
                Level = 2, AreaMu = 40, Indicators = Numbers(("far", 0.4), ("tax_per_mu", 7.5)),
                Categories = new Dictionary<string, string> { ["enterprise_type"] = "below_scale" },
                Vetoes = new Dictionary<string, bool> { ["nimby"] = false },
            },
        ]);

        Assert.Equal(new UpsertCounts(1, 4), counts);
        var p1 = (await store.GetAsync("P1"))!;
        Assert.Equal((1, 40.0, "秣陵街道"), (p1.Attributes.Level, p1.Attributes.AreaMu, p1.Attributes.Street));
        Assert.Equal((1.2, "census", Newer), (p1.Indicators["far"].Number, p1.Indicators["far"].Source, p1.Indicators["far"].AsOf));
        Assert.Equal(3, p1.Indicators["jobs_per_mu"].Number);
        Assert.Equal((7.5, "replay", Older), (p1.Indicators["tax_per_mu"].Number, p1.Indicators["tax_per_mu"].Source, p1.Indicators["tax_per_mu"].AsOf));
        Assert.Equal(("above_scale", "census"), (p1.Categories["enterprise_type"].Category, p1.Categories["enterprise_type"].Source));
        Assert.Equal((true, "census"), (p1.Vetoes["safety"].Veto, p1.Vetoes["safety"].Source));
        Assert.Equal((false, "replay"), (p1.Vetoes["nimby"].Veto, p1.Vetoes["nimby"].Source));
        Assert.Equal((3, 1, 2), (p1.Indicators.Count, p1.Categories.Count, p1.Vetoes.Count));
        // Both far values stay in the history, the newer date first.
        Assert.Equal([1.2, 0.4], (await store.ValueHistoryAsync("P1", "far")).Select(v => v.Number));
        // Each attribute keeps the date of the feed that set it.
        Assert.Equal(20250630, target.Scalar("SELECT replace(attributes_as_of ->> 'level', '-', '') FROM parcels WHERE id = 'P1';"));
        Assert.Equal(20240630, target.Scalar("SELECT replace(attributes_as_of ->> 'area_mu', '-', '') FROM parcels WHERE id = 'P1';"));
    }

    [StoreFact]
    public async Task On_the_same_date_the_later_chunk_wins_with_its_receipt_time_and_an_older_one_after_it_does_not()
    {
        var store = target.Open().Parcels;
        var first = target.Clock.Now;
        await store.UpsertAsync("registry", Newer, [new ParcelWrite("P1") { Level = 1, Indicators = Numbers(("far", 1)) }]);
        target.Clock.Advance(TimeSpan.FromMinutes(5));
        await store.UpsertAsync("survey", Newer, [new ParcelWrite("P1") { Level = 3, Indicators = Numbers(("far", 2)) }]);
        target.Clock.Advance(TimeSpan.FromMinutes(5));
        await store.UpsertAsync("replay", Older, [new ParcelWrite("P1") { Level = 2, Indicators = Numbers(("far", 9)) }]);

        var p1 = (await store.GetAsync("P1"))!;
        Assert.Equal(3, p1.Attributes.Level);
        Assert.Equal(new CachedValue("far", 2, null, null, "survey", Newer, first.AddMinutes(5)), p1.Indicators["far"]);
        Assert.Equal(first.AddMinutes(10), p1.Attributes.UpdatedAt);
        Assert.Equal(first, p1.Attributes.CreatedAt);
    }

    [StoreFact]
    public async Task A_parcel_twice_in_one_chunk_is_merged_in_chunk_order()
    {
        var store = target.Open().Parcels;

        var counts = await store.UpsertAsync("census", Newer,
        [
            new ParcelWrite("P1") { Name = "first", Level = 1, Indicators = Numbers(("far", 1), ("jobs_per_mu", 2)) },
            new ParcelWrite("P2") { Indicators = Numbers(("far", 5)) },
            new ParcelWrite("P1") { Level = 2, Street = "东山街道", Indicators = Numbers(("far", 3)) },
        ]);

        Assert.Equal(new UpsertCounts(3, 4), counts);
        var p1 = (await store.GetAsync("P1"))!;
        Assert.Equal(("first", 2, "东山街道"), (p1.Attributes.Name, p1.Attributes.Level, p1.Attributes.Street));
        Assert.Equal((3.0, 2.0), (p1.Indicators["far"].Number!.Value, p1.Indicators["jobs_per_mu"].Number!.Value));
        Assert.Equal(5, (await store.GetAsync("P2"))!.Indicators["far"].Number);
        // Every value is in the history: P1's far twice, the later one first.
        Assert.Equal([3.0, 1.0], (await store.ValueHistoryAsync("P1", "far")).Select(v => v.Number));
        Assert.Equal(2, target.Scalar("SELECT count(*) FROM parcels;"));
        // The log holds one row per parcel write: P1, P2, P1 again, with 2 + 1 + 1 values.
        Assert.Equal(3, target.Scalar("SELECT count(*) FROM value_writes;"));
        Assert.Equal(4, target.Scalar("SELECT sum(value_count) FROM value_writes;"));
    }

    [StoreFact]
    public async Task A_changed_value_replaces_the_one_of_its_own_kind_only()
    {
        var store = target.Open().Parcels;
        await store.UpsertAsync("census", Older,
        [
            new ParcelWrite("P1")
            {
                Indicators = Numbers(("x", 1.5)), Categories = new Dictionary<string, string> { ["y"] = "a" },
                Vetoes = new Dictionary<string, bool> { ["safety"] = true },
            },
        ]);

        // x arrives as a category, y as a number: each sits beside the value of the other kind.
        await store.UpsertAsync("census", Newer,
        [
            new ParcelWrite("P1")
            {
                Indicators = Numbers(("y", 2)), Categories = new Dictionary<string, string> { ["x"] = "b" },
                Vetoes = new Dictionary<string, bool> { ["safety"] = false },
            },
        ]);

        var p1 = (await store.GetAsync("P1"))!;
        Assert.Equal([("x", 1.5), ("y", 2.0)], p1.Indicators.Values.Select(v => (v.Code, v.Number!.Value)).Order());
        Assert.Equal([("x", "b"), ("y", "a")], p1.Categories.Values.Select(v => (v.Code, v.Category!)).Order());
        Assert.Equal((false, Newer), (p1.Vetoes["safety"].Veto, p1.Vetoes["safety"].AsOf));
        Assert.Single(p1.Vetoes);
    }

    [StoreFact]
    public async Task The_packed_row_is_the_version_1_layout_byte_for_byte()
    {
        var store = target.Open().Parcels;
        await store.UpsertAsync("s", Newer, [new ParcelWrite("P1") { Indicators = Numbers(("a", 1.0)) }]);

        // Worked out by hand: version 1; 2 strings "a", "s"; 1 value: kind 0, code 0, 1.0 as f64 LE, source 1,
        // as_of 2025-06-30 = day 739431 (i32 LE), received 2025-03-01T08:00Z = 638764128000000000 ticks (i64 LE).
        Assert.Equal("010201610173010000000000000000f03f0167480b0000c0b3109758dd08", PackedHex("P1"));
    }

    [StoreFact]
    public async Task A_merged_row_packs_its_values_by_kind_name_then_code_as_the_value_table_was_read()
    {
        var store = target.Open().Parcels;
        var received = target.Clock.Now;
        await store.UpsertAsync("census", Older,
        [
            new ParcelWrite("P1")
            {
                Indicators = Numbers(("z", 1), ("b", 2)), Vetoes = new Dictionary<string, bool> { ["safety"] = true },
            },
        ]);
        await store.UpsertAsync("survey", Newer,
            [new ParcelWrite("P1") { Indicators = Numbers(("b", 4), ("a", 3)), Categories = new Dictionary<string, string> { ["kind"] = "k1" } }]);

        (int, CachedValue)[] expected =
        [
            (1, new CachedValue("kind", null, "k1", null, "survey", Newer, received)),
            (0, new CachedValue("a", 3, null, null, "survey", Newer, received)),
            (0, new CachedValue("b", 4, null, null, "survey", Newer, received)),
            (0, new CachedValue("z", 1, null, null, "census", Older, received)),
            (2, new CachedValue("safety", null, null, true, "census", Older, received)),
        ];
        Assert.Equal(Convert.ToHexString(PackedValues.Encode(expected)), PackedHex("P1"), ignoreCase: true);
    }

    [StoreFact]
    public async Task Attributes_without_a_date_take_any_feed_and_dated_ones_only_a_feed_as_new()
    {
        var store = target.Open().Parcels;
        await store.UpsertAsync("registry", Newer,
        [
            new ParcelWrite("P1") { Level = 1, Street = "old street" },
            new ParcelWrite("P2") { Level = 1, Street = "old street" },
        ]);
        // As a parcel written before migration 6 (no dates) and as the former SQL left a date it never had (null).
        using (var connection = target.Raw())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                UPDATE parcels SET attributes_as_of = '{"level":null,"street":"2030-01-01"}' WHERE id = 'P1';
                UPDATE parcels SET attributes_as_of = NULL WHERE id = 'P2';
                """;
            command.ExecuteNonQuery();
        }

        await store.UpsertAsync("census", Older,
        [
            new ParcelWrite("P1") { Level = 3, Street = "new street" },
            new ParcelWrite("P2") { Level = 3, Street = "new street" },
        ]);

        var p1 = (await store.GetAsync("P1"))!.Attributes;
        var p2 = (await store.GetAsync("P2"))!.Attributes;
        Assert.Equal((3, "old street"), (p1.Level, p1.Street));
        Assert.Equal((3, "new street"), (p2.Level, p2.Street));
    }

    [StoreFact]
    public async Task Chunks_of_two_replicas_writing_the_same_parcels_at_once_lose_no_value()
    {
        // Eight chunks, half through a second instance on the same database, each bringing its own code to the same 50
        // parcels at once: merged one after another, every parcel ends with all eight codes and eight log rows.
        var stores = new[] { target.Open().Parcels, target.Open().Parcels };
        var ids = Enumerable.Range(0, 50).Select(i => $"SAME-{i:D2}").ToArray();
        using var start = new Barrier(8);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            start.SignalAndWait();
            await stores[c % 2].UpsertAsync($"feed{c}", Newer, [.. ids.Select(id => new ParcelWrite(id) { Indicators = Numbers(($"code{c}", c)) })]);
        })));

        var parcels = await stores[0].GetManyAsync(ids);
        Assert.All(ids, id => Assert.Equal(Enumerable.Range(0, 8).Select(c => ($"code{c}", (double)c)),
            parcels[id].Indicators.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => (v.Key, v.Value.Number!.Value))));
        Assert.Equal(8 * 50, target.Scalar("SELECT count(*) FROM value_writes;"));
    }

    private string PackedHex(string parcelId) => ChunkMergeRows.PackedHex(target.Raw(), parcelId);
}

/// <summary>Reads a parcel's packed row outside the code under test.</summary>
internal static class ChunkMergeRows
{
    /// <summary>The packed current values of <paramref name="parcelId"/> in lower-case hex, read on <paramref name="connection"/> (then closed).</summary>
    public static string PackedHex(System.Data.Common.DbConnection connection, string parcelId)
    {
        using (connection)
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT current_values FROM parcels WHERE id = '{parcelId}';";
            return Convert.ToHexStringLower((byte[])command.ExecuteScalar()!);
        }
    }
}

/// <summary>The tests of <see cref="ChunkMergeTests"/> on a SQLite file.</summary>
public sealed class SqliteChunkMergeTests() : ChunkMergeTests(new SqliteUnderTest());

/// <summary>The tests of <see cref="ChunkMergeTests"/> on PostgreSQL.</summary>
[Collection(PostgresCluster.Collection), NeedsTool(PostgresCluster.Program, PostgresCluster.Package)]
public sealed class PostgresChunkMergeTests(PostgresCluster cluster) : ChunkMergeTests(new PostgresUnderTest(cluster, typeof(PostgresChunkMergeTests)));
