using Scoring.Storage.Parcels;

namespace Scoring.Storage.Tests;

/// <summary>
/// A feed chunk merged into the parcels' packed rows: the rule of the value log (an older as_of never wins; on the
/// same date the later receipt does) for values and attributes, on parcels the cache already holds.
/// </summary>
public sealed class ChunkMergeTests : IDisposable
{
    private static readonly DateOnly Older = new(2024, 6, 30);
    private static readonly DateOnly Newer = new(2025, 6, 30);

    private readonly TempDatabase _temp = new();

    public void Dispose() => _temp.Dispose();

    private static Dictionary<string, double> Numbers(params (string Code, double Value)[] values) => values.ToDictionary(v => v.Code, v => v.Value);

    [Fact]
    public async Task An_older_feed_after_a_newer_one_adds_only_what_the_cache_lacks()
    {
        var store = new ParcelStore(_temp.Open());
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
        Assert.Equal(20250630, _temp.Scalar("SELECT replace(json_extract(attributes_as_of, '$.level'), '-', '') FROM parcels WHERE id = 'P1';"));
        Assert.Equal(20240630, _temp.Scalar("SELECT replace(json_extract(attributes_as_of, '$.area_mu'), '-', '') FROM parcels WHERE id = 'P1';"));
    }

    [Fact]
    public async Task On_the_same_date_the_later_chunk_wins_with_its_receipt_time_and_an_older_one_after_it_does_not()
    {
        var store = new ParcelStore(_temp.Open());
        var first = _temp.Clock.Now;
        await store.UpsertAsync("registry", Newer, [new ParcelWrite("P1") { Level = 1, Indicators = Numbers(("far", 1)) }]);
        _temp.Clock.Advance(TimeSpan.FromMinutes(5));
        await store.UpsertAsync("survey", Newer, [new ParcelWrite("P1") { Level = 3, Indicators = Numbers(("far", 2)) }]);
        _temp.Clock.Advance(TimeSpan.FromMinutes(5));
        await store.UpsertAsync("replay", Older, [new ParcelWrite("P1") { Level = 2, Indicators = Numbers(("far", 9)) }]);

        var p1 = (await store.GetAsync("P1"))!;
        Assert.Equal(3, p1.Attributes.Level);
        Assert.Equal(new CachedValue("far", 2, null, null, "survey", Newer, first.AddMinutes(5)), p1.Indicators["far"]);
        Assert.Equal(first.AddMinutes(10), p1.Attributes.UpdatedAt);
        Assert.Equal(first, p1.Attributes.CreatedAt);
    }

    [Fact]
    public async Task A_parcel_twice_in_one_chunk_is_merged_in_chunk_order()
    {
        var store = new ParcelStore(_temp.Open());

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
        Assert.Equal(2, _temp.Scalar("SELECT count(*) FROM parcels;"));
        // The log holds one row per parcel write: P1, P2, P1 again, with 2 + 1 + 1 values.
        Assert.Equal(3, _temp.Scalar("SELECT count(*) FROM value_writes;"));
        Assert.Equal(4, _temp.Scalar("SELECT sum(value_count) FROM value_writes;"));
    }

    [Fact]
    public async Task A_changed_value_replaces_the_one_of_its_own_kind_only()
    {
        var store = new ParcelStore(_temp.Open());
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

    [Fact]
    public async Task The_packed_row_is_the_version_1_layout_byte_for_byte()
    {
        var store = new ParcelStore(_temp.Open());
        await store.UpsertAsync("s", Newer, [new ParcelWrite("P1") { Indicators = Numbers(("a", 1.0)) }]);

        // Worked out by hand: version 1; 2 strings "a", "s"; 1 value: kind 0, code 0, 1.0 as f64 LE, source 1,
        // as_of 2025-06-30 = day 739431 (i32 LE), received 2025-03-01T08:00Z = 638764128000000000 ticks (i64 LE).
        Assert.Equal("010201610173010000000000000000f03f0167480b0000c0b3109758dd08", PackedHex("P1"));
    }

    [Fact]
    public async Task A_merged_row_packs_its_values_by_kind_name_then_code_as_the_value_table_was_read()
    {
        var store = new ParcelStore(_temp.Open());
        var received = _temp.Clock.Now;
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

    [Fact]
    public async Task Attributes_without_a_date_take_any_feed_and_dated_ones_only_a_feed_as_new()
    {
        var store = new ParcelStore(_temp.Open());
        await store.UpsertAsync("registry", Newer,
        [
            new ParcelWrite("P1") { Level = 1, Street = "old street" },
            new ParcelWrite("P2") { Level = 1, Street = "old street" },
        ]);
        // As a parcel written before migration 6 (no dates) and as the former SQL left a date it never had (null).
        using (var connection = _temp.Raw())
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

    [Fact]
    public async Task Migrating_from_schema_7_packs_the_rows_the_trigger_kept_and_drops_the_trigger_and_its_table()
    {
        var old = _temp.OpenAt(7);
        // A parcel a build at schema 7 wrote with its packed row, to be left as it is.
        using (var connection = _temp.Raw())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                INSERT INTO parcels (id, current_values, created_at, updated_at)
                VALUES ('P-NEW', $packed, '2024-07-01T00:00:00.0000000Z', '2024-07-01T00:00:00.0000000Z');
                """;
            command.Parameters.AddWithValue("$packed", PackedValues.Encode(
                [(0, new CachedValue("far", 2, null, null, "census", Newer, new DateTimeOffset(2024, 7, 1, 0, 0, 0, TimeSpan.Zero)))]));
            command.ExecuteNonQuery();
        }
        var packedBefore = PackedHex("P-NEW");
        // Parcels as a build before migration 6 left them: values only in the log and, through the trigger, in
        // current_values. far 0.5 arrives after 0.8 but describes an earlier date, so the trigger kept 0.8.
        using (var connection = _temp.Raw())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                INSERT INTO parcels (id, area_mu, created_at, updated_at) VALUES
                    ('P-OLD', 12.5, '2024-07-01T00:00:00.0000000Z', '2024-07-01T00:00:00.0000000Z'),
                    ('P-EMPTY', NULL, '2024-07-01T00:00:00.0000000Z', '2024-07-01T00:00:00.0000000Z');
                INSERT INTO indicator_values (parcel_id, code, kind, number, category, veto, source, as_of, received_at) VALUES
                    ('P-OLD', 'far', 'numeric', 0.8, NULL, NULL, 'a', '2024-06-30', '2024-07-01T00:00:00.0000000Z'),
                    ('P-OLD', 'far', 'numeric', 0.5, NULL, NULL, 'b', '2024-03-31', '2024-07-02T00:00:00.0000000Z'),
                    ('P-OLD', 'enterprise_type', 'category', NULL, 'above_scale', NULL, 'a', '2024-06-30', '2024-07-01T00:00:00.0000000Z'),
                    ('P-OLD', 'safety', 'veto', NULL, NULL, 1, 'a', '2024-06-30', '2024-07-01T00:00:00.0000000Z');
                """;
            command.ExecuteNonQuery();
        }
        old.Dispose();

        var database = _temp.Open();

        Assert.Equal(ScoringDatabase.LatestSchemaVersion, database.SchemaVersion);
        Assert.Equal(0, _temp.Scalar("SELECT count(*) FROM parcels WHERE current_values IS NULL;"));
        Assert.Equal(0, _temp.Scalar("SELECT count(*) FROM sqlite_master WHERE name IN ('current_values', 'indicator_values_keep_current');"));
        Assert.Equal(packedBefore, PackedHex("P-NEW"));
        var store = new ParcelStore(database);
        var p = (await store.GetAsync("P-OLD"))!;
        var received = new DateTimeOffset(2024, 7, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(new CachedValue("far", 0.8, null, null, "a", new DateOnly(2024, 6, 30), received), p.Indicators["far"]);
        Assert.Equal("above_scale", p.Categories["enterprise_type"].Category);
        Assert.Equal(true, p.Vetoes["safety"].Veto);
        Assert.Equal((1, 1, 1), (p.Indicators.Count, p.Categories.Count, p.Vetoes.Count));
        var empty = (await store.GetAsync("P-EMPTY"))!;
        Assert.Equal((0, 0, 0), (empty.Indicators.Count, empty.Categories.Count, empty.Vetoes.Count));
        // The packed row is what the next chunk merges into: an older date still does not win.
        await store.UpsertAsync("replay", new DateOnly(2024, 1, 1), [new ParcelWrite("P-OLD") { Indicators = Numbers(("far", 0.1), ("jobs_per_mu", 4)) }]);
        var after = (await store.GetAsync("P-OLD"))!;
        Assert.Equal((0.8, 4.0), (after.Indicators["far"].Number!.Value, after.Indicators["jobs_per_mu"].Number!.Value));
        Assert.Equal(true, after.Vetoes["safety"].Veto);
        // The per-value log went into value_writes, one row per run of values received together, in receipt order:
        // far from a, far from b, then the category and the veto from a (the replay's row comes last).
        Assert.Equal(0, _temp.Scalar("SELECT count(*) FROM sqlite_master WHERE name = 'indicator_values';"));
        Assert.Equal(4, _temp.Scalar("SELECT count(*) FROM value_writes WHERE parcel_id = 'P-OLD';"));
        Assert.Equal(2, _temp.Scalar("SELECT value_count FROM value_writes WHERE parcel_id = 'P-OLD' ORDER BY receipt LIMIT 1 OFFSET 2;"));
        var history = await store.ValueHistoryAsync("P-OLD", "far");
        Assert.Equal([(0.8, "a", new DateOnly(2024, 6, 30)), (0.5, "b", new DateOnly(2024, 3, 31)), (0.1, "replay", new DateOnly(2024, 1, 1))],
            history.Select(v => (v.Number!.Value, v.Source, v.AsOf)));
        Assert.Equal(received, history[0].ReceivedAt);
        Assert.Equal(true, (await store.ValueHistoryAsync("P-OLD", "safety")).Single().Veto);
    }

    [Fact]
    public async Task Migrating_a_cache_of_more_than_one_batch_of_unpacked_parcels_packs_every_one()
    {
        _temp.OpenAt(7).Dispose();
        // 1,500 parcels B0000..B1499 as a build before migration 6 left them, parcel n with far = n.
        using (var connection = _temp.Raw())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 1499)
                INSERT INTO parcels (id, created_at, updated_at)
                SELECT printf('B%04d', i), '2024-07-01T00:00:00.0000000Z', '2024-07-01T00:00:00.0000000Z' FROM n;
                INSERT INTO indicator_values (parcel_id, code, kind, number, source, as_of, received_at)
                SELECT id, 'far', 'numeric', CAST(substr(id, 2) AS REAL), 'a', '2024-06-30', '2024-07-01T00:00:00.0000000Z' FROM parcels;
                """;
            command.ExecuteNonQuery();
        }

        var store = new ParcelStore(_temp.Open());

        Assert.Equal(0, _temp.Scalar("SELECT count(*) FROM parcels WHERE current_values IS NULL;"));
        foreach (var n in new[] { 0, 999, 1000, 1499 })
            Assert.Equal(n, (await store.GetAsync($"B{n:D4}"))!.Indicators["far"].Number);
        var streamed = 0;
        await foreach (var batch in store.StreamAllAsync()) streamed += batch.Sum(parcel => parcel.Indicators.Count);
        Assert.Equal(1500, streamed);
    }

    private string PackedHex(string parcelId)
    {
        using var connection = _temp.Raw();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT hex(current_values) FROM parcels WHERE id = $id;";
        command.Parameters.AddWithValue("$id", parcelId);
        return ((string)command.ExecuteScalar()!).ToLowerInvariant();
    }
}
