using Scoring.Engine.Evaluation;
using Scoring.Storage.Evaluations;
using Scoring.Storage.Paging;
using Scoring.Testing;

namespace Scoring.Storage.Tests;

/// <summary>
/// The district's lists (ListEvaluations with filters): a small history worked by hand, each listing's expected
/// rows counted from the table below.
/// </summary>
public abstract class EvaluationListTests(StoreUnderTest target) : IDisposable
{
    private static readonly DateTimeOffset Day1 = new(2025, 4, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Day2 = Day1.AddDays(1);
    private const int Ineff = (int)Classification.InefficientScore, Veto = (int)Classification.InefficientVeto, Eff = (int)Classification.Efficient;
    private const int Identified = (int)Disposition.IdentifiedInefficient, Retained = (int)Disposition.Retained;

    private readonly IEvaluationStore _store = target.Open().Evaluations;


    public void Dispose() => target.Dispose();

    // parcel  when  version  score  class       street  level  zone
    // A       day1  v1       0.50   INEFF       S1      1      -
    // A       day2  v1       0.70   EFFICIENT   S1      1      -      (A's latest)
    // B       day1  v1       0.40   INEFF       S1      1      must (1)
    // C       day1  v1       0.55   INEFF       S2      2      -      (C's latest under v1)
    // C       day2  v2       0.65   EFFICIENT   S2      2      -      (C's latest)
    // D       day1  v2       0.30   VETO        S1      3      -
    private async Task SeedAsync() => await _store.AppendAsync(
    [
        Row("A", Day1, "v1", 0.50, Ineff, "S1", 1),
        Row("B", Day1, "v1", 0.40, Ineff, "S1", 1) with { ClearanceZone = 1, TopShortfalls = ["far", "tax_per_mu"] },
        Row("C", Day1, "v1", 0.55, Ineff, "S2", 2),
        Row("D", Day1, "v2", 0.30, Veto, "S1", 3) with { FailedVetoes = ["safety"], RedevelopmentModes = [7, 8] },
        Row("A", Day2, "v1", 0.70, Eff, "S1", 1),
        Row("C", Day2, "v2", 0.65, Eff, "S2", 2),
    ]);

    private static EvaluationRecord Row(string id, DateTimeOffset when, string version, double score, int classification, string street, int level) =>
        new(id, version, score, classification, classification == Eff ? Retained : Identified, 1.0, "{}", when) { Street = street, Level = level, AreaMu = 10 };

    private async Task<List<string>> ListAll(EvaluationFilter filter, int pageSize = 100)
    {
        var rows = new List<string>();
        string? token = null;
        do
        {
            var page = await _store.ListAsync(filter, pageSize, token);
            rows.AddRange(page.Evaluations.Select(e => $"{e.Evaluation.ParcelId}@{e.Evaluation.EvaluatedAt.Day}"));
            token = page.NextPageToken;
        } while (token is not null);
        return rows;
    }

    [StoreFact]
    public async Task Latest_only_lists_a_parcel_by_its_latest_evaluation_not_an_older_one()
    {
        await SeedAsync();

        // Latest: A efficient, B inefficient, C efficient (v2), D veto: only B is inefficient by score now.
        Assert.Equal(["B@1"], await ListAll(new EvaluationFilter { Classification = Ineff, LatestOnly = true }));
        // Every evaluation ever classified so: A and C's first ones too, in parcel order.
        Assert.Equal(["A@1", "B@1", "C@1"], await ListAll(new EvaluationFilter { Classification = Ineff }));
    }

    [StoreFact]
    public async Task Latest_under_a_model_version_is_taken_before_the_other_filters()
    {
        await SeedAsync();

        // Under v1, C's latest is its day-1 evaluation (its day-2 one is v2); A's latest under v1 is efficient.
        Assert.Equal(["B@1", "C@1"], await ListAll(new EvaluationFilter { ModelVersion = "v1", Classification = Ineff, LatestOnly = true }));
        Assert.Equal(["C@2", "D@1"], await ListAll(new EvaluationFilter { ModelVersion = "v2", LatestOnly = true }));
    }

    [StoreFact]
    public async Task Street_level_zone_and_disposition_filter_and_score_order_is_lowest_first()
    {
        await SeedAsync();

        Assert.Equal(["D@1", "B@1", "A@2"], await ListAll(new EvaluationFilter { Street = "S1", LatestOnly = true, Order = EvaluationOrder.Score }));
        Assert.Equal(["D@1"], await ListAll(new EvaluationFilter { Level = 3 }));
        Assert.Equal(["B@1"], await ListAll(new EvaluationFilter { ClearanceZone = 1 }));
        Assert.Equal(["A@2", "C@2"], await ListAll(new EvaluationFilter { Disposition = Retained, LatestOnly = true }));
        Assert.Equal(["C@1", "C@2"], await ListAll(new EvaluationFilter { Street = "S2", Order = EvaluationOrder.Score }));
        Assert.Empty(await ListAll(new EvaluationFilter { Street = "S3" }));
    }

    [StoreFact]
    public async Task Pages_of_one_row_walk_every_order_without_loss_or_repeat()
    {
        await SeedAsync();

        Assert.Equal(["A@2", "A@1", "B@1", "C@2", "C@1", "D@1"], await ListAll(new EvaluationFilter(), pageSize: 1));
        Assert.Equal(["D@1", "B@1", "A@1", "C@1", "C@2", "A@2"], await ListAll(new EvaluationFilter { Order = EvaluationOrder.Score }, pageSize: 1));
        // Newest first; at the same time, the later appended first.
        Assert.Equal(["C@2", "A@2", "D@1", "C@1", "B@1", "A@1"], await ListAll(new EvaluationFilter { Order = EvaluationOrder.EvaluateTime }, pageSize: 2));
    }

    [StoreFact]
    public async Task A_page_token_does_not_continue_a_list_with_other_filters()
    {
        await SeedAsync();
        var first = await _store.ListAsync(new EvaluationFilter { Street = "S1" }, 1, null);

        var e = await Assert.ThrowsAsync<InvalidPageTokenException>(() => _store.ListAsync(new EvaluationFilter { Street = "S2" }, 1, first.NextPageToken));

        Assert.Contains("another filter", e.Reason);
    }

    [StoreFact]
    public async Task Reasons_tier_and_modes_read_back_as_recorded()
    {
        await SeedAsync();

        var b = Assert.Single((await _store.ListAsync(new EvaluationFilter { ParcelId = "B" }, 10, null)).Evaluations).Evaluation;
        var d = Assert.Single((await _store.ListAsync(new EvaluationFilter { ParcelId = "D" }, 10, null)).Evaluations).Evaluation;

        Assert.Equal((1, "S1", 1, 10.0), (b.ClearanceZone, b.Street, b.Level, b.AreaMu));
        Assert.Equal(["far", "tax_per_mu"], b.TopShortfalls);
        Assert.Null(b.FailedVetoes);
        Assert.Equal(["safety"], d.FailedVetoes);
        Assert.Equal([7, 8], d.RedevelopmentModes);
    }
}

/// <summary>The tests of <see cref="EvaluationListTests"/> on a SQLite file.</summary>
public sealed class SqliteEvaluationListTests() : EvaluationListTests(new SqliteUnderTest());

/// <summary>The tests of <see cref="EvaluationListTests"/> on PostgreSQL.</summary>
[Collection(PostgresCluster.Collection), NeedsTool(PostgresCluster.Program, PostgresCluster.Package)]
public sealed class PostgresEvaluationListTests(PostgresCluster cluster) : EvaluationListTests(new PostgresUnderTest(cluster, typeof(PostgresEvaluationListTests)));
