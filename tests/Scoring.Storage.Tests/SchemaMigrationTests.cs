namespace Scoring.Storage.Tests;

/// <summary>
/// The SQLite file's schema: user_version, pragmas, migrations from older files. SQLite only; PostgreSQL's migrations are
/// tested in PostgresMigrationTests.
/// </summary>
public sealed class SchemaMigrationTests : IDisposable
{
    private readonly TempDatabase _temp = new();

    public void Dispose() => _temp.Dispose();

    private List<string> Objects(string type)
    {
        using var connection = _temp.Raw();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = $type AND name NOT LIKE 'sqlite_%' ORDER BY name;";
        command.Parameters.AddWithValue("$type", type);
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read()) names.Add(reader.GetString(0));
        return names;
    }

    [Fact]
    public void Code_knows_fifteen_migrations()
    {
        Assert.Equal(15, ScoringDatabase.LatestSchemaVersion);
    }

    [Fact]
    public void Empty_file_in_a_missing_directory_is_created_and_migrated_to_the_latest_version()
    {
        var database = _temp.Open();

        Assert.True(File.Exists(_temp.FilePath));
        Assert.Equal(15, database.SchemaVersion);
        Assert.Equal(15, _temp.Scalar("PRAGMA user_version;"));
        Assert.Equal(["active_model", "audit_log", "database_identity", "evaluations", "layers", "management_units", "model_labels",
            "model_requests", "models", "parcels", "value_writes"], Objects("table"));
        Assert.Equal(["evaluations_by_model", "evaluations_by_parcel", "evaluations_by_score", "model_labels_by_version", "parcels_by_level",
            "parcels_by_street", "parcels_by_unit", "value_writes_by_parcel"], Objects("index"));
        Assert.Equal(["layers_are_immutable", "layers_are_kept"], Objects("trigger"));
    }

    [Fact]
    public async Task Connections_use_wal_normal_sync_foreign_keys_and_a_busy_timeout()
    {
        var database = _temp.Open();
        await using var connection = await database.OpenAsync(CancellationToken.None);
        string Pragma(string name)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA {name};";
            return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
        }

        Assert.Equal("wal", Pragma("journal_mode"));
        Assert.Equal("1", Pragma("synchronous")); // 1 = NORMAL
        Assert.Equal("1", Pragma("foreign_keys"));
        Assert.Equal("5000", Pragma("busy_timeout"));
    }

    [Fact]
    public void Opening_again_leaves_a_current_database_as_it_is()
    {
        _temp.Open();
        var again = _temp.Open();

        Assert.Equal(15, again.SchemaVersion);
        Assert.Equal(15, _temp.Scalar("PRAGMA user_version;"));
    }

    [Theory]
    [InlineData(0, new string[0])]
    [InlineData(1, new[] { "management_units", "parcels" })]
    [InlineData(2, new[] { "current_values", "indicator_values", "management_units", "parcels" })]
    [InlineData(3, new[] { "current_values", "evaluations", "indicator_values", "management_units", "parcels" })]
    [InlineData(4, new[] { "active_model", "audit_log", "current_values", "evaluations", "indicator_values", "management_units", "models", "parcels" })]
    [InlineData(5, new[] { "active_model", "audit_log", "current_values", "evaluations", "indicator_values", "management_units", "models", "parcels" })]
    public async Task Database_at_an_earlier_version_is_migrated_to_the_latest_keeping_its_data(int version, string[] tables)
    {
        var old = _temp.OpenAt(version);
        Assert.Equal(version, old.SchemaVersion);
        Assert.Equal(version, _temp.Scalar("PRAGMA user_version;"));
        Assert.Equal(tables, Objects("table"));
        if (version >= 1)
        {
            using var connection = _temp.Raw();
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO parcels (id, name, created_at, updated_at)
                VALUES ('P-OLD', 'kept', '2024-01-01T00:00:00.0000000Z', '2024-01-01T00:00:00.0000000Z');
                """;
            command.ExecuteNonQuery();
        }
        old.Dispose();

        var database = _temp.Open();

        Assert.Equal(15, database.SchemaVersion);
        Assert.Equal(15, _temp.Scalar("PRAGMA user_version;"));
        Assert.Equal(["active_model", "audit_log", "database_identity", "evaluations", "layers", "management_units", "model_labels",
            "model_requests", "models", "parcels", "value_writes"], Objects("table"));
        if (version >= 1)
        {
            var parcel = await new Parcels.ParcelStore(database).GetAsync("P-OLD");
            Assert.Equal("kept", parcel!.Attributes.Name);
        }
    }

    [Fact]
    public async Task Migration_15_keeps_the_audit_log_and_its_ids_and_the_next_record_follows_them()
    {
        var old = _temp.OpenAt(14);
        var models = new Models.ModelStore(old);
        await models.EnsureInitialAsync(v => $$"""{"id":"m","version":"{{v}}"}""", "system");
        await models.ActivateAsync(1, "carol", "again", null); // already active: nothing written
        old.Dispose();

        var database = _temp.Open();
        var store = new Models.ModelStore(database);
        await store.SetLabelAsync("official", 1, "carol", "round 1");

        Assert.Equal([3L, 2L, 1L], (await store.ListAuditAsync(10, null)).Records.Select(r => r.Id));
        Assert.Equal(["set_model_label", "activate_model", "create_model"], (await store.ListAuditAsync(10, null)).Records.Select(r => r.Action));
    }

    [Fact]
    public void Database_with_a_newer_schema_version_is_refused_naming_both_versions()
    {
        _temp.Open().Dispose();
        using (var connection = _temp.Raw())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "PRAGMA user_version = 16;";
            command.ExecuteNonQuery();
        }

        var refused = Assert.Throws<SchemaTooNewException>(() => _temp.Open());

        Assert.Equal(16, refused.DatabaseVersion);
        Assert.Equal(15, refused.SupportedVersion);
        Assert.Contains("schema version 16", refused.Message);
        Assert.Contains("versions up to 15", refused.Message);
        Assert.Equal(16, _temp.Scalar("PRAGMA user_version;")); // left untouched
    }
}
