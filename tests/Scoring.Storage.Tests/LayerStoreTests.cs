using Microsoft.Data.Sqlite;
using Scoring.Storage.Layers;

namespace Scoring.Storage.Tests;

public sealed class LayerStoreTests : IDisposable
{
    private const string Square = """{"type":"FeatureCollection","features":[]}""";
    private readonly TempDatabase _temp = new();

    public void Dispose() => _temp.Dispose();

    private static NewLayer RedLine(string note, double areaMu = 15) => new("ecological_red_line", 1, "生态保护红线", 4549, Square, 1, areaMu, "planner", note);

    [Fact]
    public async Task Versions_are_numbered_per_layer_and_the_newest_is_in_force()
    {
        var store = new LayerStore(_temp.Open());

        var first = await store.AddAsync(RedLine("first"));
        var second = await store.AddAsync(RedLine("second", 30));
        var boundary = await store.AddAsync(new NewLayer("development_boundary", 2, "开发边界", 4490, Square, 3, 100, "planner", "boundary"));

        Assert.Equal((1, 2, 1), (first.Version, second.Version, boundary.Version));
        var inForce = await store.ListInForceAsync();
        Assert.Equal([("development_boundary", 1), ("ecological_red_line", 2)], inForce.Select(l => (l.LayerId, l.Version)));
        Assert.All(inForce, l => Assert.True(l.InForce));
        Assert.All(inForce, l => Assert.Null(l.GeoJson));
        var versions = await store.ListVersionsAsync("ecological_red_line");
        Assert.Equal([(2, true, "second", 30.0), (1, false, "first", 15.0)], versions.Select(v => (v.Version, v.InForce, v.Note, v.AreaMu)));
        var got = await store.GetAsync("ecological_red_line", 1);
        Assert.Equal((Square, "planner", 4549, _temp.Clock.GetUtcNow()), (got!.GeoJson, got.Author, got.Epsg, got.CreatedAt));
        Assert.Equal(2, (await store.GetAsync("ecological_red_line", 0))!.Version);
        Assert.Null(await store.GetAsync("ecological_red_line", 3));
        Assert.Null(await store.GetAsync("main_urban_area", 0));
    }

    [Fact]
    public async Task A_stored_version_cannot_be_changed_or_deleted()
    {
        var store = new LayerStore(_temp.Open());
        await store.AddAsync(RedLine("first"));

        using var connection = _temp.Raw();
        using var update = connection.CreateCommand();
        update.CommandText = "UPDATE layers SET note = 'edited';";
        Assert.Contains("immutable", Assert.Throws<SqliteException>(() => update.ExecuteNonQuery()).Message);
        using var delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM layers;";
        Assert.Contains("kept", Assert.Throws<SqliteException>(() => delete.ExecuteNonQuery()).Message);
        Assert.Equal("first", (await store.GetAsync("ecological_red_line", 1))!.Note);
    }
}
