using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using static Scoring.Engine.Tests.TestParcels;

namespace Scoring.Engine.Tests;

public class ClassificationTests
{
    // Default model: threshold 0.6, review band 0.05 (so REVIEW is [0.6, 0.65)), min_completeness 0.7.
    private static Classification Classify(double score, double completeness = 1, bool failed = false, bool unknown = false) =>
        Evaluator.Classify(DefaultModel.Model, score, completeness, failed, unknown);

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.65)]
    [InlineData(0.3)]
    public void Failing_a_veto_is_inefficient_whatever_the_score(double score) =>
        Assert.Equal(Classification.InefficientVeto, Classify(score, failed: true));

    [Fact]
    public void Failed_veto_comes_before_insufficient_data_and_unknown_vetoes() =>
        Assert.Equal(Classification.InefficientVeto, Classify(0.9, completeness: 0.2, failed: true, unknown: true));

    [Theory]
    [InlineData(0.69)]
    [InlineData(0.6999)]
    [InlineData(0.7 - 1e-6)]
    [InlineData(0)]
    public void Completeness_below_the_minimum_is_insufficient_data_even_with_a_high_score(double completeness) =>
        Assert.Equal(Classification.InsufficientData, Classify(0.95, completeness));

    [Theory]
    [InlineData(0.7)]
    [InlineData(0.7001)]
    [InlineData(1)]
    public void Completeness_at_or_above_the_minimum_is_enough(double completeness) =>
        Assert.Equal(Classification.Efficient, Classify(0.95, completeness));

    [Fact]
    public void Insufficient_data_comes_before_a_low_score_and_unknown_vetoes() =>
        Assert.Equal(Classification.InsufficientData, Classify(0.2, completeness: 0.5, unknown: true));

    [Theory]
    [InlineData(0.5999)]
    [InlineData(0.6 - 1e-6)]
    [InlineData(0.3)]
    [InlineData(0)]
    public void Score_below_the_threshold_is_inefficient(double score) =>
        Assert.Equal(Classification.InefficientScore, Classify(score));

    [Fact]
    public void Low_score_comes_before_an_unknown_veto() =>
        Assert.Equal(Classification.InefficientScore, Classify(0.55, unknown: true));

    [Theory]
    [InlineData(0.6)]       // lower edge, included
    [InlineData(0.62)]
    [InlineData(0.6499)]    // just inside the upper edge
    [InlineData(0.65 - 1e-6)]
    public void Score_in_the_review_band_needs_review(double score) =>
        Assert.Equal(Classification.Review, Classify(score));

    [Theory]
    [InlineData(0.65)]      // upper edge of the band, excluded from it
    [InlineData(0.6501)]
    [InlineData(1)]
    public void Score_at_or_above_the_band_is_efficient(double score) =>
        Assert.Equal(Classification.Efficient, Classify(score));

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.65)]
    [InlineData(0.6)]
    public void Unknown_veto_answer_makes_the_parcel_at_best_review(double score) =>
        Assert.Equal(Classification.Review, Classify(score, unknown: true));

    [Fact]
    public void Classification_follows_the_models_threshold_and_band()
    {
        // threshold 0.5, band 0.1: REVIEW is [0.5, 0.6).
        var model = ModelCompiler.Compile(DocumentEdits.Default with { Threshold = 0.5, ReviewBand = 0.1, MinCompleteness = 0.9 });
        Assert.Equal(Classification.InefficientScore, Evaluator.Classify(model, 0.49, 1, false, false));
        Assert.Equal(Classification.Review, Evaluator.Classify(model, 0.5, 1, false, false));
        Assert.Equal(Classification.Review, Evaluator.Classify(model, 0.59, 1, false, false));
        Assert.Equal(Classification.Efficient, Evaluator.Classify(model, 0.6, 1, false, false));
        Assert.Equal(Classification.InsufficientData, Evaluator.Classify(model, 0.8, 0.89, false, false));
    }
}

public class EndToEndClassificationTests
{
    [Fact]
    public void Parcel_failing_one_veto_is_inefficient_whatever_its_score()
    {
        var vetoes = DefaultModelCodes.AllVetoesMet();
        vetoes["safety"] = false;
        var r = Evaluate(Facts(AtBest, BestCategories, vetoes));

        Assert.Equal(1, r.Score, Tolerance);   // still computed and shown
        Assert.Equal(Classification.InefficientVeto, r.Classification);
        Assert.Equal(Disposition.IdentifiedInefficient, r.Disposition);
        Assert.Equal(new[] { "safety" }, r.FailedVetoes);
        Assert.Empty(r.UnknownVetoes);
    }

    [Fact]
    public void Failed_and_unknown_vetoes_are_listed_in_model_order()
    {
        var vetoes = DefaultModelCodes.AllVetoesMet();
        vetoes["construction"] = false;
        vetoes["land_use_plan"] = false;
        vetoes.Remove("nimby");
        vetoes.Remove("legal_land_certificate");
        var r = Evaluate(Facts(AtBest, BestCategories, vetoes));

        Assert.Equal(new[] { "land_use_plan", "construction" }, r.FailedVetoes);
        Assert.Equal(new[] { "legal_land_certificate", "nimby" }, r.UnknownVetoes);
        Assert.Equal(Classification.InefficientVeto, r.Classification);
    }

    [Fact]
    public void Parcel_with_an_unanswered_veto_is_reviewed_even_with_a_perfect_score()
    {
        var vetoes = DefaultModelCodes.AllVetoesMet();
        vetoes.Remove("environmental");
        var r = Evaluate(Facts(AtBest, BestCategories, vetoes));

        Assert.Equal(1, r.Score, Tolerance);
        Assert.Equal(Classification.Review, r.Classification);
        Assert.Equal(Disposition.Retained, r.Disposition);
        Assert.Equal(new[] { "environmental" }, r.UnknownVetoes);
    }

    [Fact]
    public void Parcel_with_no_veto_answers_has_all_eight_unknown()
    {
        var r = Evaluate(Facts(AtBest, BestCategories, new Dictionary<string, bool>()));
        Assert.Equal(DefaultModelCodes.Vetoes, r.UnknownVetoes);
        Assert.Equal(Classification.Review, r.Classification);
    }

    [Fact]
    public void Parcel_just_below_the_minimum_is_inefficient_by_score()
    {
        // Minimum parcel with far 0.9 → 0.6 × 0.9 = 0.54: score = 0.6 − 0.11 × 0.06 = 0.6 − 0.0066 = 0.5934.
        var r = Evaluate(Facts(AtMinimum.With(("far", 0.9)), MinimumCategories));
        Assert.Equal(0.5934, r.Score, Tolerance);
        Assert.Equal(Classification.InefficientScore, r.Classification);
        Assert.Equal(Disposition.IdentifiedInefficient, r.Disposition);
    }

    [Fact]
    public void Parcel_inside_the_review_band_is_reviewed()
    {
        // Minimum parcel with far 1.5 → 1: score = 0.6 + 0.11 × 0.4 = 0.644 < 0.65.
        var r = Evaluate(Facts(AtMinimum.With(("far", 1.5)), MinimumCategories));
        Assert.Equal(0.644, r.Score, Tolerance);
        Assert.Equal(Classification.Review, r.Classification);
        Assert.Equal(Disposition.Retained, r.Disposition);
    }

    [Fact]
    public void Parcel_exactly_at_the_top_of_the_review_band_is_efficient()
    {
        // Minimum parcel with far 1.5 → 1 (+0.11 × 0.4 = 0.044) and green_ratio 15 → 1
        // (+0.25 × 0.06 × 0.4 = 0.006): score = 0.6 + 0.044 + 0.006 = 0.65.
        var r = Evaluate(Facts(AtMinimum.With(("far", 1.5), ("green_ratio", 15)), MinimumCategories));
        Assert.Equal(0.65, r.Score, Tolerance);
        Assert.Equal(Classification.Efficient, r.Classification);
    }

    [Fact]
    public void Failed_veto_beats_insufficient_data()
    {
        // Land and population missing plus solid_waste: completeness 0.6934 < 0.7, but a veto fails.
        var vetoes = DefaultModelCodes.AllVetoesMet();
        vetoes["spatial_plan"] = false;
        var values = AtBest.Without([.. IndicatorsOf("land"), .. IndicatorsOf("population"), "solid_waste"]);
        var r = Evaluate(Facts(values, BestCategories, vetoes));
        Assert.Equal(0.6934, r.Completeness, Tolerance);
        Assert.Equal(Classification.InefficientVeto, r.Classification);
    }
}
