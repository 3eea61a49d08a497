using Microsoft.Data.Sqlite;

namespace Scoring.Storage.Tests;

/// <summary>A real SQLite file in a fresh temp directory (one level below, to exercise directory creation).</summary>
public sealed class TempDatabase : IDisposable
{
    private readonly List<ScoringDatabase> _opened = [];

    public TempDatabase()
    {
        Directory = Path.Combine(Path.GetTempPath(), "scoring-storage-tests", Guid.NewGuid().ToString("N"));
        FilePath = Path.Combine(Directory, "data", "scoring.db");
        ConnectionString = $"Data Source={FilePath}";
    }

    public string Directory { get; }
    public string FilePath { get; }
    public string ConnectionString { get; }
    public ManualClock Clock { get; } = new(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero));

    public ScoringDatabase Open() => Track(new ScoringDatabase(ConnectionString, Clock));

    public ScoringDatabase OpenAt(int schemaVersion) => Track(new ScoringDatabase(ConnectionString, Clock, schemaVersion));

    /// <summary>A plain connection, outside the code under test, for looking at the file directly.</summary>
    public SqliteConnection Raw()
    {
        var connection = new SqliteConnection($"Data Source={FilePath};Pooling=False");
        connection.Open();
        return connection;
    }

    /// <summary>
    /// Copies every page of the WAL into the file and empties the WAL, trying again while a running database's own
    /// background checkpoint holds the checkpoint lock (the pragma then answers busy instead of failing).
    /// </summary>
    public void CheckpointIntoFile()
    {
        for (var attempt = 0; Scalar("PRAGMA wal_checkpoint(TRUNCATE);") != 0; attempt++)
        {
            Assert.True(attempt < 50, "the WAL could not be checkpointed into the file");
            Thread.Sleep(20);
        }
    }

    public long Scalar(string sql)
    {
        using var connection = Raw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar());
    }

    /// <summary>Runs <paramref name="sql"/> on a connection of its own, as another program would.</summary>
    public void Execute(string sql)
    {
        using var connection = Raw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private ScoringDatabase Track(ScoringDatabase database)
    {
        _opened.Add(database);
        return database;
    }

    public void Dispose()
    {
        foreach (var database in _opened) database.Dispose();
        SqliteConnection.ClearAllPools();
        if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
    }
}

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public DateTimeOffset Now => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
