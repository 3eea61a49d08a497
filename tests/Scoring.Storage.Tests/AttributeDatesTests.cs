using Scoring.Storage.Parcels;
using Scoring.Testing;

namespace Scoring.Storage.Tests;

/// <summary>A parcel's attributes follow the values' rule: an older as_of never overwrites a newer attribute.</summary>
public abstract class AttributeDatesTests(StoreUnderTest target) : IDisposable
{

    public void Dispose() => target.Dispose();

    [StoreFact]
    public async Task A_feed_replayed_late_sets_only_the_attributes_nobody_set_with_a_later_date()
    {
        var store = target.Open().Parcels;
        await store.UpsertAsync("planning", new DateOnly(2025, 6, 30),
            [new ParcelWrite("P1") { Level = 1, UnitId = "park-a", RedevelopmentUnderway = true, Geometry = "new" }]);

        // An old feed: its level, flag and geometry are older than what is cached; its street and area are new to the cache.
        await store.UpsertAsync("old-census", new DateOnly(2023, 12, 31),
            [new ParcelWrite("P1") { Level = 2, RedevelopmentUnderway = false, Geometry = "old", Street = "秣陵街道", AreaMu = 40 }]);
        var afterOld = (await store.GetAsync("P1"))!.Attributes;
        Assert.Equal((1, "park-a", true, "new"), (afterOld.Level, afterOld.UnitId, afterOld.RedevelopmentUnderway, afterOld.Geometry));
        Assert.Equal(("秣陵街道", 40.0), (afterOld.Street, afterOld.AreaMu));

        // A feed of the same date as the first one wins (the later write), and a newer one wins too.
        await store.UpsertAsync("planning", new DateOnly(2025, 6, 30), [new ParcelWrite("P1") { RedevelopmentUnderway = false }]);
        await store.UpsertAsync("registry", new DateOnly(2026, 1, 15), [new ParcelWrite("P1") { UnitId = "park-b", Street = "汤山街道" }]);
        var now = (await store.GetAsync("P1"))!.Attributes;
        Assert.Equal((false, "park-b", "汤山街道", 1), (now.RedevelopmentUnderway, now.UnitId, now.Street, now.Level));
    }
}

/// <summary>The tests of <see cref="AttributeDatesTests"/> on a SQLite file.</summary>
public sealed class SqliteAttributeDatesTests() : AttributeDatesTests(new SqliteUnderTest());

/// <summary>The tests of <see cref="AttributeDatesTests"/> on PostgreSQL.</summary>
[Collection(PostgresCluster.Collection), NeedsTool(PostgresCluster.Program, PostgresCluster.Package)]
public sealed class PostgresAttributeDatesTests(PostgresCluster cluster) : AttributeDatesTests(new PostgresUnderTest(cluster, typeof(PostgresAttributeDatesTests)));
