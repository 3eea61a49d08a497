using Scoring.Storage.Evaluations;
using Scoring.Storage.Parcels;

namespace Scoring.Storage.Tests;

/// <summary>
/// Which reads map the SQLite file into memory (Storage:MmapBytes), seen where the kernel lists this process's mappings
/// (/proc/self/maps). SQLite only, and Linux only.
/// </summary>
public sealed class FileMappingTests : IDisposable
{
    private readonly TempDatabase _temp = new();

    public void Dispose() => _temp.Dispose();

    private bool Mapped() => File.ReadLines("/proc/self/maps").Any(line => line.EndsWith(" " + _temp.FilePath, StringComparison.Ordinal));

    [Fact]
    public async Task A_district_scan_maps_the_file_while_it_reads_and_point_reads_between_writes_never_do()
    {
        Assert.True(File.Exists("/proc/self/maps"), "this test reads Linux's /proc/self/maps");
        var database = _temp.Open();
        var parcels = new ParcelStore(database);
        var evaluations = new EvaluationStore(database);
        await parcels.UpsertAsync("feed", new DateOnly(2024, 1, 1),
            [.. Enumerable.Range(0, 250).Select(i => new ParcelWrite($"P{i:D3}") { Indicators = new Dictionary<string, double> { ["x"] = i } })]);

        // A recorded single evaluation's pattern: a point read of the cache, then a write to the history.
        for (var i = 0; i < 20; i++)
        {
            Assert.NotNull(await parcels.GetAsync($"P{i:D3}"));
            await evaluations.AppendAsync([new EvaluationRecord($"P{i:D3}", "v1", 0.5, 1, 1, 1, "{}", default)]);
            Assert.False(Mapped(), "a point read mapped the file");
        }

        // A scan's batch reads through a mapped connection, which goes back to the pool unmapped. (SQLite maps the
        // file, so the pages must be in it, not only in the WAL.)
        _temp.CheckpointIntoFile();
        await using (var read = await database.OpenMappedAsync(CancellationToken.None))
        {
            using var command = read.Connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM parcels;";
            Assert.Equal(250L, command.ExecuteScalar());
            Assert.True(Mapped(), "a scan's connection did not map the file");
        }
        Assert.False(Mapped(), "a scan's connection went back to the pool mapped");

        var seen = 0;
        await foreach (var batch in parcels.StreamAllAsync(batchSize: 100))
        {
            seen += batch.Count;
            Assert.False(Mapped(), "the scan holds the file mapped between its batches");
        }
        Assert.Equal(250, seen);
        Assert.NotNull(await parcels.GetAsync("P000"));
        Assert.False(Mapped(), "a point read after the scan mapped the file");
    }
}
