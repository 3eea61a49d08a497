using Scoring.Storage.Paging;
using Scoring.Storage.Parcels;
using Scoring.Testing;

namespace Scoring.Storage.Tests;

public abstract class ParcelStoreTests(StoreUnderTest target) : IDisposable
{
    private static readonly DateOnly March = new(2024, 3, 31);
    private static readonly DateOnly June = new(2024, 6, 30);
    private static readonly DateOnly September = new(2024, 9, 30);

    private readonly IParcelStore _store = target.Open().Parcels;


    public void Dispose() => target.Dispose();

    private static ParcelWrite Far(string parcelId, double far) =>
        new(parcelId) { Indicators = new Dictionary<string, double> { ["far"] = far } };

    private Task Write(string source, DateOnly asOf, params ParcelWrite[] parcels) => _store.UpsertAsync(source, asOf, parcels);

    [StoreFact]
    public async Task Upserted_parcel_reads_back_with_attributes_values_and_provenance()
    {
        var write = new ParcelWrite("320115-001")
        {
            Name = "滨江 3 号地块",
            EnterpriseName = "南京某机械有限公司",
            Level = 1,
            AreaMu = 42.5,
            UnitId = "U-BINJIANG",
            Street = "滨江街道",
            IndustryCode = "3911",
            InsideDevelopmentBoundary = true,
            InEcologicalRedLine = false,
            RedevelopmentUnderway = false,
            LocallyReported = true,
            Geometry = """{"type":"Point","coordinates":[118.8,31.9]}""",
            Indicators = new Dictionary<string, double> { ["far"] = 1.2, ["net_profit"] = -35.5 },
            Categories = new Dictionary<string, string> { ["enterprise_type"] = "above_scale" },
            Vetoes = new Dictionary<string, bool> { ["safety"] = true, ["environmental"] = false },
        };

        var counts = await _store.UpsertAsync("planning-bureau", June, [write]);
        var parcel = await _store.GetAsync("320115-001");

        Assert.Equal(new UpsertCounts(1, 5), counts);
        Assert.NotNull(parcel);
        var received = new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);
        Assert.Equal(new ParcelAttributes("320115-001", "滨江 3 号地块", "南京某机械有限公司", 1, 42.5, "U-BINJIANG", "滨江街道", "3911",
            true, false, false, true, """{"type":"Point","coordinates":[118.8,31.9]}""", received, received), parcel.Attributes);
        Assert.Equal(2, parcel.Indicators.Count);
        Assert.Equal(new CachedValue("far", 1.2, null, null, "planning-bureau", June, received), parcel.Indicators["far"]);
        Assert.Equal(new CachedValue("net_profit", -35.5, null, null, "planning-bureau", June, received), parcel.Indicators["net_profit"]);
        Assert.Equal(new CachedValue("enterprise_type", null, "above_scale", null, "planning-bureau", June, received),
            Assert.Single(parcel.Categories).Value);
        Assert.Equal(2, parcel.Vetoes.Count);
        Assert.Equal(true, parcel.Vetoes["safety"].Veto);
        Assert.Equal(false, parcel.Vetoes["environmental"].Veto);
    }

    [StoreFact]
    public async Task Unknown_parcel_reads_as_null()
    {
        await Write("s", June, Far("P1", 1.0));

        Assert.Null(await _store.GetAsync("P2"));
    }

    [StoreFact]
    public async Task Cached_parcel_converts_to_engine_facts()
    {
        await Write("s", June, new ParcelWrite("P1")
        {
            Level = 2,
            AreaMu = 10,
            IndustryCode = "C3911",
            LocallyReported = true,
            Indicators = new Dictionary<string, double> { ["far"] = 0.9 },
            Categories = new Dictionary<string, string> { ["registration_status"] = "active" },
            Vetoes = new Dictionary<string, bool> { ["nimby"] = false },
        });

        var facts = (await _store.GetAsync("P1"))!.ToFacts();

        Assert.Equal("P1", facts.ParcelId);
        Assert.Equal(2, facts.Level);
        Assert.Equal(10, facts.AreaMu);
        Assert.Equal("C3911", facts.IndustryCode);
        Assert.True(facts.LocallyReported);
        Assert.Null(facts.InEcologicalRedLine);
        Assert.Equal(0.9, facts.Indicators["far"]);
        Assert.Equal("active", facts.Categories["registration_status"]);
        Assert.False(facts.Vetoes["nimby"]);
    }

    [StoreFact]
    public async Task Older_as_of_written_later_does_not_replace_the_newer_value()
    {
        await Write("tax-bureau", June, Far("P1", 1.2));
        target.Clock.Advance(TimeSpan.FromHours(1));
        await Write("late-feed", March, Far("P1", 0.8));

        var far = (await _store.GetAsync("P1"))!.Indicators["far"];

        Assert.Equal(1.2, far.Number);
        Assert.Equal("tax-bureau", far.Source);
        Assert.Equal(June, far.AsOf);
    }

    [StoreFact]
    public async Task Newer_as_of_replaces_the_value()
    {
        await Write("a", June, Far("P1", 1.2));
        await Write("b", September, Far("P1", 1.5));

        var far = (await _store.GetAsync("P1"))!.Indicators["far"];

        Assert.Equal(1.5, far.Number);
        Assert.Equal("b", far.Source);
        Assert.Equal(September, far.AsOf);
    }

    [StoreFact]
    public async Task On_the_same_as_of_the_later_receipt_wins()
    {
        await Write("a", June, Far("P1", 1.2));
        target.Clock.Advance(TimeSpan.FromMinutes(5));
        await Write("b", June, Far("P1", 0.7));

        var far = (await _store.GetAsync("P1"))!.Indicators["far"];

        Assert.Equal(0.7, far.Number);
        Assert.Equal("b", far.Source);
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 8, 5, 0, TimeSpan.Zero), far.ReceivedAt);
    }

    [StoreFact]
    public async Task Within_one_chunk_the_later_row_wins()
    {
        var counts = await _store.UpsertAsync("a", June, [Far("P1", 1.0), Far("P1", 1.1)]);

        Assert.Equal(new UpsertCounts(2, 2), counts);
        Assert.Equal(1.1, (await _store.GetAsync("P1"))!.Indicators["far"].Number);
    }

    [StoreFact]
    public async Task Same_receipt_time_does_not_matter_only_the_order_of_receipt()
    {
        // The clock does not move: the receipt sequence alone orders the two June values.
        await Write("a", June, Far("P1", 2.0));
        await Write("b", June, Far("P1", 3.0));

        Assert.Equal(3.0, (await _store.GetAsync("P1"))!.Indicators["far"].Number);
    }

    [StoreFact]
    public async Task Every_value_received_is_kept_newest_first_by_as_of_then_receipt()
    {
        await Write("a", March, Far("P1", 1.0));
        target.Clock.Advance(TimeSpan.FromDays(1));
        await Write("b", June, Far("P1", 2.0));
        target.Clock.Advance(TimeSpan.FromDays(1));
        await Write("c", March, Far("P1", 3.0));
        await Write("d", June, Far("P2", 9.0));

        var history = await _store.ValueHistoryAsync("P1", "far");

        // June beats March; of the two March values, c arrived after a.
        Assert.Equal([2.0, 3.0, 1.0], history.Select(v => v.Number!.Value));
        Assert.Equal(["b", "c", "a"], history.Select(v => v.Source));
        Assert.Equal([June, March, March], history.Select(v => v.AsOf));
        Assert.Equal(
            [new DateTimeOffset(2025, 3, 2, 8, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 3, 3, 8, 0, 0, TimeSpan.Zero),
             new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero)],
            history.Select(v => v.ReceivedAt));
        Assert.Equal(2.0, (await _store.GetAsync("P1"))!.Indicators["far"].Number);
        Assert.Empty(await _store.ValueHistoryAsync("P1", "jobs_per_mu"));
    }

    [StoreFact]
    public async Task Null_attributes_leave_the_cached_ones_untouched()
    {
        await Write("a", March, new ParcelWrite("P1")
        {
            Name = "old name", Level = 1, AreaMu = 30, UnitId = "U1", Street = "S1", InEcologicalRedLine = true,
            Geometry = "POINT (1 2)",
        });
        target.Clock.Advance(TimeSpan.FromHours(2));
        await Write("b", June, new ParcelWrite("P1") { Level = 3, InEcologicalRedLine = false, Street = "S2" });

        var a = (await _store.GetAsync("P1"))!.Attributes;

        Assert.Equal("old name", a.Name);
        Assert.Equal(3, a.Level);
        Assert.Equal(30, a.AreaMu);
        Assert.Equal("U1", a.UnitId);
        Assert.Equal("S2", a.Street);
        Assert.False(a.InEcologicalRedLine);
        Assert.Null(a.LocallyReported);
        Assert.Equal("POINT (1 2)", a.Geometry);
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero), a.CreatedAt);
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.Zero), a.UpdatedAt);
    }

    [StoreFact]
    public async Task Values_not_in_a_later_chunk_stay_current()
    {
        await Write("a", March, new ParcelWrite("P1")
        {
            Indicators = new Dictionary<string, double> { ["far"] = 1.0, ["jobs_per_mu"] = 4 },
        });
        await Write("b", June, new ParcelWrite("P1") { Indicators = new Dictionary<string, double> { ["far"] = 1.3 } });

        var parcel = (await _store.GetAsync("P1"))!;

        Assert.Equal(1.3, parcel.Indicators["far"].Number);
        Assert.Equal(4, parcel.Indicators["jobs_per_mu"].Number);
        Assert.Equal(March, parcel.Indicators["jobs_per_mu"].AsOf);
    }

    [StoreFact]
    public async Task A_veto_and_an_indicator_sharing_a_code_are_kept_apart()
    {
        await Write("a", June, new ParcelWrite("P1")
        {
            Indicators = new Dictionary<string, double> { ["safety"] = 7 },
            Vetoes = new Dictionary<string, bool> { ["safety"] = false },
        });

        var parcel = (await _store.GetAsync("P1"))!;

        Assert.Equal(7, parcel.Indicators["safety"].Number);
        Assert.Equal(false, parcel.Vetoes["safety"].Veto);
    }

    [StoreFact]
    public async Task Get_many_returns_exactly_the_requested_parcels_that_exist()
    {
        await _store.UpsertAsync("a", June,
            Enumerable.Range(1, 10).Select(i => Far($"P{i:D2}", i / 10.0) with { AreaMu = i }).ToList());

        var found = await _store.GetManyAsync(["P03", "P07", "P99", "P03"]);

        Assert.Equal(["P03", "P07"], found.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0.3, found["P03"].Indicators["far"].Number);
        Assert.Equal(3, found["P03"].Attributes.AreaMu);
        Assert.Equal(0.7, found["P07"].Indicators["far"].Number);
        Assert.Empty(await _store.GetManyAsync([]));
    }

    [StoreFact]
    public async Task Get_many_handles_thousands_of_ids()
    {
        await _store.UpsertAsync("a", June, Enumerable.Range(0, 5000).Select(i => Far($"P{i:D5}", i)).ToList());
        // 3500 ids: the even ones from 0 to 5998, of which the 2500 below 5000 exist, and 6000..6499, which do not.
        var ids = Enumerable.Range(0, 3000).Select(i => $"P{2 * i:D5}")
            .Concat(Enumerable.Range(6000, 500).Select(i => $"P{i:D5}")).ToList();
        var found = await _store.GetManyAsync(ids);

        Assert.Equal(2500, found.Count);
        Assert.Equal(4998, found["P04998"].Indicators["far"].Number);
        Assert.DoesNotContain("P05000", found.Keys);
    }

    [StoreFact]
    public async Task Pages_visit_every_parcel_once_in_id_order_with_and_without_filters()
    {
        // 237 parcels: unit U{i % 3}, street S{i % 2}, level 1 + i % 3.
        await _store.UpsertAsync("a", June, Enumerable.Range(0, 237).Select(i => new ParcelWrite($"P{i:D3}")
        {
            UnitId = $"U{i % 3}", Street = $"S{i % 2}", Level = 1 + i % 3,
        }).ToList());

        async Task<(List<string> Ids, int Pages)> All(ParcelFilter? filter, int pageSize)
        {
            var ids = new List<string>();
            var pages = 0;
            string? token = null;
            do
            {
                var page = await _store.ListAsync(filter, pageSize, token);
                ids.AddRange(page.Parcels.Select(p => p.ParcelId));
                pages++;
                token = page.NextPageToken;
            } while (token is not null);
            return (ids, pages);
        }

        var all = await All(null, 10);
        Assert.Equal(Enumerable.Range(0, 237).Select(i => $"P{i:D3}"), all.Ids);
        Assert.Equal(24, all.Pages); // 23 full pages and one of 7

        var unit = await All(new ParcelFilter(UnitId: "U0"), 10);
        Assert.Equal(Enumerable.Range(0, 79).Select(k => $"P{3 * k:D3}"), unit.Ids); // 0, 3, …, 234
        Assert.Equal(8, unit.Pages);

        // U1 and S1: i ≡ 1 (mod 3) and i odd, so i ≡ 1 (mod 6): 1, 7, …, 235.
        var unitStreet = await All(new ParcelFilter(UnitId: "U1", Street: "S1"), 7);
        Assert.Equal(Enumerable.Range(0, 40).Select(k => $"P{6 * k + 1:D3}"), unitStreet.Ids);

        // Level 3: i ≡ 2 (mod 3): 2, 5, …, 236.
        var level = await All(new ParcelFilter(Level: 3), 100);
        Assert.Equal(Enumerable.Range(0, 79).Select(k => $"P{3 * k + 2:D3}"), level.Ids);
        Assert.Null((await _store.ListAsync(new ParcelFilter(Level: 3), 79, null)).NextPageToken); // exactly one full page

        Assert.Empty((await _store.ListAsync(new ParcelFilter(UnitId: "none"), 10, null)).Parcels);
    }

    [StoreFact]
    public async Task Page_size_zero_means_fifty_and_large_sizes_are_cut_to_a_thousand()
    {
        await _store.UpsertAsync("a", June, Enumerable.Range(0, 1005).Select(i => new ParcelWrite($"P{i:D4}")).ToList());

        var defaultPage = await _store.ListAsync(null, 0, null);
        var big = await _store.ListAsync(null, 5000, null);
        var rest = await _store.ListAsync(null, 5000, big.NextPageToken);

        Assert.Equal(50, defaultPage.Parcels.Count);
        Assert.Equal(1000, big.Parcels.Count);
        Assert.Equal(5, rest.Parcels.Count);
        Assert.Equal("P1000", rest.Parcels[0].ParcelId);
        Assert.Null(rest.NextPageToken);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _store.ListAsync(null, -1, null));
    }

    [StoreFact]
    public async Task Page_token_is_refused_with_another_filter_or_when_made_up()
    {
        await _store.UpsertAsync("a", June, Enumerable.Range(0, 5).Select(i => new ParcelWrite($"P{i}") { UnitId = "U1" }).ToList());
        var first = await _store.ListAsync(new ParcelFilter(UnitId: "U1"), 2, null);

        var otherFilter = await Assert.ThrowsAsync<InvalidPageTokenException>(
            () => _store.ListAsync(new ParcelFilter(UnitId: "U2"), 2, first.NextPageToken));
        var madeUp = await Assert.ThrowsAsync<InvalidPageTokenException>(() => _store.ListAsync(null, 2, "not-a-token"));

        Assert.Equal("pageToken", otherFilter.ParamName);
        Assert.Equal("pageToken", madeUp.ParamName);
    }

    [StoreFact]
    public async Task Streaming_visits_every_parcel_once_in_id_order_with_its_values()
    {
        await _store.UpsertAsync("a", June, Enumerable.Range(0, 2345).Select(i => Far($"P{i:D4}", i)).ToList());
        await Write("a", June, new ParcelWrite("P0000") { Vetoes = new Dictionary<string, bool> { ["safety"] = true } });

        var seen = new List<CachedParcel>();
        var batches = new List<int>();
        await foreach (var batch in _store.StreamAllAsync(batchSize: 1000))
        {
            seen.AddRange(batch);
            batches.Add(batch.Count);
        }

        Assert.Equal([1000, 1000, 345], batches);
        Assert.Equal(Enumerable.Range(0, 2345).Select(i => $"P{i:D4}"), seen.Select(p => p.ParcelId));
        Assert.All(seen, p => Assert.Equal(int.Parse(p.ParcelId[1..]), p.Indicators["far"].Number));
        Assert.True(seen[0].Vetoes["safety"].Veto);
        Assert.Empty(seen[1].Vetoes);
    }

    [StoreFact]
    public async Task Bad_parcel_refuses_the_whole_chunk_before_writing()
    {
        var bad = await Assert.ThrowsAsync<ArgumentException>(() => _store.UpsertAsync("a", June,
            [Far("P1", 1.0), Far("P2", double.NaN)]));

        Assert.Equal("parcels", bad.ParamName);
        Assert.Contains("parcels[1]", bad.Message);
        Assert.Null(await _store.GetAsync("P1"));
        await Assert.ThrowsAsync<ArgumentException>(() => _store.UpsertAsync("a", June, [new ParcelWrite("P1") { Level = 4 }]));
    }

    [StoreFact]
    public async Task Cancelled_chunk_writes_nothing()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => _store.UpsertAsync("a", June, [Far("P1", 1.0)], cancelled.Token));

        Assert.Null(await _store.GetAsync("P1"));
    }
}

/// <summary>The tests of <see cref="ParcelStoreTests"/> on a SQLite file.</summary>
public sealed class SqliteParcelStoreTests() : ParcelStoreTests(new SqliteUnderTest());

/// <summary>The tests of <see cref="ParcelStoreTests"/> on PostgreSQL.</summary>
[Collection(PostgresCluster.Collection), NeedsTool(PostgresCluster.Program, PostgresCluster.Package)]
public sealed class PostgresParcelStoreTests(PostgresCluster cluster) : ParcelStoreTests(new PostgresUnderTest(cluster, typeof(PostgresParcelStoreTests)));
