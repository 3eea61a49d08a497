using Npgsql;
using Scoring.Storage.Models;
using Scoring.Storage.Postgres;
using Scoring.Testing;

namespace Scoring.Storage.Tests;

/// <summary>
/// PostgreSQL's own schema: migrations numbered like SQLite's, safe when replicas start together, the one active version
/// kept by the database, activations announced, and faults named. Each test takes a new, empty database.
/// </summary>
[Collection(PostgresCluster.Collection), NeedsTool(PostgresCluster.Program, PostgresCluster.Package)]
public sealed class PostgresMigrationTests(PostgresCluster cluster)
{
    private Task<string> NewDatabaseAsync() => cluster.CreateDatabaseAsync("migrations_" + Guid.NewGuid().ToString("N"));

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    // A new database with version 1 active and version 2 stored beside it.
    private async Task<(string ConnectionString, ScoringStores Stores)> TwoVersionsAsync()
    {
        var connectionString = await NewDatabaseAsync();
        var stores = ScoringStores.Open(connectionString);
        await stores.Models.EnsureInitialAsync(v => $$"""{"version":"{{v}}"}""", "system");
        await stores.Models.AddAsync(new NewModel
        {
            ParentVersion = 1, Author = "alice", Note = "round 2", DocumentJsonFor = v => $$"""{"version":"{{v}}"}""", Action = AuditActions.UpdateWeights,
        }, activate: false, null);
        return (connectionString, stores);
    }

    [StoreFact]
    public void Both_stores_know_thirteen_migrations()
    {
        Assert.Equal(15, PostgresDatabase.LatestSchemaVersion);
        Assert.Equal(ScoringDatabase.LatestSchemaVersion, PostgresDatabase.LatestSchemaVersion);
    }

    [StoreFact]
    public async Task Four_replicas_starting_at_once_on_an_empty_database_all_open_it_and_it_is_migrated_once()
    {
        var connectionString = await NewDatabaseAsync();
        using var start = new Barrier(4);

        var opened = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            return new PostgresDatabase(connectionString);
        })));

        Assert.All(opened, database => Assert.Equal(15, database.SchemaVersion));
        foreach (var database in opened) database.Dispose();
        // One row per migration (the primary key would refuse a second), and the one row migration 9 inserts.
        Assert.Equal(15, await ScalarAsync(connectionString, "SELECT count(*) FROM schema_migrations;"));
        Assert.Equal(120, await ScalarAsync(connectionString, "SELECT sum(version) FROM schema_migrations;"));
        Assert.Equal(1, await ScalarAsync(connectionString, "SELECT count(*) FROM database_identity;"));
    }

    [StoreFact]
    public async Task A_database_at_an_earlier_version_is_migrated_the_rest_of_the_way()
    {
        var connectionString = await NewDatabaseAsync();
        using (var old = new PostgresDatabase(connectionString, null, 5)) Assert.Equal(5, old.SchemaVersion);
        Assert.Equal(0, await ScalarAsync(connectionString, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'layers';"));

        using var database = new PostgresDatabase(connectionString);

        Assert.Equal(15, database.SchemaVersion);
        Assert.Equal(15, await ScalarAsync(connectionString, "SELECT count(*) FROM schema_migrations;"));
        Assert.Equal(1, await ScalarAsync(connectionString, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'layers';"));
    }

    [StoreFact]
    public async Task A_database_migrated_by_a_newer_build_is_refused()
    {
        var connectionString = await NewDatabaseAsync();
        new PostgresDatabase(connectionString).Dispose();
        await ScalarAsync(connectionString, "INSERT INTO schema_migrations (version) VALUES (16) RETURNING version;");

        var refused = Assert.Throws<SchemaTooNewException>(() => new PostgresDatabase(connectionString));

        Assert.Equal((16, 15), (refused.DatabaseVersion, refused.SupportedVersion));
    }

    [StoreFact]
    public async Task The_database_itself_refuses_a_second_active_version()
    {
        var (connectionString, stores) = await TwoVersionsAsync();
        using var _ = stores;

        var refused = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(connectionString, "UPDATE models SET is_active = true WHERE version = 2 RETURNING version;"));

        Assert.Equal(PostgresErrorCodes.UniqueViolation, refused.SqlState);
        Assert.Equal("models_one_active", refused.ConstraintName);
        Assert.Equal(1, await stores.Models.GetActiveVersionAsync());
    }

    [StoreFact]
    public async Task An_activation_is_announced_with_its_version_when_it_commits()
    {
        var (connectionString, stores) = await TwoVersionsAsync();
        using var _ = stores;
        await using var listener = new NpgsqlConnection(connectionString);
        await listener.OpenAsync();
        var heard = new List<(string Channel, string Payload)>();
        listener.Notification += (_, e) => heard.Add((e.Channel, e.Payload));
        await using (var listen = new NpgsqlCommand("LISTEN model_activated;", listener)) await listen.ExecuteNonQueryAsync();

        await stores.Models.ActivateAsync(2, "alice", "use round 2", null);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await listener.WaitAsync(timeout.Token);

        Assert.Equal([("model_activated", "2")], heard);
    }

    [StoreFact]
    public void A_server_that_does_not_answer_is_named_as_a_missing_database()
    {
        // Port 9 (discard): no PostgreSQL listens there, so the connection is refused.
        var refused = Assert.Throws<StorageFaultException>(() => new PostgresDatabase("Host=127.0.0.1;Port=9;Username=postgres;Database=none;Timeout=3"));

        Assert.Equal(StorageFault.Missing, refused.Fault);
        Assert.StartsWith("the database 127.0.0.1:9/none cannot be opened: the PostgreSQL database cannot be reached", refused.Message);
    }
}
