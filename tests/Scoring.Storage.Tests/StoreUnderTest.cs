using System.Data.Common;
using Npgsql;
using Scoring.Storage.Postgres;
using Scoring.Testing;

namespace Scoring.Storage.Tests;

/// <summary>
/// The store a test suite written once runs against: a fresh SQLite file, or a PostgreSQL database of the shared
/// cluster emptied for each test. Each opens stores on its database with a clock the test moves by hand.
/// </summary>
public abstract class StoreUnderTest : IDisposable
{
    private readonly List<ScoringStores> _opened = [];

    /// <summary>The clock every store opened here reads (2025-03-01 08:00 UTC at first).</summary>
    public ManualClock Clock { get; } = new(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero));

    /// <summary>Which store this is.</summary>
    public abstract StorageProvider Provider { get; }

    /// <summary><paramref name="time"/> as the store keeps it: SQLite to the tick, PostgreSQL's timestamptz to the microsecond.</summary>
    public DateTimeOffset Kept(DateTimeOffset time) => Provider == StorageProvider.PostgreSql ? PostgresText.Stored(time) : time;

    /// <summary>Opens (and migrates) the database again and the stores on it: a second replica on the same database.</summary>
    public ScoringStores Open()
    {
        var stores = OpenStores();
        _opened.Add(stores);
        return stores;
    }

    /// <summary>A number from SQL both stores understand (e.g. <c>SELECT count(*) FROM parcels;</c>), read outside the code under test.</summary>
    public long Scalar(string sql)
    {
        using var connection = Raw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Runs <paramref name="sql"/> on the database outside the code under test.</summary>
    public void Execute(string sql)
    {
        using var connection = Raw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>A plain open connection to the database, outside the code under test.</summary>
    public abstract DbConnection Raw();

    private protected abstract ScoringStores OpenStores();

    /// <summary>Closes every store opened here, then what the store itself holds.</summary>
    public virtual void Dispose()
    {
        foreach (var stores in _opened) stores.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>A fresh SQLite file (see <see cref="TempDatabase"/>).</summary>
public sealed class SqliteUnderTest : StoreUnderTest
{
    private readonly TempDatabase _temp = new();

    /// <inheritdoc />
    public override StorageProvider Provider => StorageProvider.Sqlite;

    /// <inheritdoc />
    public override DbConnection Raw() => _temp.Raw();

    private protected override ScoringStores OpenStores() => ScoringStores.On(new ScoringDatabase(_temp.ConnectionString, Clock));

    /// <inheritdoc />
    public override void Dispose()
    {
        base.Dispose();
        _temp.Dispose();
    }
}

/// <summary>
/// The database of one test class on the shared <see cref="PostgresCluster"/>, migrated once and emptied before each test
/// (TRUNCATE … RESTART IDENTITY), so every test starts as on a new database.
/// </summary>
public sealed class PostgresUnderTest : StoreUnderTest
{
    private readonly string _connectionString;

    /// <summary>The database of the test class <paramref name="owner"/>, emptied.</summary>
    public PostgresUnderTest(PostgresCluster cluster, Type owner)
    {
        _connectionString = cluster.DatabaseOfAsync(owner.Name).GetAwaiter().GetResult();
        using (new PostgresDatabase(_connectionString)) { } // migrated on first use
        using var connection = Raw();
        using var command = connection.CreateCommand();
        command.CommandText = """
            TRUNCATE parcels, value_writes, management_units, evaluations, models, audit_log, model_requests, model_labels, layers RESTART IDENTITY CASCADE;
            """;
        command.ExecuteNonQuery();
    }

    /// <inheritdoc />
    public override StorageProvider Provider => StorageProvider.PostgreSql;

    /// <summary>The database's connection string.</summary>
    public string ConnectionString => _connectionString;

    /// <inheritdoc />
    public override DbConnection Raw()
    {
        var connection = new NpgsqlConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private protected override ScoringStores OpenStores() => ScoringStores.On(new PostgresDatabase(_connectionString, Clock));
}
