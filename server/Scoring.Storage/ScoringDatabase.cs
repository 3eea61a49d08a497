using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Scoring.Storage;

/// <summary>
/// The service's SQLite database: opens connections with the right pragmas, migrates the schema at start and
/// serialises writers. Thread-safe; make one per database file and share it.
/// </summary>
public sealed partial class ScoringDatabase : IDisposable
{
    /// <summary>Page size of a list call that asks for 0.</summary>
    public const int DefaultPageSize = 50;

    /// <summary>Largest page a list call returns; larger requests are cut to this.</summary>
    public const int MaxPageSize = 1000;

    // One writer per database file in this process, even across instances, so writers queue here instead of
    // meeting SQLITE_BUSY. Other processes are covered by busy_timeout and BEGIN IMMEDIATE.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> WriteLocks = new(StringComparer.Ordinal);

    // Physical connections (SQLite handles) whose pragmas are set; a handle lives as long as its pooled connection.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> Configured = new();
    private static readonly object Marker = new();

    private readonly string _connectionString;
    private readonly string _writerConnectionString;
    private readonly string _dataSource;
    private readonly SemaphoreSlim _writeLock;
    // Keeps a shared-cache in-memory database alive between connections; null for files.
    private readonly SqliteConnection? _keepAlive;
    // The one connection writes go through, kept open so its page cache stays warm from chunk to chunk (no other
    // connection of this process writes, so the cache stays valid). Used only under the write lock.
    private SqliteConnection? _writer;
    // Background WAL checkpoints (file databases only) and the connection they run on.
    private readonly Timer? _checkpoints;
    private SqliteConnection? _checkpointer;
    private int _checkpointing;

    /// <summary>Opens (creating if needed) the database and migrates it to <see cref="LatestSchemaVersion"/>.</summary>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string, e.g. <c>Data Source=data/scoring.db</c>.</param>
    /// <param name="timeProvider">Clock for received and evaluated times; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="SchemaTooNewException">The database was written by a newer build.</exception>
    public ScoringDatabase(string connectionString, TimeProvider? timeProvider = null)
        : this(connectionString, timeProvider, LatestSchemaVersion)
    {
    }

    /// <summary>Opens the database and migrates it only up to <paramref name="schemaVersion"/> (tests build old schemas with it).</summary>
    internal ScoringDatabase(string connectionString, TimeProvider? timeProvider, int schemaVersion)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentOutOfRangeException.ThrowIfNegative(schemaVersion);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(schemaVersion, LatestSchemaVersion);
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var inMemory = builder.Mode == SqliteOpenMode.Memory || builder.DataSource is "" or ":memory:";
        if (!inMemory)
        {
            builder.DataSource = Path.GetFullPath(builder.DataSource);
            Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);
        }
        _connectionString = builder.ToString();
        _writerConnectionString = new SqliteConnectionStringBuilder(_connectionString) { Pooling = false }.ToString();
        _dataSource = builder.DataSource;
        _writeLock = WriteLocks.GetOrAdd(inMemory ? _connectionString : _dataSource, _ => new SemaphoreSlim(1, 1));
        Time = timeProvider ?? TimeProvider.System;

        _writeLock.Wait();
        try
        {
            var connection = Open();
            try
            {
                // WAL is a property of the file: set once here, every later connection uses it. Readers then never
                // block the writer nor each other.
                if (!inMemory) Execute(connection, "PRAGMA journal_mode = WAL;");
                SchemaVersion = SchemaMigrations.Apply(connection, _dataSource, schemaVersion);
            }
            finally
            {
                if (inMemory) _keepAlive = connection;
                else connection.Dispose();
            }
        }
        finally
        {
            _writeLock.Release();
        }
        if (!inMemory) _checkpoints = new Timer(Checkpoint, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>The newest schema version this build knows: the number of its migrations.</summary>
    public static int LatestSchemaVersion => SchemaMigrations.Scripts.Length;

    /// <summary>The schema version the database is at (<c>PRAGMA user_version</c>) after opening.</summary>
    public int SchemaVersion { get; }

    /// <summary>Whether the database answers a trivial query; for readiness checks.</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1;";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }

    /// <summary>The clock used for received and evaluated times.</summary>
    public TimeProvider Time { get; }

    /// <summary>Opens a pooled connection for reading.</summary>
    internal Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Open());
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one write transaction (BEGIN IMMEDIATE) under the database's write lock,
    /// committing when it returns and rolling back when it throws.
    /// </summary>
    internal async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, CancellationToken, T> work,
        CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _writer ??= OpenWriter();
            try
            {
                using var transaction = _writer.BeginTransaction(deferred: false);
                var result = work(_writer, transaction, cancellationToken);
                transaction.Commit();
                return result;
            }
            catch
            {
                // Whatever state a failed transaction left behind goes with the connection; the next write opens anew.
                _writer.Dispose();
                _writer = null;
                throw;
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private SqliteConnection Open(bool pooled = true)
    {
        var connection = new SqliteConnection(pooled ? _connectionString : _writerConnectionString);
        try
        {
            connection.Open();
            // Per physical connection (a pooled one keeps them, so they are set once, not on every open):
            // - foreign_keys: values must belong to a cached parcel.
            // - busy_timeout: another process holding the write lock makes us wait, not fail.
            // - synchronous = NORMAL: in WAL mode a commit has reached the OS (write() of the WAL frames) before
            //   it returns, so an acknowledged write survives kill -9 of this process; only an OS crash or power
            //   loss can lose the last commits (never corrupt the file). FULL would fsync the WAL on every commit
            //   for power-loss durability at a large cost to chunked ingest; the feeds can be replayed, so NORMAL.
            var handle = connection.Handle!;
            if (!Configured.TryGetValue(handle, out _))
            {
                Execute(connection, "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;");
                Configured.AddOrUpdate(handle, Marker);
            }
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private SqliteConnection OpenWriter()
    {
        var connection = Open(pooled: false); // its large cache should not be handed to readers
        // Up to 64 MiB of page cache (allocated as used) for the indexes the ingest path updates.
        Execute(connection, "PRAGMA cache_size = -65536;");
        // Checkpoints (copying the WAL back into the database, with an fsync) run in the background, not in
        // whichever write's commit crosses the threshold: that write would wait for the disk.
        if (_checkpoints is not null) Execute(connection, "PRAGMA wal_autocheckpoint = 0;");
        return connection;
    }

    // Every second, a PASSIVE checkpoint on its own connection: it never blocks readers or the writer.
    private void Checkpoint(object? _)
    {
        if (Interlocked.Exchange(ref _checkpointing, 1) == 1) return;
        try
        {
            _checkpointer ??= Open(pooled: false);
            Execute(_checkpointer, "PRAGMA wal_checkpoint(PASSIVE);");
        }
        catch (SqliteException)
        {
            // Busy or interrupted: the next tick tries again.
        }
        finally
        {
            Volatile.Write(ref _checkpointing, 0);
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Closes the pooled connections to this database.</summary>
    public void Dispose()
    {
        _checkpoints?.Dispose();
        while (Volatile.Read(ref _checkpointing) == 1) Thread.Sleep(1);
        _checkpointer?.Dispose();
        _writer?.Dispose();
        _keepAlive?.Dispose();
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
