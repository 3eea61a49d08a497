using Npgsql;

namespace Scoring.Storage.Postgres;

/// <summary>
/// The service's PostgreSQL database, shared by every replica: one <see cref="NpgsqlDataSource"/> (it owns the
/// connection pool), the schema migrated at start under an advisory lock, and the transactions the stores write in.
/// Thread-safe; make one per database and share it.
/// </summary>
public sealed partial class PostgresDatabase : IScoringDatabase, IDisposable
{
    private volatile bool _fullSeen;
    // As given (the data source's own copy leaves out the password), for the connection that listens.
    private readonly string _connectionString;

    /// <summary>Connects to the database and migrates it to <see cref="LatestSchemaVersion"/>.</summary>
    /// <param name="connectionString">An Npgsql connection string, e.g. <c>Host=db;Database=scoring;Username=scoring</c>.</param>
    /// <param name="timeProvider">Clock for received and evaluated times; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="SchemaTooNewException">The database was migrated by a newer build.</exception>
    /// <exception cref="StorageFaultException">The server cannot be reached, or refuses the connection.</exception>
    public PostgresDatabase(string connectionString, TimeProvider? timeProvider = null)
        : this(connectionString, timeProvider, LatestSchemaVersion)
    {
    }

    /// <summary>Connects and migrates only up to <paramref name="schemaVersion"/> (tests build old schemas with it).</summary>
    internal PostgresDatabase(string connectionString, TimeProvider? timeProvider, int schemaVersion)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentOutOfRangeException.ThrowIfNegative(schemaVersion);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(schemaVersion, LatestSchemaVersion);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        _connectionString = builder.ConnectionString;
        Name = $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}";
        DataSource = NpgsqlDataSource.Create(builder);
        Time = timeProvider ?? TimeProvider.System;
        try
        {
            SchemaVersion = PostgresMigrations.Apply(DataSource, Name, schemaVersion);
        }
        catch (Exception e) when (PostgresFaults.From(e) is { } fault)
        {
            DataSource.Dispose();
            throw new StorageFaultException(fault.Fault, $"the database {Name} cannot be opened: {fault.Message}", e);
        }
        catch
        {
            DataSource.Dispose();
            throw;
        }
    }

    /// <summary>The newest schema version this build knows: the number of its migrations, the same as SQLite's.</summary>
    public static int LatestSchemaVersion => PostgresMigrations.Scripts.Length;

    /// <inheritdoc />
    public StorageProvider Provider => StorageProvider.PostgreSql;

    /// <inheritdoc />
    public int SchemaVersion { get; }

    /// <summary>The database as people name it: <c>host:port/database</c>.</summary>
    public string Name { get; }

    /// <summary>The clock used for received and evaluated times.</summary>
    public TimeProvider Time { get; }

    /// <summary>The data source every connection of this database comes from.</summary>
    internal NpgsqlDataSource DataSource { get; }

    /// <inheritdoc />
    public string? FilePath => null;

    /// <summary>Now by <see cref="Time"/>, cut to the microsecond that <c>timestamptz</c> keeps, so what is written reads back equal.</summary>
    internal DateTimeOffset Now() => PostgresText.Stored(Time.GetUtcNow());

    /// <inheritdoc />
    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT 1;", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }

    /// <summary>
    /// Looks for a fault now: the server answers, and takes writes (a standby or a read-only setting does not). Null when
    /// none; <see cref="StorageFault.Full"/> while the last write found the server out of space.
    /// </summary>
    public async Task<StorageFaultException?> ProbeAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT pg_is_in_recovery() OR current_setting('transaction_read_only') = 'on';", connection);
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
                return new StorageFaultException(StorageFault.ReadOnly, PostgresFaults.Describe(StorageFault.ReadOnly, "the server is a standby or read-only"));
            return _fullSeen ? new StorageFaultException(StorageFault.Full, PostgresFaults.Describe(StorageFault.Full, "the last write found no space")) : null;
        }
        catch (Exception e) when (e is not OperationCanceledException && Classify(e) is { } fault)
        {
            return fault;
        }
    }

    /// <inheritdoc />
    public StorageFaultException? Classify(Exception exception)
    {
        var fault = PostgresFaults.From(exception);
        if (fault?.Fault == StorageFault.Full) _fullSeen = true;
        return fault;
    }

    /// <summary>Backups of PostgreSQL are taken with its own tools; always refused here.</summary>
    /// <exception cref="StorageFeatureUnavailableException">Always.</exception>
    public Task<DatabaseBackup> BackupAsync(string directory, CancellationToken cancellationToken = default) =>
        throw new StorageFeatureUnavailableException("backups", StorageProvider.PostgreSql,
            "take them with PostgreSQL's own tools (pg_dump, pg_basebackup or continuous archiving)");

    /// <summary>Opens a pooled connection.</summary>
    internal async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) =>
        await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction (READ COMMITTED), committing when it returns and rolling back when
    /// it throws. A storage fault (the server gone, read-only, out of space) throws <see cref="StorageFaultException"/>.
    /// Writers that must not interleave take an advisory lock inside (<see cref="AdvisoryLocks"/>).
    /// </summary>
    internal async Task<T> WriteAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        T result;
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            result = await work(connection, transaction, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException && Classify(e) is { } fault)
        {
            throw fault;
        }
        _fullSeen = false;
        return result;
    }

    /// <summary>Closes the pooled connections.</summary>
    public void Dispose() => DataSource.Dispose();
}
