using Scoring.Engine.Evaluation;
using Scoring.Storage.Evaluations;
using Scoring.Storage.Paging;
using Scoring.Testing;

namespace Scoring.Storage.Tests;

public abstract class EvaluationStoreTests(StoreUnderTest target) : IDisposable
{
    private static readonly DateTimeOffset Noon = new(2025, 4, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly IEvaluationStore _store = target.Open().Evaluations;


    public void Dispose() => target.Dispose();

    private static EvaluationRecord At(string parcelId, int hour, double score = 0.5) =>
        new(parcelId, "v1", score, 3, 2, 1.0, $$"""{"hour":{{hour}}}""", Noon.AddHours(hour));

    [StoreFact]
    public async Task Evaluation_reads_back_as_appended()
    {
        var record = new EvaluationRecord("P1", "2025-04-01.1", 0.6123, 2, 1, 0.87, """{"indicators":{"far":1.2}}""",
            new DateTimeOffset(2025, 4, 1, 20, 30, 15, TimeSpan.FromHours(8)).AddTicks(1234567));

        var appended = await _store.AppendAsync([record]);
        var page = await _store.ListAsync("P1", 10, null);

        Assert.Equal(1, appended);
        var stored = Assert.Single(page.Evaluations);
        // Same instant, as far as the store keeps it; DateTimeOffset equality compares UTC.
        Assert.Equal(record with { EvaluatedAt = target.Kept(record.EvaluatedAt) }, stored.Evaluation);
        Assert.Equal(TimeSpan.Zero, stored.Evaluation.EvaluatedAt.Offset);
        Assert.Null(page.NextPageToken);
    }

    [StoreFact]
    public async Task Inputs_read_back_as_the_text_appended_whatever_their_numbers_escapes_and_characters()
    {
        // Numbers as the shortest round-trip text writes them, escaped and unescaped CJK, an escaped quote, nulls,
        // arrays; and text that is not JSON at all, kept as it came.
        string[] inputs =
        [
            """{"score":0.30000000000000004,"tiny":1E-07,"big":12345678901234567890,"neg":-0.0,"street":"\u4E1C\u5C71\u8857\u9053"}""",
            """{"street":"东山街道","note":"a \"quoted\" word\n","flags":[true,false,null],"nested":{"a":{"value":1,"origin":"inline"}}}""",
            """{}""",
            """not JSON {""",
        ];

        await _store.AppendAsync(inputs.Select((json, i) => new EvaluationRecord($"J{i}", "v1", 0.5, 1, 1, 1, json, Noon)).ToList());

        for (var i = 0; i < inputs.Length; i++)
            Assert.Equal(inputs[i], Assert.Single((await _store.ListAsync($"J{i}", 10, null)).Evaluations).Evaluation.InputsJson);
    }

    [StoreFact]
    public async Task Evaluation_without_a_time_is_stamped_by_the_clock()
    {
        await _store.AppendAsync([At("P1", 0) with { EvaluatedAt = default }]);

        var stored = Assert.Single((await _store.ListAsync("P1", 10, null)).Evaluations);

        Assert.Equal(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero), stored.Evaluation.EvaluatedAt);
    }

    [StoreFact]
    public async Task History_lists_newest_first_in_pages_and_only_for_the_parcel()
    {
        // Appended out of time order, with another parcel's evaluations in between.
        await _store.AppendAsync([At("P1", 3), At("P1", 1), At("P2", 9), At("P1", 7), At("P1", 5)]);
        await _store.AppendAsync([At("P1", 2), At("P1", 6), At("P2", 8), At("P1", 4)]);

        var hours = new List<int>();
        var pages = 0;
        string? token = null;
        do
        {
            var page = await _store.ListAsync("P1", 3, token);
            hours.AddRange(page.Evaluations.Select(e => (int)(e.Evaluation.EvaluatedAt - Noon).TotalHours));
            Assert.All(page.Evaluations, e => Assert.Equal("P1", e.Evaluation.ParcelId));
            token = page.NextPageToken;
            pages++;
        } while (token is not null);

        Assert.Equal([7, 6, 5, 4, 3, 2, 1], hours);
        Assert.Equal(3, pages); // 3 + 3 + 1
    }

    [StoreFact]
    public async Task Evaluations_at_the_same_time_list_the_later_appended_first()
    {
        await _store.AppendAsync([At("P1", 1, score: 0.1)]);
        await _store.AppendAsync([At("P1", 1, score: 0.2)]);
        await _store.AppendAsync([At("P1", 1, score: 0.3)]);

        var first = await _store.ListAsync("P1", 2, null);
        var second = await _store.ListAsync("P1", 2, first.NextPageToken);

        Assert.Equal([0.3, 0.2], first.Evaluations.Select(e => e.Evaluation.Score));
        Assert.Equal([0.1], second.Evaluations.Select(e => e.Evaluation.Score));
        Assert.True(first.Evaluations[0].Id > first.Evaluations[1].Id);
    }

    [StoreFact]
    public async Task Page_token_of_another_parcel_is_refused()
    {
        await _store.AppendAsync([At("P1", 1), At("P1", 2)]);
        var first = await _store.ListAsync("P1", 1, null);

        var refused = await Assert.ThrowsAsync<InvalidPageTokenException>(() => _store.ListAsync("P2", 1, first.NextPageToken));

        Assert.Equal("pageToken", refused.ParamName);
    }

    [StoreFact]
    public async Task Unknown_parcel_has_an_empty_history()
    {
        var page = await _store.ListAsync("nobody", 0, null);

        Assert.Empty(page.Evaluations);
        Assert.Null(page.NextPageToken);
    }

    private static EvaluationRecord Verdict(string parcelId, string version, double score, Classification classification,
        Disposition disposition, int? level, double? areaMu, string? unitId, string? street) =>
        new(parcelId, version, score, (int)classification, (int)disposition, 1.0, "{}", Noon)
        {
            Level = level, AreaMu = areaMu, UnitId = unitId, Street = street,
        };

    private static void AssertGroup(EvaluationGroup group, string key, int parcels, double areaMu, double meanScore,
        int inefficient, double inefficientAreaMu, int[] classifications, int[] dispositions)
    {
        Assert.Equal(key, group.Key);
        Assert.Equal(parcels, group.ParcelCount);
        Assert.Equal(areaMu, group.AreaMu, 9);
        Assert.Equal(meanScore, group.MeanScore, 9);
        Assert.Equal(inefficient, group.InefficientCount);
        Assert.Equal(inefficientAreaMu, group.InefficientAreaMu, 9);
        Assert.Equal(classifications, group.ClassificationCounts);
        Assert.Equal(dispositions, group.DispositionCounts);
    }

    [StoreFact]
    public async Task Summary_rolls_up_the_latest_evaluation_of_each_parcel_by_level_unit_and_street()
    {
        await _store.AppendAsync([
            // A's first evaluation is replaced by its second: only the latest under a version counts.
            Verdict("A", "v1", 0.2, Classification.InefficientScore, Disposition.IdentifiedInefficient, 1, 100, "U1", "S1"),
            Verdict("B", "v1", 0.4, Classification.InefficientVeto, Disposition.IdentifiedInefficient, 1, 50, "U1", "S1"),
            Verdict("C", "v1", 0.3, Classification.InefficientScore, Disposition.EcologicalClearance, 2, 30, "U2", "S2"),
            Verdict("D", "v1", 0.6, Classification.Review, Disposition.Retained, null, null, null, "S2"),
            Verdict("E", "v2", 0.1, Classification.InefficientVeto, Disposition.IdentifiedInefficient, 1, 999, "U1", "S1"),
        ]);
        await _store.AppendAsync([Verdict("A", "v1", 0.8, Classification.Efficient, Disposition.Retained, 1, 100, "U1", "S1")]);

        var summary = await _store.SummarizeAsync("v1");

        // Counts are indexed by the enum number (index 0 unused): Efficient 1, Review 2, InefficientScore 3,
        // InefficientVeto 4, InsufficientData 5; Retained 1, IdentifiedInefficient 2, LocallyReported 3,
        // EcologicalClearance 4, RedevelopmentUnderway 5.
        // Total: area 100 + 50 + 30 = 180 (D has none); mean (100·0.8 + 50·0.4 + 30·0.3) / 180 = 109 / 180;
        // inefficient B and C, 50 + 30 = 80 亩.
        AssertGroup(summary.Total, "", 4, 180, 109.0 / 180, 2, 80, [0, 1, 1, 1, 1, 0], [0, 2, 1, 0, 1, 0]);

        // By level: D's is not known (""), then "1" (A, B) and "2" (C). D's group has no area: plain mean 0.6.
        Assert.Equal(3, summary.ByLevel.Count);
        AssertGroup(summary.ByLevel[0], "", 1, 0, 0.6, 0, 0, [0, 0, 1, 0, 0, 0], [0, 1, 0, 0, 0, 0]);
        AssertGroup(summary.ByLevel[1], "1", 2, 150, 100.0 / 150, 1, 50, [0, 1, 0, 0, 1, 0], [0, 1, 1, 0, 0, 0]);
        AssertGroup(summary.ByLevel[2], "2", 1, 30, 0.3, 1, 30, [0, 0, 0, 1, 0, 0], [0, 0, 0, 0, 1, 0]);

        Assert.Equal(["", "U1", "U2"], summary.ByUnit.Select(g => g.Key));
        AssertGroup(summary.ByUnit[1], "U1", 2, 150, 100.0 / 150, 1, 50, [0, 1, 0, 0, 1, 0], [0, 1, 1, 0, 0, 0]);

        // S2: C and D; D has no area, so the area-weighted mean is C's 0.3 alone.
        Assert.Equal(["S1", "S2"], summary.ByStreet.Select(g => g.Key));
        AssertGroup(summary.ByStreet[1], "S2", 2, 30, 0.3, 1, 30, [0, 0, 1, 1, 0, 0], [0, 1, 0, 0, 1, 0]);
    }

    [StoreFact]
    public async Task Contested_verdict_and_its_probability_read_back_as_appended_and_stay_unknown_without_robustness()
    {
        await _store.AppendAsync([
            At("P1", 1) with { Contested = true, PBelowThreshold = 0.4375 },
            At("P1", 2) with { Contested = false, PBelowThreshold = 0.0 },
            At("P1", 3),
        ]);

        var kept = (await _store.ListAsync("P1", 10, null)).Evaluations.Select(e => (e.Evaluation.Contested, e.Evaluation.PBelowThreshold));

        // Newest first.
        Assert.Equal([((bool?)null, (double?)null), (false, 0.0), (true, 0.4375)], kept);
    }

    [StoreFact]
    public async Task A_probability_that_is_not_a_number_is_refused_and_nothing_of_the_batch_is_kept()
    {
        var refused = await Assert.ThrowsAsync<ArgumentException>(() =>
            _store.AppendAsync([At("P1", 1) with { Contested = false, PBelowThreshold = 0.0 }, At("P1", 2) with { Contested = true, PBelowThreshold = double.NaN }]));

        Assert.Contains("evaluations[1]", refused.Message);
        Assert.Empty((await _store.ListAsync("P1", 10, null)).Evaluations);
    }

    private static void AssertContested(EvaluationGroup group, string key, int known, int contested, double contestedAreaMu)
    {
        Assert.Equal((key, known, contested), (group.Key, group.RobustnessKnownCount, group.ContestedCount));
        Assert.Equal(contestedAreaMu, group.ContestedAreaMu, 9);
    }

    [StoreFact]
    public async Task Summary_counts_the_contested_verdicts_and_their_area_among_the_latest_evaluations()
    {
        static EvaluationRecord Assessed(string id, string version, int level, double area, string unit, string street, bool? contested) =>
            Verdict(id, version, 0.6, Classification.Review, Disposition.Retained, level, area, unit, street) with
            {
                Contested = contested, PBelowThreshold = contested is null ? null : contested.Value ? 0.5 : 0.0,
            };
        await _store.AppendAsync([
            // A was contested, then re-evaluated stable: only its latest evaluation counts.
            Assessed("A", "v1", 1, 100, "U1", "S1", true),
            Assessed("B", "v1", 1, 50, "U1", "S1", true),
            Assessed("C", "v1", 2, 30, "U2", "S2", true),
            // D was evaluated without robustness: neither contested nor stable, and not known.
            Assessed("D", "v1", 2, 20, "U2", "S1", null),
            // Another version's evaluation is left out.
            Assessed("E", "v2", 1, 999, "U1", "S1", true),
        ]);
        await _store.AppendAsync([Assessed("A", "v1", 1, 100, "U1", "S1", false)]);

        var summary = await _store.SummarizeAsync("v1");

        // Known: A, B, C; contested: B (50 亩) and C (30 亩).
        AssertContested(summary.Total, "", 3, 2, 80);
        AssertContested(summary.ByLevel[0], "1", 2, 1, 50);
        AssertContested(summary.ByLevel[1], "2", 1, 1, 30);
        AssertContested(summary.ByUnit[0], "U1", 2, 1, 50);
        AssertContested(summary.ByUnit[1], "U2", 1, 1, 30);
        // S1: A, B and D; S2: C.
        AssertContested(summary.ByStreet[0], "S1", 2, 1, 50);
        AssertContested(summary.ByStreet[1], "S2", 1, 1, 30);
    }

    [StoreFact]
    public async Task Summary_of_evaluations_without_robustness_knows_no_verdict_as_contested_or_stable()
    {
        await _store.AppendAsync([
            Verdict("A", "v1", 0.59, Classification.InefficientScore, Disposition.IdentifiedInefficient, 1, 100, "U1", "S1"),
            Verdict("B", "v1", 0.61, Classification.Review, Disposition.Retained, 2, 40, "U2", "S2"),
        ]);

        var summary = await _store.SummarizeAsync("v1");

        AssertContested(summary.Total, "", 0, 0, 0);
        Assert.All(summary.ByLevel.Concat(summary.ByUnit).Concat(summary.ByStreet), g => Assert.Equal((0, 0, 0.0), (g.RobustnessKnownCount, g.ContestedCount, g.ContestedAreaMu)));
    }

    [StoreFact]
    public async Task Summary_of_a_version_without_evaluations_is_an_empty_total_and_no_groups()
    {
        await _store.AppendAsync([Verdict("A", "v1", 0.8, Classification.Efficient, Disposition.Retained, 1, 100, "U1", "S1")]);

        var summary = await _store.SummarizeAsync("v9");

        AssertGroup(summary.Total, "", 0, 0, 0, 0, 0, [0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]);
        AssertContested(summary.Total, "", 0, 0, 0);
        Assert.Empty(summary.ByLevel);
        Assert.Empty(summary.ByUnit);
        Assert.Empty(summary.ByStreet);
    }
}

/// <summary>The tests of <see cref="EvaluationStoreTests"/> on a SQLite file.</summary>
public sealed class SqliteEvaluationStoreTests() : EvaluationStoreTests(new SqliteUnderTest());

/// <summary>The tests of <see cref="EvaluationStoreTests"/> on PostgreSQL.</summary>
[Collection(PostgresCluster.Collection), NeedsTool(PostgresCluster.Program, PostgresCluster.Package)]
public sealed class PostgresEvaluationStoreTests(PostgresCluster cluster) : EvaluationStoreTests(new PostgresUnderTest(cluster, typeof(PostgresEvaluationStoreTests)));
