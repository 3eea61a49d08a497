using Scoring.Engine.Evaluation;
using static Scoring.Engine.Tests.TestParcels;

namespace Scoring.Engine.Tests;

public class DispositionTests
{
    private static Disposition Dispose(Classification classification, bool underway, bool redLine, bool reported) =>
        Evaluator.Dispose(classification, new ParcelVector(DefaultModel.Model, "320115-0001")
        {
            RedevelopmentUnderway = underway,
            InEcologicalRedLine = redLine,
            LocallyReported = reported,
        });

    [Theory]
    // Redevelopment under way wins over everything.
    [InlineData(Classification.Efficient, true, true, true, Disposition.RedevelopmentUnderway)]
    [InlineData(Classification.InefficientVeto, true, true, true, Disposition.RedevelopmentUnderway)]
    [InlineData(Classification.Efficient, true, false, false, Disposition.RedevelopmentUnderway)]
    [InlineData(Classification.InefficientScore, true, false, true, Disposition.RedevelopmentUnderway)]
    // Then the ecological red line.
    [InlineData(Classification.Efficient, false, true, true, Disposition.EcologicalClearance)]
    [InlineData(Classification.InefficientScore, false, true, true, Disposition.EcologicalClearance)]
    [InlineData(Classification.Review, false, true, false, Disposition.EcologicalClearance)]
    // Then a local report.
    [InlineData(Classification.Efficient, false, false, true, Disposition.LocallyReported)]
    [InlineData(Classification.InefficientVeto, false, false, true, Disposition.LocallyReported)]
    [InlineData(Classification.InsufficientData, false, false, true, Disposition.LocallyReported)]
    // Then the inefficient classifications.
    [InlineData(Classification.InefficientVeto, false, false, false, Disposition.IdentifiedInefficient)]
    [InlineData(Classification.InefficientScore, false, false, false, Disposition.IdentifiedInefficient)]
    // Otherwise retained.
    [InlineData(Classification.Efficient, false, false, false, Disposition.Retained)]
    [InlineData(Classification.Review, false, false, false, Disposition.Retained)]
    [InlineData(Classification.InsufficientData, false, false, false, Disposition.Retained)]
    public void Disposition_is_the_first_rule_that_matches(Classification classification, bool underway, bool redLine,
        bool reported, Disposition expected) =>
        Assert.Equal(expected, Dispose(classification, underway, redLine, reported));

    [Fact]
    public void Parcel_inside_the_red_line_and_reported_is_cleared_ecologically()
    {
        // An efficient parcel (score 1) inside the red line and reported by its street.
        var r = Evaluate(Facts(AtBest, BestCategories) with { InEcologicalRedLine = true, LocallyReported = true });
        Assert.Equal(Classification.Efficient, r.Classification);
        Assert.Equal(Disposition.EcologicalClearance, r.Disposition);
    }

    [Fact]
    public void Parcel_with_redevelopment_under_way_is_shown_as_such_whatever_else_holds()
    {
        var vetoes = DefaultModelCodes.AllVetoesMet();
        vetoes["nimby"] = false;
        var r = Evaluate(Facts(AtBest, BestCategories, vetoes) with
        {
            RedevelopmentUnderway = true, InEcologicalRedLine = true, LocallyReported = true,
        });
        Assert.Equal(Classification.InefficientVeto, r.Classification);
        Assert.Equal(Disposition.RedevelopmentUnderway, r.Disposition);
    }

    [Fact]
    public void Locally_reported_efficient_parcel_is_still_to_redevelop()
    {
        var r = Evaluate(Facts(AtBest, BestCategories) with { LocallyReported = true });
        Assert.Equal(Classification.Efficient, r.Classification);
        Assert.Equal(Disposition.LocallyReported, r.Disposition);
    }

    [Fact]
    public void Low_scoring_parcel_with_no_flags_is_identified_inefficient()
    {
        // Minimum parcel with far 0.9: score 0.5934 (see the classification tests).
        var r = Evaluate(Facts(AtMinimum.With(("far", 0.9)), MinimumCategories) with
        {
            RedevelopmentUnderway = false, InEcologicalRedLine = false, LocallyReported = false,
        });
        Assert.Equal(Disposition.IdentifiedInefficient, r.Disposition);
    }

    [Fact]
    public void Unanswered_flags_count_as_no()
    {
        // Flags left null: a review-band parcel is retained.
        var r = Evaluate(Facts(AtMinimum, MinimumCategories));
        Assert.Equal(Classification.Review, r.Classification);
        Assert.Equal(Disposition.Retained, r.Disposition);
    }
}
