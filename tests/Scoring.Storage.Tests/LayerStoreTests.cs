using System.Data.Common;
using Scoring.Storage.Layers;
using Scoring.Testing;

namespace Scoring.Storage.Tests;

public abstract class LayerStoreTests(StoreUnderTest target) : IDisposable
{
    private const string Square = """{"type":"FeatureCollection","features":[]}""";

    public void Dispose() => target.Dispose();

    private static NewLayer RedLine(string note, double areaMu = 15) => new("ecological_red_line", 1, "生态保护红线", 4549, Square, 1, areaMu, "planner", note);

    [StoreFact]
    public async Task Versions_are_numbered_per_layer_and_the_newest_is_in_force()
    {
        var store = target.Open().Layers;

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
        Assert.Equal((Square, "planner", 4549, target.Clock.GetUtcNow()), (got!.GeoJson, got.Author, got.Epsg, got.CreatedAt));
        Assert.Equal(2, (await store.GetAsync("ecological_red_line", 0))!.Version);
        Assert.Null(await store.GetAsync("ecological_red_line", 3));
        Assert.Null(await store.GetAsync("main_urban_area", 0));
    }

    [StoreFact]
    public async Task A_stored_version_cannot_be_changed_or_deleted()
    {
        var store = target.Open().Layers;
        await store.AddAsync(RedLine("first"));

        Assert.Contains("immutable", Assert.ThrowsAny<DbException>(() => target.Execute("UPDATE layers SET note = 'edited';")).Message);
        Assert.Contains("kept", Assert.ThrowsAny<DbException>(() => target.Execute("DELETE FROM layers;")).Message);
        Assert.Equal("first", (await store.GetAsync("ecological_red_line", 1))!.Note);
    }
}

/// <summary>The tests of <see cref="LayerStoreTests"/> on a SQLite file.</summary>
public sealed class SqliteLayerStoreTests() : LayerStoreTests(new SqliteUnderTest());

/// <summary>The tests of <see cref="LayerStoreTests"/> on PostgreSQL.</summary>
[Collection(PostgresCluster.Collection), NeedsTool(PostgresCluster.Program, PostgresCluster.Package)]
public sealed class PostgresLayerStoreTests(PostgresCluster cluster) : LayerStoreTests(new PostgresUnderTest(cluster, typeof(PostgresLayerStoreTests)));
