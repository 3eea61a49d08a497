using Scoring.Storage.Paging;
using Scoring.Storage.Units;
using Scoring.Testing;

namespace Scoring.Storage.Tests;

public abstract class UnitStoreTests(StoreUnderTest target) : IDisposable
{
    private static readonly DateTimeOffset Created = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero); // the store's clock

    private readonly IUnitStore _store = target.Open().Units;

    public void Dispose() => target.Dispose();

    private static ManagementUnit Bare(string unitId) => new(unitId, null, null, null, null, Created, Created);

    [StoreFact]
    public async Task Units_are_upserted_with_nulls_leaving_cached_fields_and_listed_by_id()
    {
        var written = await _store.UpsertAsync([
            new UnitWrite("U2") { Name = "江宁开发区", Level = 1, TotalAreaMu = 1000, IndustrialAreaMu = 650 },
            new UnitWrite("U1") { Name = "东山社区", Level = 2 },
        ]);
        target.Clock.Advance(TimeSpan.FromMinutes(1));
        await _store.UpsertAsync([new UnitWrite("U2") { IndustrialAreaMu = 700 }]);

        var units = await _store.ListAllAsync();

        Assert.Equal(2, written);
        Assert.Equal([
            new ManagementUnit("U1", "东山社区", 2, null, null, Created, Created),
            new ManagementUnit("U2", "江宁开发区", 1, 1000, 700, Created, Created.AddMinutes(1)),
        ], units);
    }

    [StoreFact]
    public async Task One_unit_reads_back_by_id_and_an_unknown_one_as_null()
    {
        await _store.UpsertAsync([new UnitWrite("U1") { Name = "东山社区", Level = 2, TotalAreaMu = 400, IndustrialAreaMu = 260 }]);

        Assert.Equal(new ManagementUnit("U1", "东山社区", 2, 400, 260, Created, Created), await _store.GetAsync("U1"));
        Assert.Null(await _store.GetAsync("U9"));
    }

    [StoreFact]
    public async Task Five_units_list_in_three_pages_of_two_in_id_order()
    {
        // Written out of order; ids compare as text, so "U10" sorts between "U1" and "U2".
        await _store.UpsertAsync([new UnitWrite("U3"), new UnitWrite("U10"), new UnitWrite("U1"), new UnitWrite("U4"), new UnitWrite("U2")]);

        var first = await _store.ListAsync(2, null);
        var second = await _store.ListAsync(2, first.NextPageToken);
        var third = await _store.ListAsync(2, second.NextPageToken);

        Assert.Equal([Bare("U1"), Bare("U10")], first.Units);
        Assert.Equal([Bare("U2"), Bare("U3")], second.Units);
        Assert.Equal([Bare("U4")], third.Units);
        Assert.NotNull(first.NextPageToken);
        Assert.NotNull(second.NextPageToken);
        Assert.Null(third.NextPageToken);
    }

    [StoreFact]
    public async Task A_full_last_page_has_no_next_page_and_an_empty_store_lists_nothing()
    {
        var empty = await _store.ListAsync(0, null);
        Assert.Empty(empty.Units);
        Assert.Null(empty.NextPageToken);

        await _store.UpsertAsync([new UnitWrite("U1"), new UnitWrite("U2")]);
        var page = await _store.ListAsync(2, null);

        Assert.Equal([Bare("U1"), Bare("U2")], page.Units);
        Assert.Null(page.NextPageToken);
    }

    [StoreFact]
    public async Task Page_size_zero_means_fifty_and_large_sizes_are_cut_to_a_thousand()
    {
        await _store.UpsertAsync(Enumerable.Range(0, 1005).Select(i => new UnitWrite($"U{i:D4}")).ToList());

        var defaultPage = await _store.ListAsync(0, null);
        var big = await _store.ListAsync(5000, null);
        var rest = await _store.ListAsync(5000, big.NextPageToken);

        Assert.Equal(50, defaultPage.Units.Count);
        Assert.Equal(1000, big.Units.Count);
        Assert.Equal(["U1000", "U1001", "U1002", "U1003", "U1004"], rest.Units.Select(u => u.UnitId));
        Assert.Null(rest.NextPageToken);
        var negative = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _store.ListAsync(-1, null));
        Assert.Equal("pageSize", negative.ParamName);
    }

    [StoreTheory]
    [InlineData("!!!", "is not base64url text")]
    [InlineData("VTI", "is not a page token")]                                   // "U2", the raw id as the old listing used it
    [InlineData("WyJwYXJjZWxzIixudWxsLG51bGwsbnVsbCwiVTIiXQ", "belongs to the parcels listing, not to the units listing")] // ["parcels",null,null,null,"U2"]
    [InlineData("WyJ1bml0cyJd", "has 0 parts where a token of the units listing has 1")]          // ["units"]
    [InlineData("WyJ1bml0cyIsbnVsbF0", "does not hold a position")]                           // ["units",null]
    public async Task Page_token_that_is_not_a_unit_listing_token_is_refused(string token, string reason)
    {
        await _store.UpsertAsync([new UnitWrite("U1"), new UnitWrite("U2"), new UnitWrite("U3")]);

        var refused = await Assert.ThrowsAsync<InvalidPageTokenException>(() => _store.ListAsync(2, token));

        Assert.Equal("pageToken", refused.ParamName);
        Assert.Equal(reason, refused.Reason);
    }

    [StoreFact]
    public async Task Bad_unit_refuses_the_whole_call_before_writing()
    {
        var bad = await Assert.ThrowsAsync<ArgumentException>(() => _store.UpsertAsync([
            new UnitWrite("U1"), new UnitWrite("U2") { TotalAreaMu = double.PositiveInfinity },
        ]));
        var badLevel = await Assert.ThrowsAsync<ArgumentException>(() => _store.UpsertAsync([new UnitWrite("U1") { Level = 4 }]));
        var noId = await Assert.ThrowsAsync<ArgumentException>(() => _store.UpsertAsync([new UnitWrite("")]));

        Assert.Equal("units", bad.ParamName);
        Assert.Contains("units[1].total_area_mu", bad.Message);
        Assert.Contains("units[0].level must be 0 to 3, got 4", badLevel.Message);
        Assert.Contains("units[0] has no unit id", noId.Message);
        Assert.Empty(await _store.ListAllAsync());
    }
}

/// <summary>The tests of <see cref="UnitStoreTests"/> on a SQLite file.</summary>
public sealed class SqliteUnitStoreTests() : UnitStoreTests(new SqliteUnderTest());

/// <summary>The tests of <see cref="UnitStoreTests"/> on PostgreSQL.</summary>
[Collection(PostgresCluster.Collection), NeedsTool(PostgresCluster.Program, PostgresCluster.Package)]
public sealed class PostgresUnitStoreTests(PostgresCluster cluster) : UnitStoreTests(new PostgresUnderTest(cluster, typeof(PostgresUnitStoreTests)));
