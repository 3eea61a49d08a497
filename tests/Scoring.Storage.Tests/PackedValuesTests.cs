using Scoring.Storage.Parcels;
using Scoring.Testing;

namespace Scoring.Storage.Tests;

/// <summary>A parcel's current values packed into its row: one keyed read instead of a row per value.</summary>
public abstract class PackedValuesTests(StoreUnderTest target) : IDisposable
{

    public void Dispose() => target.Dispose();

    [StoreFact]
    public void Every_kind_of_value_comes_back_as_it_was_packed()
    {
        var received = new DateTimeOffset(2025, 7, 1, 8, 30, 15, TimeSpan.Zero).AddTicks(1234567);
        (int, CachedValue)[] values =
        [
            (0, new CachedValue("far", 1.5, null, null, "planning-bureau", new DateOnly(2025, 6, 30), received)),
            (0, new CachedValue("debt_ratio", -0.0, null, null, "税务局", new DateOnly(1999, 1, 1), received.AddDays(-3))),
            (1, new CachedValue("enterprise_type", null, "above_scale", null, "planning-bureau", new DateOnly(2025, 6, 30), received)),
            (2, new CachedValue("safety", null, null, false, "应急管理局", new DateOnly(2024, 12, 31), received)),
            (2, new CachedValue("nimby", null, null, true, "planning-bureau", new DateOnly(2024, 12, 31), received)),
        ];

        var (indicators, categories, vetoes) = PackedValues.Decode(PackedValues.Encode(values));

        Assert.Equal(values[0].Item2, indicators["far"]);
        Assert.Equal(values[1].Item2, indicators["debt_ratio"]);
        Assert.Equal(values[2].Item2, Assert.Single(categories).Value);
        Assert.Equal(values[3].Item2, vetoes["safety"]);
        Assert.Equal(values[4].Item2, vetoes["nimby"]);
        Assert.Equal(2, indicators.Count);
    }

    [StoreFact]
    public void Bytes_that_are_not_packed_values_are_refused()
    {
        // Empty; an unknown version; a string count past the end; a string past the end; a value cut off after its kind.
        byte[][] damaged = [[], [9, 0, 0], [1, 200, 1], [1, 1, 5, (byte)'f'], [1, 1, 1, (byte)'f', 1, 0]];
        foreach (var bytes in damaged)
            Assert.Equal(StorageFault.Corrupt, Assert.Throws<StorageFaultException>(() => PackedValues.Decode(bytes)).Fault);
    }

    [StoreFact]
    public async Task A_feed_chunk_packs_the_current_values_of_the_parcels_it_touches_and_an_older_date_never_wins()
    {
        var store = target.Open().Parcels;
        await store.UpsertAsync("census", new DateOnly(2025, 6, 30),
            [new ParcelWrite("P1") { Indicators = new Dictionary<string, double> { ["far"] = 1.2, ["jobs_per_mu"] = 3 } }]);
        await store.UpsertAsync("replay", new DateOnly(2024, 6, 30),
            [new ParcelWrite("P1") { Indicators = new Dictionary<string, double> { ["far"] = 0.4 }, Vetoes = new Dictionary<string, bool> { ["safety"] = true } }]);
        await store.UpsertAsync("registry", new DateOnly(2025, 1, 1), [new ParcelWrite("P2") { AreaMu = 3 }]);

        Assert.Equal(0, target.Scalar("SELECT count(*) FROM parcels WHERE current_values IS NULL;"));
        var p1 = (await store.GetAsync("P1"))!;
        Assert.Equal((1.2, "census"), (p1.Indicators["far"].Number, p1.Indicators["far"].Source));
        Assert.Equal(3, p1.Indicators["jobs_per_mu"].Number);
        Assert.Equal(("replay", new DateOnly(2024, 6, 30)), (p1.Vetoes["safety"].Source, p1.Vetoes["safety"].AsOf));
        var p2 = (await store.GetManyAsync(["P2", "P3"]))["P2"];
        Assert.Empty(p2.Indicators);
        Assert.Equal(3, p2.Attributes.AreaMu);
    }
}

/// <summary>The tests of <see cref="PackedValuesTests"/> on a SQLite file.</summary>
public sealed class SqlitePackedValuesTests() : PackedValuesTests(new SqliteUnderTest());

/// <summary>The tests of <see cref="PackedValuesTests"/> on PostgreSQL.</summary>
[Collection(PostgresCluster.Collection), NeedsTool(PostgresCluster.Program, PostgresCluster.Package)]
public sealed class PostgresPackedValuesTests(PostgresCluster cluster) : PackedValuesTests(new PostgresUnderTest(cluster, typeof(PostgresPackedValuesTests)));
