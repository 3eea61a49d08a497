using Scoring.Storage.Parcels;

namespace Scoring.Storage.Tests;

/// <summary>
/// An empty cache is answered without a query while nothing is committed (the inline-only district's case), and a parcel
/// committed by any other connection to the file (another instance, another program) is seen at the next read.
/// </summary>
public sealed class EmptyCacheTests : IDisposable
{
    private readonly TempDatabase _temp = new();

    public void Dispose() => _temp.Dispose();

    private static ParcelWrite Parcel(string id) => new(id) { Indicators = new Dictionary<string, double> { ["far"] = 1.25 } };

    [Fact]
    public async Task A_parcel_committed_by_another_instance_of_the_file_is_found_after_empty_answers()
    {
        var reader = new ParcelStore(_temp.Open());
        // Asked twice while empty: the second answer comes from the unchanged data_version.
        Assert.Empty(await reader.GetManyAsync(["A", "B"]));
        Assert.Null(await reader.GetAsync("A"));

        var writer = new ParcelStore(_temp.Open());
        await writer.UpsertAsync("feed", new DateOnly(2025, 1, 1), [Parcel("A")]);

        var found = await reader.GetManyAsync(["A", "B"]);
        Assert.Equal(["A"], found.Keys);
        Assert.Equal(1.25, found["A"].Indicators["far"].Number);
        Assert.NotNull(await reader.GetAsync("A"));
        Assert.Null(await reader.GetAsync("B"));
    }

    [Fact]
    public async Task A_row_written_by_another_program_is_found_and_a_cache_emptied_again_answers_empty()
    {
        var database = _temp.Open();
        var store = new ParcelStore(database);
        Assert.Empty(await store.GetManyAsync(["A"]));
        await store.UpsertAsync("feed", new DateOnly(2025, 1, 1), [Parcel("A")]);
        Assert.Single(await store.GetManyAsync(["A"]));

        // Another program's connections empty the cache, then add a parcel row of their own.
        _temp.Execute("DELETE FROM value_writes; DELETE FROM parcels;");
        Assert.Empty(await store.GetManyAsync(["A"]));
        Assert.Null(await store.GetAsync("A"));
        _temp.Execute("INSERT INTO parcels (id, created_at, updated_at) VALUES ('Z', '2025-01-01T00:00:00.0000000Z', '2025-01-01T00:00:00.0000000Z');");
        var found = await store.GetManyAsync(["A", "Z"]);
        Assert.Equal(["Z"], found.Keys);
    }
}
