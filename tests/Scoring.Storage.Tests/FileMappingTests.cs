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
    public async Task Point_reads_between_writes_never_map_the_file_and_a_district_scan_does()
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

        // A scan reads through connections of its own pool, which keep the file mapped from batch to batch. (SQLite maps
        // the file, so the pages must be in it, not only in the WAL.)
        _temp.CheckpointIntoFile();
        var seen = 0;
        await foreach (var batch in parcels.StreamAllAsync(batchSize: 100)) seen += batch.Count;
        Assert.Equal(250, seen);
        Assert.True(Mapped(), "the scan did not map the file");
    }
}
