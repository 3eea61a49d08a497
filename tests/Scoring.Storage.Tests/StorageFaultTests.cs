using Microsoft.Data.Sqlite;
using Scoring.Storage.Evaluations;
using Scoring.Storage.Units;

namespace Scoring.Storage.Tests;

/// <summary>
/// Storage faults made with real files: each is named, refuses the write, and goes once its cause is gone. SQLite only:
/// they are faults of the database file (deleted, replaced, read-only, damaged), which a PostgreSQL server keeps for itself.
/// </summary>
public sealed class StorageFaultTests : IDisposable
{
    private readonly TempDatabase _temp = new();

    public void Dispose() => _temp.Dispose();

    private static UnitWrite Unit(string id, int nameLength = 10) => new(id) { Name = new string('n', nameLength) };

    // A copy of the database as it is now (VACUUM INTO), beside it; its path.
    private string Backup()
    {
        var backup = Path.Combine(_temp.Directory, "backup.db");
        using var raw = _temp.Raw();
        using var command = raw.CreateCommand();
        command.CommandText = $"VACUUM INTO '{backup}';";
        command.ExecuteNonQuery();
        return backup;
    }

    [Fact]
    public async Task A_write_after_the_data_directory_is_deleted_is_refused_as_missing_and_recovers_when_the_file_is_back()
    {
        var database = _temp.Open();
        var units = new UnitStore(database);
        await units.UpsertAsync([Unit("U1")]);
        var backup = Backup();

        Directory.Delete(Path.GetDirectoryName(_temp.FilePath)!, recursive: true);

        var refused = await Assert.ThrowsAsync<StorageFaultException>(() => units.UpsertAsync([Unit("U2")]));
        Assert.Equal(StorageFault.Missing, refused.Fault);
        Assert.Equal(StorageFault.Missing, (await database.ProbeAsync())?.Fault);
        // The open writer held the deleted file; the next write must not create a new, empty one at the path.
        Assert.Equal(StorageFault.Missing, (await Assert.ThrowsAsync<StorageFaultException>(() => units.UpsertAsync([Unit("U3")]))).Fault);
        Assert.False(File.Exists(_temp.FilePath));

        // The file is restored: writes and health come back without reopening.
        Directory.CreateDirectory(Path.GetDirectoryName(_temp.FilePath)!);
        File.Copy(backup, _temp.FilePath);
        Assert.Null(await database.ProbeAsync());
        await units.UpsertAsync([Unit("U4")]);
        Assert.Equal(["U1", "U4"], (await units.ListAllAsync()).Select(u => u.UnitId));
    }

    [Fact]
    public async Task Evaluations_recorded_around_a_deleted_data_directory_land_in_the_file_put_back_not_the_deleted_one()
    {
        // The log's INSERT is kept prepared on the writer connection: after the fault it must go with that connection,
        // and the next write prepare it again on the file put back.
        var database = _temp.Open();
        var history = new EvaluationStore(database);
        static EvaluationRecord Record(string parcelId, double score) =>
            new(parcelId, "v1", score, 1, 1, 1, """{"indicators":{}}""", new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));
        await history.AppendAsync([Record("E1", 0.75)]);
        await history.AppendAsync([Record("E2", 0.70)]);
        var backup = Backup();

        Directory.Delete(Path.GetDirectoryName(_temp.FilePath)!, recursive: true);
        Assert.Equal(StorageFault.Missing, (await Assert.ThrowsAsync<StorageFaultException>(() => history.AppendAsync([Record("E3", 0.65)]))).Fault);

        Directory.CreateDirectory(Path.GetDirectoryName(_temp.FilePath)!);
        File.Copy(backup, _temp.FilePath);
        await history.AppendAsync([Record("E4", 0.55), Record("E5", 0.50)]);
        await history.AppendAsync([Record("E6", 0.45)]);

        var kept = await history.ListAsync(new EvaluationFilter(), 10, null);
        Assert.Equal(["E1", "E2", "E4", "E5", "E6"], kept.Evaluations.Select(e => e.Evaluation.ParcelId).Order());
        Assert.Equal([0.75, 0.70, 0.55, 0.50, 0.45], kept.Evaluations.OrderBy(e => e.Evaluation.ParcelId).Select(e => e.Evaluation.Score));
    }

    [Fact]
    public async Task A_write_after_the_file_is_replaced_by_another_is_refused_as_missing_and_nothing_of_it_lands_anywhere()
    {
        var database = _temp.Open();
        var units = new UnitStore(database);
        await units.UpsertAsync([Unit("U1")]);
        var other = Path.Combine(_temp.Directory, "other.db");
        using (var raw = new SqliteConnection($"Data Source={other};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            command.CommandText = "CREATE TABLE t(x); INSERT INTO t VALUES (1);";
            command.ExecuteNonQuery();
        }

        File.Move(other, _temp.FilePath, overwrite: true);

        var refused = await Assert.ThrowsAsync<StorageFaultException>(() => units.UpsertAsync([Unit("U2")]));
        Assert.Equal(StorageFault.Missing, refused.Fault);
        Assert.Equal(StorageFault.Missing, (await database.ProbeAsync())?.Fault);
        Assert.Equal(1, _temp.Scalar("SELECT count(*) FROM t;"));
        Assert.Equal(0, _temp.Scalar("SELECT count(*) FROM sqlite_master WHERE name = 'management_units';"));
    }

    // Moves a database file with its -wal and -shm (those that exist) to another name.
    private static void MoveSet(string from, string to)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            if (File.Exists(from + suffix)) File.Move(from + suffix, to + suffix);
    }

    [Fact]
    public async Task A_fresh_database_of_this_service_put_at_the_path_is_refused_as_missing_and_the_original_put_back_takes_writes_again()
    {
        var database = _temp.Open();
        var units = new UnitStore(database);
        await units.UpsertAsync([Unit("U1")]);
        // Another database with the same schema: only its identity tells it from this one.
        var fresh = Path.Combine(_temp.Directory, "fresh.db");
        new ScoringDatabase($"Data Source={fresh}").Dispose();
        var aside = Path.Combine(_temp.Directory, "aside.db");

        MoveSet(_temp.FilePath, aside);
        File.Move(fresh, _temp.FilePath);

        Assert.Equal(StorageFault.Missing, (await Assert.ThrowsAsync<StorageFaultException>(() => units.UpsertAsync([Unit("U2")]))).Fault);
        Assert.Equal(StorageFault.Missing, (await Assert.ThrowsAsync<StorageFaultException>(() => units.UpsertAsync([Unit("U3")]))).Fault);
        Assert.Equal(StorageFault.Missing, (await database.ProbeAsync())?.Fault);
        // Refused before SQLite read it: no -wal or -shm was made for it.
        Assert.False(File.Exists(_temp.FilePath + "-wal"));
        Assert.False(File.Exists(_temp.FilePath + "-shm"));

        File.Move(_temp.FilePath, fresh);
        MoveSet(aside, _temp.FilePath);
        Assert.Null(await database.ProbeAsync());
        await units.UpsertAsync([Unit("U4")]);
        Assert.Equal(["U1", "U4"], (await units.ListAllAsync()).Select(u => u.UnitId));
        using var other = new SqliteConnection($"Data Source={fresh};Pooling=False");
        other.Open();
        using var count = other.CreateCommand();
        count.CommandText = "SELECT count(*) FROM management_units;";
        Assert.Equal(0L, count.ExecuteScalar());
    }

    [Fact]
    public async Task A_backup_put_at_the_path_beside_the_old_files_wal_is_refused_until_the_wal_and_shm_are_removed_then_taken_back()
    {
        var database = _temp.Open();
        var units = new UnitStore(database);
        await units.UpsertAsync([Unit("U1")]);
        var backup = Backup();
        Assert.True(File.Exists(_temp.FilePath + "-wal"));

        // Only the main file is replaced: the -wal beside it is the old file's, and SQLite would read it into the copy.
        File.Move(backup, _temp.FilePath, overwrite: true);

        // The write on the file opened before is refused (it moved), and so is the file now at the path.
        Assert.Equal(StorageFault.Missing, (await Assert.ThrowsAsync<StorageFaultException>(() => units.UpsertAsync([Unit("U2")]))).Fault);
        var refused = await database.ProbeAsync();
        Assert.Equal(StorageFault.Missing, refused?.Fault);
        Assert.Contains($"remove {_temp.FilePath}-wal", refused!.Message);

        File.Delete(_temp.FilePath + "-wal");
        File.Delete(_temp.FilePath + "-shm");
        Assert.Null(await database.ProbeAsync());
        await units.UpsertAsync([Unit("U3")]);
        Assert.Equal(["U1", "U3"], (await units.ListAllAsync()).Select(u => u.UnitId));
    }

    [Fact]
    public async Task A_full_database_refuses_the_write_that_does_not_fit_keeps_reads_and_takes_writes_again_once_the_limit_is_raised()
    {
        var database = _temp.Open();
        var units = new UnitStore(database);
        await units.UpsertAsync([Unit("U0")]);
        var pages = _temp.Scalar("PRAGMA page_count;");
        // Not one page more: a unit whose 20,000-character name needs 5 new pages (4 KiB each) cannot fit.
        database.MaxPageCount = pages;

        var refused = await Assert.ThrowsAsync<StorageFaultException>(() => units.UpsertAsync([Unit("U1", 20_000)]));

        Assert.Equal(StorageFault.Full, refused.Fault);
        Assert.Equal(StorageFault.Full, (await database.ProbeAsync())?.Fault);
        Assert.Equal(["U0"], (await units.ListAllAsync()).Select(u => u.UnitId));

        database.MaxPageCount = null;
        await units.UpsertAsync([Unit("U1", 20_000)]);
        Assert.Null(await database.ProbeAsync());
        Assert.Equal(["U0", "U1"], (await units.ListAllAsync()).Select(u => u.UnitId));
    }

    [Fact]
    public async Task A_database_opened_read_only_refuses_writes_as_read_only_and_reads_go_on()
    {
        await new UnitStore(_temp.Open()).UpsertAsync([Unit("U1")]);
        // The tests run as root, which writes through any chmod; Mode=ReadOnly makes SQLite open the file read-only
        // (O_RDONLY), as it does by itself for a user without write permission.
        using var database = new ScoringDatabase($"Data Source={_temp.FilePath};Mode=ReadOnly", _temp.Clock);
        var units = new UnitStore(database);

        var refused = await Assert.ThrowsAsync<StorageFaultException>(() => units.UpsertAsync([Unit("U2")]));

        Assert.Equal(StorageFault.ReadOnly, refused.Fault);
        Assert.Equal(StorageFault.ReadOnly, (await database.ProbeAsync())?.Fault);
        Assert.Equal(["U1"], (await units.ListAllAsync()).Select(u => u.UnitId));
    }

    [Fact]
    public async Task A_file_with_damaged_pages_is_refused_at_open_and_a_damaged_file_under_a_running_database_is_reported()
    {
        var database = _temp.Open();
        var units = new UnitStore(database);
        await units.UpsertAsync([.. Enumerable.Range(0, 2000).Select(i => Unit($"U{i:D4}", 200))]);
        _temp.CheckpointIntoFile();
        Overwrite(_temp.FilePath);

        // Running: a read over the damaged pages fails, the fault is named and health reports it.
        var read = await Assert.ThrowsAsync<SqliteException>(() => units.ListAllAsync());
        Assert.Equal(StorageFault.Corrupt, database.Classify(read)?.Fault);
        Assert.Equal(StorageFault.Corrupt, (await database.ProbeAsync())?.Fault);

        // Opening it anew: refused by the quick check.
        var refused = Assert.Throws<StorageFaultException>(() => _temp.Open());
        Assert.Equal(StorageFault.Corrupt, refused.Fault);
    }

    [Fact]
    public void A_data_directory_that_cannot_be_created_is_a_missing_store_naming_the_directory()
    {
        Directory.CreateDirectory(_temp.Directory);
        var blocker = Path.Combine(_temp.Directory, "data");
        File.WriteAllText(blocker, "a file where the data directory should be");

        var refused = Assert.Throws<StorageFaultException>(() => _temp.Open());

        Assert.Equal(StorageFault.Missing, refused.Fault);
        Assert.StartsWith($"the data directory {blocker} cannot be created", refused.Message);
    }

    /// <summary>Writes garbage over 8 pages (4 KiB each) in the middle of a database file.</summary>
    internal static void Overwrite(string path)
    {
        var length = new FileInfo(path).Length;
        Assert.True(length >= 64 * 4096, $"the file has only {length} bytes");
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        file.Position = length / 2 / 4096 * 4096;
        file.Write(Enumerable.Repeat((byte)0xA5, 8 * 4096).ToArray());
        file.Flush(flushToDisk: true);
    }
}
