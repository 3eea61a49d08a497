using Scoring.Engine.Model;
using static Scoring.Engine.Tests.DocumentEdits;
using static Scoring.Engine.Tests.TestParcels;

namespace Scoring.Engine.Tests;

public class IndustryFarTests
{
    private static double FarUtility(string? industryCode, double far, ScoringModel? model = null)
    {
        var facts = Facts(AtBest.With(("far", far)), BestCategories) with { IndustryCode = industryCode };
        return Evaluate(facts, model).Indicator("far").Utility;
    }

    [Theory]
    // 3911 → division 39 → minimum FAR 0.7: the curve becomes 0→0, 0.7→0.6, 1.5→1.
    [InlineData("3911", 0.7, 0.6)]
    [InlineData("3911", 1.1, 0.8)]     // 0.6 + 0.4 × (1.1 − 0.7)/(1.5 − 0.7) = 0.6 + 0.4 × 0.5
    [InlineData("3911", 0.35, 0.3)]    // 0.6 × 0.35/0.7
    [InlineData("3911", 1.0, 0.75)]    // 0.6 + 0.4 × 0.3/0.8 = 0.6 + 0.15
    [InlineData("3911", 1.5, 1)]
    [InlineData("C3911", 0.7, 0.6)]    // the section letter is skipped: C3911 → 39
    [InlineData("C3911", 1.1, 0.8)]
    [InlineData("39", 0.7, 0.6)]       // a bare division
    [InlineData("391", 1.1, 0.8)]      // a group code
    public void Industry_code_moves_the_far_minimum_to_its_division_value(string code, double far, double expected) =>
        Assert.Equal(expected, FarUtility(code, far), Tolerance);

    [Theory]
    // Default curve 0→0, 1.0→0.6, 1.5→1.
    [InlineData("1234", 0.7, 0.42)]    // division 12 is not listed: 0.6 × 0.7/1.0
    [InlineData("1234", 1.1, 0.68)]    // 0.6 + 0.4 × 0.1/0.5
    [InlineData("3811", 0.7, 0.42)]    // 38 is not listed (the 0.7 list is 34–37 and 39)
    [InlineData("0610", 1.0, 0.6)]     // 06 is not listed
    [InlineData("4411", 1.25, 0.8)]    // 44 is not listed: 0.6 + 0.4 × 0.25/0.5
    public void Division_not_listed_keeps_the_default_far_curve(string code, double far, double expected) =>
        Assert.Equal(expected, FarUtility(code, far), Tolerance);

    [Theory]
    [InlineData(0.7, 0.42)]            // 0.6 × 0.7/1.0
    [InlineData(1.1, 0.68)]            // 0.6 + 0.4 × 0.1/0.5
    public void Parcel_without_industry_code_uses_the_default_far_curve(double far, double expected) =>
        Assert.Equal(expected, FarUtility(null, far), Tolerance);

    /// <summary>Every division of domain.md with its minimum FAR.</summary>
    public static TheoryData<string, double> Divisions => new()
    {
        { "13", 1.0 }, { "14", 1.0 }, { "15", 1.0 }, { "16", 1.0 }, { "18", 1.0 }, { "19", 1.0 },
        { "24", 1.0 }, { "30", 1.0 }, { "40", 1.0 }, { "41", 1.0 }, { "42", 1.0 },
        { "17", 0.8 }, { "20", 0.8 }, { "21", 0.8 }, { "22", 0.8 }, { "23", 0.8 }, { "28", 0.8 }, { "29", 0.8 },
        { "27", 0.7 }, { "31", 0.7 }, { "34", 0.7 }, { "35", 0.7 }, { "36", 0.7 }, { "37", 0.7 }, { "39", 0.7 }, { "43", 0.7 },
        { "26", 0.6 }, { "32", 0.6 }, { "33", 0.6 },
        { "25", 0.5 },
    };

    [Theory]
    [MemberData(nameof(Divisions))]
    public void Every_listed_division_puts_its_minimum_far_at_six_tenths(string division, double minimum)
    {
        var model = DefaultModel.Model;
        var curve = model.CurveFor(model.IndicatorsByCode["far"], ParcelLevel.Park, ScoringModel.DivisionOf(division + "11"));
        // At the minimum: 0.6. Halfway from 0→0: 0.3. Halfway from the minimum to 1.5→1: 0.8.
        Assert.Equal(0.6, curve.Evaluate(minimum), Tolerance);
        Assert.Equal(0.3, curve.Evaluate(minimum / 2), Tolerance);
        Assert.Equal(0.8, curve.Evaluate((minimum + 1.5) / 2), Tolerance);
    }

    [Theory]
    [InlineData("3911", 39)]
    [InlineData("C3911", 39)]
    [InlineData("c3911", 39)]
    [InlineData("39", 39)]
    [InlineData("0610", 6)]
    [InlineData("2511", 25)]
    [InlineData("", -1)]
    [InlineData("3", -1)]
    [InlineData("C", -1)]
    public void Division_is_named_by_the_first_two_digits(string code, int expected) =>
        Assert.Equal(expected, ScoringModel.DivisionOf(code));

    [Fact]
    public void Missing_industry_code_names_no_division() => Assert.Equal(-1, ScoringModel.DivisionOf(null));
}

public class LevelOverrideTests
{
    // PARK parcels get jobs_per_mu 0→0, 5→0.6, 10→1 instead of the default 0→0, 3→0.6, 8→1.
    private static readonly ScoringModel Model = ModelCompiler.Compile(Default with
    {
        LevelOverrides =
        [
            new LevelOverrideDocument { Level = "PARK", Indicator = "jobs_per_mu", Curve = Curve(false, (0, 0), (5, 0.6), (10, 1)) },
        ],
    });

    private static double JobsUtility(ParcelLevel level, double jobs)
    {
        var facts = Facts(AtBest.With(("jobs_per_mu", jobs)), BestCategories) with { Level = (int)level };
        return Evaluate(facts, Model).Indicator("jobs_per_mu").Utility;
    }

    [Theory]
    [InlineData(5, 0.6)]       // override point
    [InlineData(7.5, 0.8)]     // 0.6 + 0.4 × 2.5/5
    [InlineData(3, 0.36)]      // 0.6 × 3/5 (the default would give 0.6)
    [InlineData(12, 1)]
    public void Park_parcel_uses_the_park_override(double jobs, double expected) =>
        Assert.Equal(expected, JobsUtility(ParcelLevel.Park, jobs), Tolerance);

    [Theory]
    [InlineData(ParcelLevel.Community, 5, 0.76)]    // default: 0.6 + 0.4 × (5 − 3)/(8 − 3)
    [InlineData(ParcelLevel.Community, 3, 0.6)]
    [InlineData(ParcelLevel.Scattered, 5, 0.76)]
    [InlineData(ParcelLevel.Unspecified, 5, 0.76)]
    public void Other_levels_keep_the_default_curve(ParcelLevel level, double jobs, double expected) =>
        Assert.Equal(expected, JobsUtility(level, jobs), Tolerance);

    [Fact]
    public void Park_override_changes_the_score_of_a_park_parcel_only()
    {
        // All indicators at 1 except jobs_per_mu = 5. Its global weight is 0.05 × 0.45 = 0.0225.
        // PARK: utility 0.6 → score 1 − 0.0225 × 0.4 = 0.991.
        // COMMUNITY: utility 0.76 → score 1 − 0.0225 × 0.24 = 0.9946.
        var values = AtBest.With(("jobs_per_mu", 5));
        var park = Evaluate(Facts(values, BestCategories) with { Level = (int)ParcelLevel.Park }, Model);
        var community = Evaluate(Facts(values, BestCategories) with { Level = (int)ParcelLevel.Community }, Model);
        Assert.Equal(0.991, park.Score, Tolerance);
        Assert.Equal(0.9946, community.Score, Tolerance);
        Assert.Equal(ParcelLevel.Park, park.Level);
        Assert.Equal(ParcelLevel.Community, community.Level);
    }

    [Fact]
    public void Industry_minimum_replaces_the_six_tenths_point_of_a_level_override_of_far()
    {
        // PARK far override 0→0, 1.2→0.6, 2→1; division 39 moves its 0.6 point to 0.7.
        var model = ModelCompiler.Compile(Default with
        {
            LevelOverrides =
            [
                new LevelOverrideDocument { Level = "PARK", Indicator = "far", Curve = Curve(false, (0, 0), (1.2, 0.6), (2, 1)) },
            ],
        });
        var far = model.IndicatorsByCode["far"];
        var division = ScoringModel.DivisionOf("3911");

        // PARK without a code: the override as written. 0.6 at 1.2; 0.6 × 0.6/1.2 = 0.3 at 0.6.
        Assert.Equal(0.6, model.CurveFor(far, ParcelLevel.Park, -1).Evaluate(1.2), Tolerance);
        Assert.Equal(0.3, model.CurveFor(far, ParcelLevel.Park, -1).Evaluate(0.6), Tolerance);
        // PARK with 3911: 0→0, 0.7→0.6, 2→1. 0.6 at 0.7; 0.6 + 0.4 × (1.35 − 0.7)/(2 − 0.7) = 0.8 at 1.35.
        Assert.Equal(0.6, model.CurveFor(far, ParcelLevel.Park, division).Evaluate(0.7), Tolerance);
        Assert.Equal(0.8, model.CurveFor(far, ParcelLevel.Park, division).Evaluate(1.35), Tolerance);
        // COMMUNITY with 3911: the default curve anchored, 0→0, 0.7→0.6, 1.5→1: 0.8 at 1.1.
        Assert.Equal(0.8, model.CurveFor(far, ParcelLevel.Community, division).Evaluate(1.1), Tolerance);
    }
}
