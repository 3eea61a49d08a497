using Microsoft.Data.Sqlite;
using Scoring.Storage.Parcels;

namespace Scoring.Storage.Tests;

/// <summary>Backups (VACUUM INTO a file). SQLite only: PostgreSQL is backed up with its own tools, and the server refuses a backup there.</summary>
public sealed class BackupTests : IDisposable
{
    private const int ChunkSize = 50;
    private readonly TempDatabase _temp = new();

    public void Dispose() => _temp.Dispose();

    private string BackupDirectory => Path.Combine(_temp.Directory, "backups");

    // Chunk c, parcel i: an area and a far value that name both, so a value from another chunk cannot pass.
    private static ParcelWrite Write(int c, int i) => new($"B{c:D4}-{i:D2}")
    {
        AreaMu = c * 100 + i,
        UnitId = $"U{c % 3}",
        Indicators = new Dictionary<string, double> { ["far"] = c + i / 100.0, ["total_tax"] = 1000 + c },
        Vetoes = new Dictionary<string, bool> { ["safety"] = i % 2 == 0 },
    };

    [Fact]
    public async Task A_snapshot_taken_while_chunks_are_written_holds_every_chunk_acknowledged_before_it_and_only_whole_chunks()
    {
        var database = _temp.Open();
        var parcels = new ParcelStore(database);
        var acknowledged = 0;
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var c = 0; !stop.IsCancellationRequested; c++)
            {
                var counts = await parcels.UpsertAsync("tax-bureau", new DateOnly(2025, 6, 30), [.. Enumerable.Range(0, ChunkSize).Select(i => Write(c, i))]);
                Assert.Equal(ChunkSize, counts.Parcels);
                Volatile.Write(ref acknowledged, c + 1);
            }
        });
        while (Volatile.Read(ref acknowledged) < 20) await Task.Delay(5);

        var before = Volatile.Read(ref acknowledged);
        var backup = await database.BackupAsync(BackupDirectory);
        var afterBackup = Volatile.Read(ref acknowledged);
        // The writer goes on after the snapshot: ten more chunks.
        while (Volatile.Read(ref acknowledged) < afterBackup + 10) await Task.Delay(5);
        await stop.CancelAsync();
        await writer;

        // The test clock reads 2025-03-01 08:00:00 UTC.
        Assert.Equal("scoring-20250301T080000Z.db", backup.FileName);
        Assert.Equal(Path.Combine(BackupDirectory, "scoring-20250301T080000Z.db"), backup.FilePath);
        Assert.Equal(new FileInfo(backup.FilePath).Length, backup.SizeBytes);
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero), backup.CreateTime);
        Assert.Equal(["scoring-20250301T080000Z.db"], Directory.GetFiles(BackupDirectory).Select(Path.GetFileName));
        Assert.Equal("ok", IntegrityCheck(backup.FilePath));

        using var restored = new ScoringDatabase($"Data Source={backup.FilePath}");
        var stored = new ParcelStore(restored);
        var count = 0;
        await foreach (var batch in stored.StreamAllAsync()) count += batch.Count;
        // Each chunk is one transaction: the snapshot holds whole chunks, at least those acknowledged before it.
        Assert.Equal(0, count % ChunkSize);
        Assert.InRange(count / ChunkSize, before, afterBackup + 1);

        var ids = Enumerable.Range(0, before).SelectMany(c => Enumerable.Range(0, ChunkSize).Select(i => (c, i))).ToList();
        var found = await stored.GetManyAsync([.. ids.Select(x => Write(x.c, x.i).ParcelId)]);
        Assert.Equal(before * ChunkSize, found.Count);
        foreach (var (c, i) in ids)
        {
            var p = found[$"B{c:D4}-{i:D2}"];
            Assert.Equal(c * 100 + i, p.Attributes.AreaMu);
            Assert.Equal($"U{c % 3}", p.Attributes.UnitId);
            Assert.Equal(c + i / 100.0, p.Indicators["far"].Number);
            Assert.Equal(1000 + c, p.Indicators["total_tax"].Number);
            Assert.Equal(i % 2 == 0, p.Vetoes["safety"].Veto);
            Assert.Equal(new DateOnly(2025, 6, 30), p.Indicators["far"].AsOf);
        }
    }

    [Fact]
    public async Task A_second_snapshot_in_the_same_second_takes_the_next_name_and_leaves_the_existing_file_alone()
    {
        var database = _temp.Open();
        await new ParcelStore(database).UpsertAsync("tax-bureau", new DateOnly(2025, 6, 30), [Write(0, 0)]);
        Directory.CreateDirectory(BackupDirectory);
        var taken = Path.Combine(BackupDirectory, "scoring-20250301T080000Z.db");
        await File.WriteAllTextAsync(taken, "not a database");

        var second = await database.BackupAsync(BackupDirectory);
        var third = await database.BackupAsync(BackupDirectory);

        Assert.Equal("scoring-20250301T080000Z-2.db", second.FileName);
        Assert.Equal("scoring-20250301T080000Z-3.db", third.FileName);
        Assert.Equal("not a database", await File.ReadAllTextAsync(taken));
        Assert.Equal("ok", IntegrityCheck(third.FilePath));
        Assert.Equal(3, Directory.GetFiles(BackupDirectory).Length);
    }

    [Fact]
    public async Task A_backup_directory_below_a_regular_file_is_refused_naming_the_folder()
    {
        var database = _temp.Open();
        var file = Path.Combine(_temp.Directory, "plain-file");
        await File.WriteAllTextAsync(file, "x");
        var directory = Path.Combine(file, "backups");

        var e = await Assert.ThrowsAsync<BackupDirectoryUnwritableException>(() => database.BackupAsync(directory));

        Assert.Equal(directory, e.Directory);
        Assert.Contains(directory, e.Message);
    }

    [Fact]
    public async Task A_cancelled_backup_leaves_no_file_behind()
    {
        var database = _temp.Open();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => database.BackupAsync(BackupDirectory, cancelled.Token));

        Assert.Empty(Directory.GetFiles(BackupDirectory));
    }

    private static string IntegrityCheck(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check;";
        return (string)command.ExecuteScalar()!;
    }
}
