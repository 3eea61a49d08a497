using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Scoring.Storage;

/// <summary>
/// The service's SQLite database: opens connections with the right pragmas, migrates the schema at start and
/// serialises writers. Thread-safe; make one per database file and share it.
/// </summary>
public sealed partial class ScoringDatabase : IScoringDatabase, IDisposable
{
    /// <inheritdoc />
    public StorageProvider Provider => StorageProvider.Sqlite;

    /// <summary>Page size of a list call that asks for 0.</summary>
    public const int DefaultPageSize = 50;

    /// <summary>Largest page a list call returns; larger requests are cut to this.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>
    /// Most rows a write may hold and still go ahead of ingest chunks in the writer's queue (a group of recorded
    /// single evaluations is at most this many).
    /// </summary>
    public const int SmallWriteRows = 512;

    /// <summary>The place in the writer's queue of a write of <paramref name="rows"/> rows.</summary>
    internal static WriteSize SizeOf(int rows) => rows <= SmallWriteRows ? WriteSize.Small : WriteSize.Large;

    /// <summary>Writes waiting for the writer (for tests).</summary>
    internal int WritesWaiting => _writeLock.Waiting;

    // One writer per database file in this process, even across instances, so writers queue here instead of
    // meeting SQLITE_BUSY; small writes ahead of large ones (see WriteQueue). Other processes are covered by
    // busy_timeout and BEGIN IMMEDIATE.
    private static readonly ConcurrentDictionary<string, WriteQueue> WriteLocks = new(StringComparer.Ordinal);

    // Physical connections (SQLite handles) whose pragmas are set; a handle lives as long as its pooled connection.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> Configured = new();
    private static readonly object Marker = new();

    private readonly string _connectionString;
    // The pool of district scans' connections, which keep the file mapped (MmapBytes). A pool is keyed by its connection
    // string, so this one differs from the point readers' by naming its (default) command timeout.
    private readonly string _scanConnectionString;
    private readonly string _writerConnectionString;
    private readonly string _dataSource;
    private readonly WriteQueue _writeLock;
    // Keeps a shared-cache in-memory database alive between connections; null for files.
    private readonly SqliteConnection? _keepAlive;
    // The one connection writes go through, kept open so its page cache stays warm from chunk to chunk (no other
    // connection of this process writes, so the cache stays valid). Used only under the write lock.
    private SqliteConnection? _writer;
    // Background WAL checkpoints (file databases only) and the connection they run on.
    private readonly Timer? _checkpoints;
    private SqliteConnection? _checkpointer;
    private int _checkpointing;
    // Whether a background bound of the WAL runs (BoundInBackground), and whether this database is closing.
    private int _bounding;
    private volatile bool _disposed;
    // The -wal file beside a file database; null in memory.
    private readonly string? _walPath;
    // When the last write committed (Stopwatch ticks), for the idle TRUNCATE checkpoint.
    private long _lastWrite;
    // No RESTART checkpoint before this (Stopwatch ticks) after one found readers in the way.
    private long _nextRestart;
    // Statements kept prepared on the writer connection (WriterStatement), by their SQL; used under the write lock.
    private readonly Dictionary<string, RawStatement> _writerStatements = new(StringComparer.Ordinal);

    // How often the background checkpointer runs: often enough that under steady ingest it copies the WAL back in small
    // steps, so the writes' own RESTART checkpoints find little left to copy.
    private static readonly TimeSpan CheckpointPeriod = TimeSpan.FromMilliseconds(250);
    // The max_page_count the writer connection has, if set.
    private long? _appliedMaxPageCount;
    // Faults that a probe cannot see by itself: damage met by any read or write (cleared by a passing quick_check)
    // and a full database (cleared by the next committed write).
    private volatile bool _corruptSeen;
    private volatile bool _fullSeen;
    // The database's identity (migration 8; backups carry it) and the file (device, inode) at the path when it was
    // opened or last taken back: a new physical connection first checks that the path still names this database.
    private string? _identity;
    private FileIdentity? _file;
    private readonly object _admitting = new();

    /// <summary>Opens (creating if needed) the database and migrates it to <see cref="LatestSchemaVersion"/>.</summary>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string, e.g. <c>Data Source=data/scoring.db</c>.</param>
    /// <param name="timeProvider">Clock for received and evaluated times; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="SchemaTooNewException">The database was written by a newer build.</exception>
    /// <exception cref="StorageFaultException">The data directory cannot be created, or the file is damaged (<c>PRAGMA quick_check</c>).</exception>
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
            var directory = Path.GetDirectoryName(builder.DataSource)!;
            try
            {
                Directory.CreateDirectory(directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new StorageFaultException(StorageFault.Missing, $"the data directory {directory} cannot be created: {e.Message}", e);
            }
        }
        // Only the first open may create the file: later ones (Mode=ReadWrite) fail on a deleted file with
        // SQLITE_CANTOPEN instead of silently starting a new, empty database.
        var createString = new SqliteConnectionStringBuilder(builder.ToString()) { Pooling = false }.ToString();
        if (!inMemory && builder.Mode == SqliteOpenMode.ReadWriteCreate) builder.Mode = SqliteOpenMode.ReadWrite;
        _connectionString = builder.ToString();
        _writerConnectionString = new SqliteConnectionStringBuilder(_connectionString) { Pooling = false }.ToString();
        _scanConnectionString = new SqliteConnectionStringBuilder(_connectionString) { DefaultTimeout = builder.DefaultTimeout }.ToString();
        if (_scanConnectionString == _connectionString) _scanConnectionString += ";Pooling=True";
        _dataSource = builder.DataSource;
        _walPath = inMemory ? null : _dataSource + "-wal";
        _writeLock = WriteLocks.GetOrAdd(inMemory ? _connectionString : _dataSource, _ => new WriteQueue());
        Time = timeProvider ?? TimeProvider.System;

        _writeLock.Enter();
        try
        {
            var connection = inMemory ? Open() : Open(createString);
            try
            {
                // A damaged file is refused at start (quick_check is O(N) but far cheaper than integrity_check).
                if (!inMemory) QuickCheck(connection);
                // WAL is a property of the file: set once here, every later connection uses it. Readers then never
                // block the writer nor each other.
                if (!inMemory) Execute(connection, "PRAGMA journal_mode = WAL;");
                SchemaVersion = SchemaMigrations.Apply(connection, _dataSource, schemaVersion);
                if (!inMemory) _identity = Identity(connection);
            }
            finally
            {
                if (inMemory) _keepAlive = connection;
                else connection.Dispose();
            }
        }
        catch (Exception e) when (e is SqliteException or StorageFaultException && StorageFaultException.From(e) is { } fault)
        {
            throw new StorageFaultException(fault.Fault, $"the database {_dataSource} cannot be opened: {fault.Message}", e);
        }
        finally
        {
            _writeLock.Release();
        }
        if (!inMemory)
        {
            _file = FileIdentity.Of(_dataSource);
            _checkpoints = new Timer(Checkpoint, null, CheckpointPeriod, CheckpointPeriod);
        }
    }

    /// <summary>The newest schema version this build knows: the number of its migrations.</summary>
    public static int LatestSchemaVersion => SchemaMigrations.Scripts.Length;

    /// <summary>The schema version the database is at (<c>PRAGMA user_version</c>) after opening.</summary>
    public int SchemaVersion { get; }

    /// <inheritdoc />
    /// <remarks>SQLite announces nothing: completes at once.</remarks>
    public Task FollowChangesAsync(Func<StoreChange, CancellationToken, Task> onChange, Action<Exception> onLost, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    /// <inheritdoc />
    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1;";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }

    /// <summary>The clock used for received and evaluated times.</summary>
    public TimeProvider Time { get; }

    /// <summary>The database file's full path (the connection string's data source for in-memory databases).</summary>
    public string DataSource => _dataSource;

    /// <summary>
    /// Largest size of the database in pages (<c>PRAGMA max_page_count</c> on the writer), or null for SQLite's
    /// default; a write beyond it fails as <see cref="StorageFault.Full"/>. Takes effect at the next write.
    /// </summary>
    public long? MaxPageCount { get; set; }

    /// <summary>
    /// The WAL file's size bound in bytes (default 64 MiB): a write that leaves the file above half of it runs a
    /// RESTART checkpoint, and the reset file is cut to a quarter of it (<c>journal_size_limit</c>).
    /// </summary>
    public long WalLimitBytes { get; init; } = 64L << 20;

    /// <summary>
    /// How much of the database file a district scan maps into memory (<c>PRAGMA mmap_size</c>; default 1 GiB, 0 turns
    /// it off). The scan then reads pages where they lie in the OS cache instead of copying each into the connection's
    /// own cache, about three times faster. Only scans map the file (their own pool, <see cref="OpenMappedAsync"/>): a read transaction
    /// that finds the WAL changed since its connection's last one unmaps the whole file and maps it again, so point reads
    /// between concurrent writes (a single evaluation's cache probe) would pay two system calls and fresh page faults
    /// each. Writes always go through SQLite's file calls. As SQLite documents, an I/O error on a mapped page (a failing
    /// disk, or the file truncated underneath) stops the process instead of failing one read.
    /// </summary>
    public long MmapBytes { get; init; } = 1L << 30;

    /// <summary>
    /// Names a failure as a <see cref="StorageFaultException"/> (null when it is not a storage fault) and remembers
    /// damage, so that health reports it until a quick check passes again. For failures met outside the stores' writes.
    /// </summary>
    public StorageFaultException? Classify(Exception exception)
    {
        var fault = StorageFaultException.From(exception);
        if (fault?.Fault == StorageFault.Corrupt) _corruptSeen = true;
        if (fault?.Fault == StorageFault.Full) _fullSeen = true;
        // Pooled readers may hold a deleted or replaced file open: they reopen the path once it is back. Readers
        // that opened a read-only file keep SQLite's shared-memory index of it read-only, which would hold back
        // even a writer that can open the file again: they go too.
        if (fault?.Fault is StorageFault.Missing or StorageFault.ReadOnly) ClearPools();
        return fault;
    }

    /// <summary>
    /// Looks for a storage fault now, for health checks: the file is still the one opened, a write transaction
    /// can begin (and is rolled back at once), and damage met earlier is gone. Null when none; otherwise the
    /// fault, with <see cref="StorageFault.Full"/> only while the last write found the database full.
    /// </summary>
    public async Task<StorageFaultException?> ProbeAsync(CancellationToken cancellationToken = default)
    {
        await _writeLock.EnterAsync(WriteSize.Small, cancellationToken).ConfigureAwait(false);
        try
        {
            _writer ??= OpenWriter();
            EnsureInPlace(_writer);
            // A file SQLite could open only for reading (no permission, read-only file system, Mode=ReadOnly).
            if (SQLitePCL.raw.sqlite3_db_readonly(_writer.Handle, "main") == 1)
                throw new StorageFaultException(StorageFault.ReadOnly, StorageFaultException.Describe(StorageFault.ReadOnly, "opened read-only"));
            Execute(_writer, "BEGIN IMMEDIATE; ROLLBACK;");
            if (_corruptSeen)
            {
                QuickCheck(_writer);
                _corruptSeen = false;
            }
            return _fullSeen ? new StorageFaultException(StorageFault.Full, StorageFaultException.Describe(StorageFault.Full, "the last write found no space")) : null;
        }
        catch (Exception e) when (Classify(e) is { } fault)
        {
            CloseWriter();
            return fault;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Opens a pooled connection for reading.</summary>
    internal Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Open());
    }

    /// <summary>
    /// Opens a pooled connection for one batch of a long read (a district scan): one of the scans' own pool, which keep
    /// the file mapped into memory (<see cref="MmapBytes"/>).
    /// </summary>
    internal Task<SqliteConnection> OpenMappedAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Open(_scanConnectionString, mapped: true));
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one write transaction (BEGIN IMMEDIATE) under the database's write lock,
    /// committing when it returns and rolling back when it throws. A storage fault (read-only, damaged, full, or
    /// the file deleted or replaced since it was opened) rolls back and throws <see cref="StorageFaultException"/>.
    /// A large write (the default: an ingest chunk) waits behind small writes queued before its turn.
    /// </summary>
    internal Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, CancellationToken, T> work,
        CancellationToken cancellationToken) => WriteAsync(WriteSize.Large, work, cancellationToken);

    /// <summary>
    /// <see cref="WriteAsync{T}(Func{SqliteConnection, SqliteTransaction, CancellationToken, T}, CancellationToken)"/>
    /// with its place in the writer's queue: a <see cref="WriteSize.Small"/> write goes ahead of waiting large ones.
    /// </summary>
    internal async Task<T> WriteAsync<T>(WriteSize size, Func<SqliteConnection, SqliteTransaction, CancellationToken, T> work,
        CancellationToken cancellationToken)
    {
        await _writeLock.EnterAsync(size, cancellationToken).ConfigureAwait(false);
        try
        {
            T result;
            SqliteConnection writer;
            try
            {
                writer = _writer ??= OpenWriter();
                ApplyMaxPageCount(writer);
                using var transaction = writer.BeginTransaction(deferred: false);
                result = work(writer, transaction, cancellationToken);
                // A deleted or replaced file still takes writes through the open descriptor, and they would be
                // lost: refuse the commit (one stat).
                EnsureInPlace(writer);
                transaction.Commit();
            }
            catch (Exception e)
            {
                // Whatever state a failed transaction left behind goes with the connection; the next write opens anew.
                CloseWriter();
                if (Classify(e) is { } fault) throw fault;
                throw;
            }
            _fullSeen = false;
            Volatile.Write(ref _lastWrite, System.Diagnostics.Stopwatch.GetTimestamp());
            try
            {
                BoundWal(writer);
            }
            catch (Exception e) when (e is SqliteException or IOException)
            {
                // The commit stands; the next write or tick checkpoints again.
            }
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// <paramref name="sql"/> prepared on the writer connection and kept there for later writes: for a statement that
    /// every write of its kind runs (the evaluation log's INSERT), which SQLite then compiles once per writer connection
    /// instead of once per write. Only for the work of a write, on the connection it was given.
    /// </summary>
    internal RawStatement WriterStatement(SqliteConnection writer, string sql)
    {
        if (!ReferenceEquals(writer, _writer)) throw new InvalidOperationException("Only the writer connection keeps statements.");
        if (!_writerStatements.TryGetValue(sql, out var statement))
            _writerStatements.Add(sql, statement = new RawStatement(writer, sql));
        return statement;
    }

    // The writer connection goes (after a fault, or at the end), with the statements kept on it: finalized first, so
    // the connection really closes.
    private void CloseWriter()
    {
        foreach (var statement in _writerStatements.Values) statement.Dispose();
        _writerStatements.Clear();
        _writer?.Dispose();
        _writer = null;
    }

    private SqliteConnection Open(bool pooled = true) => Open(pooled ? _connectionString : _writerConnectionString);

    private SqliteConnection Open(string connectionString, bool mapped = false)
    {
        var connection = new SqliteConnection(connectionString);
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
                // Before it reads anything, a new physical connection checks that the path still names this database.
                Admit(connection);
                Execute(connection, "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;");
                if (mapped && MmapBytes > 0) Execute(connection, $"PRAGMA mmap_size = {MmapBytes};");
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
        // A reset WAL is cut back to a quarter of its bound instead of keeping its largest size for ever.
        Execute(connection, $"PRAGMA journal_size_limit = {WalLimitBytes / 4};");
        _appliedMaxPageCount = null;
        // After a fault the path may name another file: take it only if it is this service's database (a restored
        // backup), never a foreign or empty one, nor another database with the same schema.
        if (_walPath is not null && SchemaVersion > 0 && (Scalar(connection, "PRAGMA user_version;") < SchemaVersion
            || _identity is not null && Identity(connection) != _identity))
        {
            connection.Dispose();
            throw new StorageFaultException(StorageFault.Missing, StorageFaultException.Describe(StorageFault.Missing,
                "the file at the path is not this service's database"));
        }
        return connection;
    }

    private void ApplyMaxPageCount(SqliteConnection writer)
    {
        var wanted = MaxPageCount;
        if (wanted == _appliedMaxPageCount) return;
        // 4294967294 is SQLite's largest; the pragma never goes below the database's current size.
        Execute(writer, $"PRAGMA max_page_count = {wanted ?? 4294967294L};");
        _appliedMaxPageCount = wanted;
    }

    // SQLITE_FCNTL_HAS_MOVED: whether the path now names another file than the connection has open (deleted,
    // renamed or replaced). Microsoft.Data.Sqlite's SQLitePCLRaw does not expose sqlite3_file_control, so it is
    // called in the e_sqlite3 library that provider already loaded.
    [DllImport("e_sqlite3", EntryPoint = "sqlite3_file_control")]
    private static extern int FileControl(IntPtr db, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, int op, ref int argument);

    // False once the e_sqlite3 entry point turned out not to be there: then only the path's existence is checked.
    private static bool s_fileControlAvailable = true;

    private void EnsureInPlace(SqliteConnection connection)
    {
        if (_walPath is null) return;
        const int HasMoved = 20;
        bool moved;
        try
        {
            var answer = 0;
            moved = s_fileControlAvailable
                ? FileControl(connection.Handle!.DangerousGetHandle(), "main", HasMoved, ref answer) == 0 && answer != 0
                : !File.Exists(_dataSource);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_fileControlAvailable = false;
            moved = !File.Exists(_dataSource);
        }
        if (moved)
            throw new StorageFaultException(StorageFault.Missing, StorageFaultException.Describe(StorageFault.Missing,
                "the file open is no longer at its path"));
    }

    // A new physical connection, before it reads: when the path names another file than the one opened (a backup put
    // back, a file moved in), it is taken only if no -wal or -shm is beside it, since those may be the old file's and
    // SQLite would read (and checkpoint) the old file's pages into it, and only if it holds this database's identity.
    // Then it becomes the file every later connection must find. Not while the constructor opens the file.
    private void Admit(SqliteConnection connection)
    {
        if (_walPath is null || _file is null) return;
        lock (_admitting)
        {
            var now = FileIdentity.Of(_dataSource);
            // Gone (SQLite's open then fails), the same file, or no way to tell (the writer still checks the identity).
            if (now is null || now == _file) return;
            if (File.Exists(_walPath) || File.Exists(_dataSource + "-shm"))
                throw new StorageFaultException(StorageFault.Missing, StorageFaultException.Describe(StorageFault.Missing,
                    $"another file is at the path, with a -wal or -shm beside it that may be the old file's; remove {_walPath} and {_dataSource}-shm to take it"));
            if (_identity is not null && Identity(connection) != _identity)
                throw new StorageFaultException(StorageFault.Missing, StorageFaultException.Describe(StorageFault.Missing,
                    "the file at the path is not this service's database"));
            _file = now;
            // Pooled readers may still hold the old file: they go, and later reads open the one taken back.
            ClearPools();
        }
    }

    // The database's identity, or null for a schema without one (or a file that is not this service's).
    private static string? Identity(SqliteConnection connection)
    {
        if (Scalar(connection, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'database_identity';") == 0) return null;
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT identity FROM database_identity WHERE id = 1;";
        return command.ExecuteScalar() as string;
    }

    private static void QuickCheck(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA quick_check(1);";
        var answer = Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (answer != "ok")
            throw new StorageFaultException(StorageFault.Corrupt, StorageFaultException.Describe(StorageFault.Corrupt,
                $"quick_check: {answer?.ReplaceLineEndings("; ")}"));
    }

    private long WalBytes()
    {
        var wal = new FileInfo(_walPath!);
        return wal.Exists ? wal.Length : 0;
    }

    // After a commit under the write lock: once the WAL file passes half its bound, a RESTART checkpoint copies it back
    // and waits (at most 100 ms) for readers to leave it, so the next write starts it again from the beginning and
    // journal_size_limit (a quarter of the bound) cuts the file. Readers on old snapshots are why PASSIVE alone never
    // resets it. Up to three quarters of the bound that is done in the background (BoundInBackground), so the write
    // that finds the WAL large does not hold the writer while the whole of it is copied and synced. A RESTART that
    // readers keep from completing is tried again after 250 ms; past three quarters, it runs in every write: then
    // writers wait for readers rather than let the WAL grow. The commit is already durable, so a failure here only
    // leaves the WAL for later.
    private void BoundWal(SqliteConnection writer)
    {
        if (_walPath is null) return;
        var size = WalBytes();
        if (size <= WalLimitBytes / 2) return;
        if (size <= WalLimitBytes / 4 * 3)
        {
            if (System.Diagnostics.Stopwatch.GetTimestamp() >= Volatile.Read(ref _nextRestart)) BoundInBackground();
            return;
        }
        if (!TryCheckpoint(writer, "RESTART")) RestartLater();
    }

    private void RestartLater() =>
        Volatile.Write(ref _nextRestart, System.Diagnostics.Stopwatch.GetTimestamp() + System.Diagnostics.Stopwatch.Frequency / 4);

    // Bounds the WAL off the write path, one at a time: a PASSIVE checkpoint on the checkpointer's connection copies the
    // WAL back and syncs the database while writes go on; then, in a turn of the writer's own (a small write), a RESTART
    // copies only what was written meanwhile and waits for readers. Best effort: whatever fails, the next write past
    // half the bound starts it again, and past three quarters the writes restart the WAL themselves.
    private void BoundInBackground()
    {
        if (_disposed || Interlocked.Exchange(ref _bounding, 1) == 1) return;
        _ = Task.Run(async () =>
        {
            try
            {
                TryCopyBack();
                await _writeLock.EnterAsync(WriteSize.Small, CancellationToken.None).ConfigureAwait(false);
                try
                {
                    if (!_disposed && WalBytes() > WalLimitBytes / 2 && !TryCheckpoint(_writer ??= OpenWriter(), "RESTART")) RestartLater();
                }
                finally
                {
                    _writeLock.Release();
                }
            }
            catch (Exception e) when (e is SqliteException or StorageFaultException or IOException or ObjectDisposedException)
            {
                // The file gone or the database closing: writes name a fault themselves; nothing to bound.
            }
            finally
            {
                Volatile.Write(ref _bounding, 0);
            }
        });
    }

    // A blocking checkpoint that waits at most 100 ms for readers; true when it completed.
    private static bool TryCheckpoint(SqliteConnection connection, string mode)
    {
        try
        {
            Execute(connection, "PRAGMA busy_timeout = 100;");
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA wal_checkpoint({mode});";
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0;
        }
        catch (SqliteException)
        {
            return false;
        }
        finally
        {
            try
            {
                Execute(connection, "PRAGMA busy_timeout = 5000;");
            }
            catch (SqliteException)
            {
                // The connection is broken; its next use fails and replaces it.
            }
        }
    }

    // Every CheckpointPeriod, a PASSIVE checkpoint on its own connection: it never blocks readers or the writer. Once no
    // write has committed for a second, a TRUNCATE checkpoint (under the write lock, if free) gives the space back.
    private void Checkpoint(object? _)
    {
        if (Interlocked.Exchange(ref _checkpointing, 1) == 1) return;
        try
        {
            var idle = System.Diagnostics.Stopwatch.GetElapsedTime(Volatile.Read(ref _lastWrite)) >= TimeSpan.FromSeconds(1);
            if (idle && WalBytes() > 0 && _writeLock.TryEnter())
            {
                try
                {
                    _writer ??= OpenWriter();
                    TryCheckpoint(_writer, "TRUNCATE");
                }
                finally
                {
                    _writeLock.Release();
                }
                return;
            }
            // An empty WAL has nothing to copy back; past half the bound the background bound copies it (and the
            // writes restart it past three quarters), which a PASSIVE one here would only make busy.
            var wal = WalBytes();
            if (wal == 0 || wal > WalLimitBytes / 2) return;
            CopyBack();
        }
        catch (Exception e) when (e is SqliteException or StorageFaultException or IOException)
        {
            // Busy or interrupted: the next tick tries again.
        }
        finally
        {
            Volatile.Write(ref _checkpointing, 0);
        }
    }

    // A PASSIVE checkpoint, unless the timer's checkpoint runs already (it then copies the WAL itself).
    private void TryCopyBack()
    {
        if (Interlocked.Exchange(ref _checkpointing, 1) == 1) return;
        try
        {
            if (!_disposed) CopyBack();
        }
        finally
        {
            Volatile.Write(ref _checkpointing, 0);
        }
    }

    // A PASSIVE checkpoint on the checkpointer's own connection; the caller holds _checkpointing.
    private void CopyBack()
    {
        try
        {
            _checkpointer ??= Open(pooled: false);
            // A checkpointer on a deleted or replaced file goes at once, not when a later fault happens to close it.
            EnsureInPlace(_checkpointer);
            Execute(_checkpointer, "PRAGMA wal_checkpoint(PASSIVE);");
        }
        catch (Exception e) when (e is SqliteException or StorageFaultException or IOException)
        {
            // Busy or interrupted, or the file gone: the next try opens anew, on the file then at the path.
            _checkpointer?.Dispose();
            _checkpointer = null;
        }
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
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
        _disposed = true;
        // A background bound of the WAL sees the flag once it has the writer's turn, and stops.
        var bounding = System.Diagnostics.Stopwatch.StartNew();
        while (Volatile.Read(ref _bounding) == 1 && bounding.Elapsed < TimeSpan.FromSeconds(5)) Thread.Sleep(1);
        _checkpoints?.Dispose();
        while (Volatile.Read(ref _checkpointing) == 1) Thread.Sleep(1);
        _checkpointer?.Dispose();
        CloseWatcher();
        CloseWriter();
        _keepAlive?.Dispose();
        ClearPools();
    }

    // Closes the idle pooled connections of the point readers and of the scans.
    private void ClearPools()
    {
        _watcherStale = true;
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
        SqliteConnection.ClearPool(new SqliteConnection(_scanConnectionString));
    }
}

/// <summary>A file's device and inode, from statx(2) on Linux; null elsewhere or when the path names no file.</summary>
internal readonly record struct FileIdentity(ulong Device, ulong Inode)
{
    private const int AtCurrentDirectory = -100;
    private const uint InodeMask = 0x100; // STATX_INO; the device numbers are always filled in

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);

    private static bool s_available = OperatingSystem.IsLinux();

    /// <summary>The identity of the file at <paramref name="path"/>, or null.</summary>
    public static FileIdentity? Of(string path)
    {
        if (!s_available) return null;
        var buffer = new byte[256]; // struct statx: the same layout on every Linux architecture
        try
        {
            if (Statx(AtCurrentDirectory, path, 0, InodeMask, buffer) != 0) return null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_available = false;
            return null;
        }
        var inode = BitConverter.ToUInt64(buffer, 32);
        var major = BitConverter.ToUInt32(buffer, 136);
        var minor = BitConverter.ToUInt32(buffer, 140);
        return new FileIdentity(((ulong)major << 32) | minor, inode);
    }
}
