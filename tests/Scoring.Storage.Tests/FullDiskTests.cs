using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Scoring.Storage.Units;

namespace Scoring.Storage.Tests;

/// <summary>
/// A really full disk: the database on a 1 MiB tmpfs mounted for the test (the tests run as root). SQLite only: the file is
/// the service's own; a PostgreSQL server's disk is its operators'.
/// </summary>
public sealed class FullDiskTests : IDisposable
{
    private readonly string _mount = Path.Combine(Path.GetTempPath(), "scoring-full-" + Guid.NewGuid().ToString("N"));

    public FullDiskTests()
    {
        Directory.CreateDirectory(_mount);
        Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", _mount);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Run("umount", "-l", _mount);
        Directory.Delete(_mount, recursive: true);
    }

    private static void Run(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardError = true };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: {errors}");
    }

    [Fact]
    public async Task On_a_full_file_system_writes_are_refused_as_full_reads_go_on_and_writes_resume_once_space_is_freed()
    {
        // Half the file system is taken by a file the test frees later.
        var filler = Path.Combine(_mount, "filler");
        File.WriteAllBytes(filler, new byte[512 * 1024]);
        using var database = new ScoringDatabase($"Data Source={Path.Combine(_mount, "scoring.db")}");
        var units = new UnitStore(database);

        // 8 KiB names: the rest of the 1 MiB fills within 64 units.
        StorageFaultException? full = null;
        var stored = 0;
        for (; stored < 64 && full is null; stored++)
        {
            try { await units.UpsertAsync([new UnitWrite($"U{stored:D2}") { Name = new string('n', 8192) }]); }
            catch (StorageFaultException e) { full = e; }
        }

        Assert.NotNull(full);
        Assert.Equal(StorageFault.Full, full.Fault);
        Assert.Equal(StorageFault.Full, (await database.ProbeAsync())?.Fault);
        var before = (await units.ListAllAsync()).Select(u => u.UnitId).ToList();
        Assert.Equal(stored - 1, before.Count);

        // Space freed: the next write goes through on the same database, no reopening ("AFTER" sorts first).
        File.Delete(filler);
        await units.UpsertAsync([new UnitWrite("AFTER") { Name = new string('n', 8192) }]);
        Assert.Null(await database.ProbeAsync());
        Assert.Equal(["AFTER", .. before], (await units.ListAllAsync()).Select(u => u.UnitId));
    }
}
