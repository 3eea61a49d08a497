using Scoring.Storage.Evaluations;
using Scoring.Storage.Models;
using Scoring.Storage.Parcels;

namespace Scoring.Storage.Tests;

/// <summary>
/// SQLite only: databases that builds at older schemas wrote, migrated forward (migrations 8 and 11 move a cache off the
/// per-value tables into packed rows and the packed log). A PostgreSQL database starts at the packed layout and never had
/// those schemas (its migrations 2, 8 and 11 are empty), so there is nothing to move there.
/// </summary>
public sealed class SqliteSchemaHistoryTests : IDisposable
{
    private readonly TempDatabase _temp = new();

    public void Dispose() => _temp.Dispose();

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
                [(0, new CachedValue("far", 2, null, null, "census", ChunkMergeTests.Newer, new DateTimeOffset(2024, 7, 1, 0, 0, 0, TimeSpan.Zero)))]));
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
        await store.UpsertAsync("replay", new DateOnly(2024, 1, 1), [new ParcelWrite("P-OLD") { Indicators = ChunkMergeTests.Numbers(("far", 0.1), ("jobs_per_mu", 4)) }]);
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

    private string PackedHex(string parcelId) => ChunkMergeRows.PackedHex(_temp.Raw(), parcelId);

    [Fact]
    public async Task Database_at_schema_3_keeps_its_parcels_and_evaluations_and_gets_version_1_after_migrating()
    {
        using var temp = new TempDatabase();
        temp.OpenAt(3).Dispose();
        // Written as a schema-3 build wrote it (today's store also writes the columns of later migrations): the
        // parcel's value only in the log and current_values, not yet packed into its row.
        using (var connection = temp.Raw())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                INSERT INTO parcels (id, area_mu, created_at, updated_at) VALUES ('P1', 12.5, '2024-07-01T00:00:00.0000000Z', '2024-07-01T00:00:00.0000000Z');
                INSERT INTO indicator_values (parcel_id, code, kind, number, source, as_of, received_at)
                VALUES ('P1', 'far', 'numeric', 0.8, 'planning-bureau', '2024-06-30', '2024-07-01T00:00:00.0000000Z');
                INSERT INTO evaluations (parcel_id, model_version, score, classification, disposition, completeness, inputs_json, evaluated_at)
                VALUES ('P1', '2024.1', 0.42, 1, 1, 1.0, '{}', '2024-07-01T00:00:00.0000000Z');
                """;
            command.ExecuteNonQuery();
        }

        var database = temp.Open();
        var store = new ModelStore(database);

        Assert.Equal(ScoringDatabase.LatestSchemaVersion, database.SchemaVersion);
        var parcel = await new ParcelStore(database).GetAsync("P1");
        Assert.Equal(12.5, parcel!.Attributes.AreaMu);
        Assert.Equal(0.8, parcel.Indicators["far"].Number);
        var evaluation = Assert.Single((await new EvaluationStore(database).ListAsync("P1", 10, null)).Evaluations);
        Assert.Equal("2024.1", evaluation.Evaluation.ModelVersion);
        Assert.Null(await store.GetActiveVersionAsync());
        Assert.Equal(1, (await store.EnsureInitialAsync(ModelStoreTests.Doc, "system")).Version);
    }
}
