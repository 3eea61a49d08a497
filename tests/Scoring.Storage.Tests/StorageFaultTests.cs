using Microsoft.Data.Sqlite;
using Scoring.Storage.Units;

namespace Scoring.Storage.Tests;

/// <summary>Storage faults made with real files: each is named, refuses the write, and goes once its cause is gone.</summary>
public sealed class StorageFaultTests : IDisposable
{
    private readonly TempDatabase _temp = new();

    public void Dispose() => _temp.Dispose();

    private static UnitWrite Unit(string id, int nameLength = 10) => new(id) { Name = new string('n', nameLength) };

    [Fact]
    public async Task A_write_after_the_data_directory_is_deleted_is_refused_as_missing_and_recovers_when_the_file_is_back()
    {
        var database = _temp.Open();
        var units = new UnitStore(database);
        await units.UpsertAsync([Unit("U1")]);
        var backup = Path.Combine(_temp.Directory, "backup.db");
        using (var raw = _temp.Raw())
        using (var command = raw.CreateCommand())
        {
            command.CommandText = $"VACUUM INTO '{backup}';";
            command.ExecuteNonQuery();
        }

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
        using (var raw = _temp.Raw())
        using (var command = raw.CreateCommand())
        {
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            command.ExecuteNonQuery();
        }
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
