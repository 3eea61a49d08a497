using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using static Scoring.Engine.Tests.DocumentEdits;
using static Scoring.Engine.Tests.TestParcels;

namespace Scoring.Engine.Tests;

public class MinimumParcelTests
{
    // Every numeric indicator and enterprise_type / industry_potential at 0.6; registration_status
    // (no 0.6 category) missing; every veto met.
    private static EvaluationResult AtEveryMinimum() => Evaluate(Facts(AtMinimum, MinimumCategories));

    [Fact]
    public void Parcel_exactly_at_every_minimum_scores_six_tenths_and_is_reviewed()
    {
        var r = AtEveryMinimum();

        // Every present indicator has utility 0.6, so every element scores 0.6 whatever the
        // renormalisation, and the weighted sum of 0.6s with weights summing to 1 is 0.6.
        Assert.Equal(0.6, r.Score, Tolerance);
        // 0.6 is the threshold: not below it, but inside the review band [0.6, 0.65).
        Assert.Equal(Classification.Review, r.Classification);
        Assert.Equal(Disposition.Retained, r.Disposition);
        Assert.Empty(r.FailedVetoes);
        Assert.Empty(r.UnknownVetoes);
        // Completeness: all but registration_status, 1 − 0.16 × 0.31 = 1 − 0.0496 = 0.9504.
        Assert.Equal(0.9504, r.Completeness, Tolerance);
    }

    [Fact]
    public void Parcel_exactly_at_every_minimum_has_every_present_utility_at_six_tenths()
    {
        var r = AtEveryMinimum();
        foreach (var i in r.Indicators.Where(i => i.Code != "registration_status"))
        {
            Assert.False(i.Missing, i.Code);
            Assert.True(Math.Abs(i.Utility - 0.6) <= Tolerance, $"{i.Code}: {i.Utility}");
        }
        foreach (var e in r.Elements) Assert.Equal(0.6, e.Score, Tolerance);

        var registration = r.Indicator("registration_status");
        Assert.True(registration.Missing);
        Assert.Null(registration.Category);
        Assert.Equal("below_scale", r.Indicator("enterprise_type").Category);
        Assert.True(double.IsNaN(r.Indicator("enterprise_type").Value));
        Assert.Equal(1.0, r.Indicator("far").Value, Tolerance);
    }

    [Fact]
    public void Missing_registration_status_renormalises_the_enterprise_weights()
    {
        var r = AtEveryMinimum();
        // Enterprise keeps its element weight 0.16 (no element is missing); its present local
        // weights 0.38 + 0.23 + 0.08 = 0.69 are rescaled to sum to 1.
        Assert.Equal(0.16, r.Element("enterprise").Weight, Tolerance);
        Assert.Equal(0.16 * 0.38 / 0.69, r.Indicator("enterprise_type").Weight, Tolerance); // 0.0881159420...
        Assert.Equal(0.16 * 0.23 / 0.69, r.Indicator("patent_count").Weight, Tolerance);    // 0.0533333333...
        Assert.Equal(0.16 * 0.08 / 0.69, r.Indicator("bidding_wins").Weight, Tolerance);    // 0.0185507246...
        Assert.Equal(0, r.Indicator("registration_status").Weight, Tolerance);
        Assert.Equal(0.0496, r.Indicator("registration_status").ModelWeight, Tolerance);    // 0.16 × 0.31
        // Other elements are untouched: far 0.25 × 0.44 = 0.11.
        Assert.Equal(0.11, r.Indicator("far").Weight, Tolerance);
        Assert.Equal(1, r.Indicators.Sum(i => i.Weight), Tolerance);
    }

    [Theory]
    // registration_status (global weight 0.16 × 0.31 = 0.0496) with every other indicator at 0.6:
    // score = 0.6 + 0.0496 × (u − 0.6).
    [InlineData("active", 0.61984, Classification.Review)]                 // 0.6 + 0.0496 × 0.4
    [InlineData("relocated", 0.58512, Classification.InefficientScore)]    // 0.6 − 0.0496 × 0.3
    [InlineData("suspended", 0.58016, Classification.InefficientScore)]    // 0.6 − 0.0496 × 0.4
    [InlineData("revoked", 0.57024, Classification.InefficientScore)]      // 0.6 − 0.0496 × 0.6
    [InlineData("deregistered", 0.57024, Classification.InefficientScore)]
    public void Registration_status_moves_a_minimum_parcel_off_six_tenths(string status, double expected, Classification classification)
    {
        var r = Evaluate(Facts(AtMinimum, MinimumCategories.With(("registration_status", status))));
        Assert.Equal(expected, r.Score, Tolerance);
        Assert.Equal(1, r.Completeness, Tolerance);
        Assert.Equal(classification, r.Classification);
    }

    [Fact]
    public void Parcel_at_the_upper_building_density_shoulder_also_scores_six_tenths()
    {
        // 80 % density maps to 0.6 just as 30 % does.
        var r = Evaluate(Facts(AtMinimum.With(("building_density", 80)), MinimumCategories));
        Assert.Equal(0.6, r.Score, Tolerance);
        Assert.Equal(Classification.Review, r.Classification);
    }

    [Fact]
    public void Best_parcel_scores_one_and_is_efficient()
    {
        var r = Evaluate(Facts(AtBest, BestCategories));
        Assert.Equal(1, r.Score, Tolerance);
        Assert.Equal(1, r.Completeness, Tolerance);
        Assert.Equal(Classification.Efficient, r.Classification);
        Assert.Equal(Disposition.Retained, r.Disposition);
        Assert.Empty(r.TopShortfalls);
        Assert.Equal("320115-0001", r.ParcelId);
        Assert.Equal("1", r.ModelVersion);
        Assert.Equal(50, r.AreaMu, Tolerance);
    }
}

public class MissingDataTests
{
    // Everything at utility 1 except land: far missing, building_density 30 (0.6),
    // green_ratio 30 (0), idle_ratio 0 (1).
    private static ParcelFacts FarMissing() => Facts(
        AtBest.Without("far").With(("building_density", 30), ("green_ratio", 30), ("idle_ratio", 0)),
        BestCategories);

    [Fact]
    public void Missing_indicator_drops_out_and_its_element_is_renormalised()
    {
        var r = Evaluate(FarMissing());

        // Land's present local weights: 0.31 + 0.06 + 0.19 = 0.56.
        // Land score = (0.31 × 0.6 + 0.06 × 0 + 0.19 × 1)/0.56 = 0.376/0.56 = 47/70 = 0.671428571...
        Assert.Equal(47.0 / 70, r.Element("land").Score, Tolerance);
        Assert.Equal(0.25, r.Element("land").Weight, Tolerance);
        Assert.False(r.Element("land").Missing);
        // Score = 0.75 × 1 + 0.25 × 47/70 = 210/280 + 47/280 = 257/280 = 0.917857142...
        Assert.Equal(257.0 / 280, r.Score, Tolerance);
        // Completeness = 1 − far's global weight 0.25 × 0.44 = 0.89.
        Assert.Equal(0.89, r.Completeness, Tolerance);
        Assert.Equal(Classification.Efficient, r.Classification);
    }

    [Fact]
    public void Missing_indicator_reports_the_rescaled_global_weights()
    {
        var r = Evaluate(FarMissing());

        var far = r.Indicator("far");
        Assert.True(far.Missing);
        Assert.True(double.IsNaN(far.Value));
        Assert.Equal(0, far.Weight, Tolerance);
        Assert.Equal(0, far.Contribution, Tolerance);
        Assert.Equal(0.11, far.ModelWeight, Tolerance);    // 0.25 × 0.44, before rescaling

        // 0.25 × 0.31/0.56 = 0.0775/0.56 = 31/224
        Assert.Equal(31.0 / 224, r.Indicator("building_density").Weight, Tolerance);
        Assert.Equal(0.6 * 31 / 224, r.Indicator("building_density").Contribution, Tolerance);
        Assert.Equal(0.0775, r.Indicator("building_density").ModelWeight, Tolerance);
        // 0.25 × 0.06/0.56 = 0.015/0.56 = 3/112
        Assert.Equal(3.0 / 112, r.Indicator("green_ratio").Weight, Tolerance);
        Assert.Equal(0, r.Indicator("green_ratio").Contribution, Tolerance);
        // 0.25 × 0.19/0.56 = 0.0475/0.56 = 19/224
        Assert.Equal(19.0 / 224, r.Indicator("idle_ratio").Weight, Tolerance);
        // Other elements keep the model's weights: tax_per_mu 0.32 × 0.20 = 0.064.
        Assert.Equal(0.064, r.Indicator("tax_per_mu").Weight, Tolerance);
        // The weights still sum to 1 and the contributions to the score.
        Assert.Equal(1, r.Indicators.Sum(i => i.Weight), Tolerance);
        Assert.Equal(257.0 / 280, r.Indicators.Sum(i => i.Contribution), Tolerance);
    }

    [Fact]
    public void Missing_element_drops_out_and_the_element_weights_are_renormalised()
    {
        // Land entirely missing; economy at its minimums (0.6); everything else at 1.
        var values = AtBest
            .Without("far", "building_density", "green_ratio", "idle_ratio")
            .With(MinimumsOf("economy"));
        var r = Evaluate(Facts(values, BestCategories));

        // Present element weights: 0.05 + 0.16 + 0.11 + 0.32 + 0.11 = 0.75.
        var land = r.Element("land");
        Assert.True(land.Missing);
        Assert.Equal(0, land.Weight, Tolerance);
        Assert.Equal(0.05 / 0.75, r.Element("population").Weight, Tolerance);   // 0.0666...
        Assert.Equal(0.16 / 0.75, r.Element("enterprise").Weight, Tolerance);   // 0.2133...
        Assert.Equal(0.32 / 0.75, r.Element("economy").Weight, Tolerance);      // 0.4266...
        Assert.Equal(0.6, r.Element("economy").Score, Tolerance);
        // Score = (0.05 + 0.16 + 0.11 + 0.11) × 1/0.75 + 0.32 × 0.6/0.75 = (0.43 + 0.192)/0.75 = 0.622/0.75
        Assert.Equal(0.622 / 0.75, r.Score, Tolerance);                          // 0.829333...
        // tax_per_mu: (0.32/0.75) × 0.20 = 0.064/0.75 = 0.085333...
        Assert.Equal(0.064 / 0.75, r.Indicator("tax_per_mu").Weight, Tolerance);
        Assert.Equal(0, r.Indicator("far").Weight, Tolerance);
        Assert.Equal(1, r.Indicators.Sum(i => i.Weight), Tolerance);
        // Completeness = 1 − 0.25 = 0.75 ≥ 0.7.
        Assert.Equal(0.75, r.Completeness, Tolerance);
        Assert.Equal(Classification.Efficient, r.Classification);
    }

    [Fact]
    public void Completeness_is_the_sum_of_the_model_weights_of_the_present_indicators()
    {
        // Missing: talent_count 0.05 × 0.10 = 0.005, registration_status 0.16 × 0.31 = 0.0496,
        // solid_waste 0.11 × 0.06 = 0.0066. Completeness = 1 − 0.0612 = 0.9388.
        var r = Evaluate(Facts(AtBest.Without("talent_count", "solid_waste"), BestCategories.Without("registration_status")));
        Assert.Equal(0.9388, r.Completeness, Tolerance);
        // Every present utility is 1, so renormalisation keeps the score at 1.
        Assert.Equal(1, r.Score, Tolerance);
    }

    // Land and population missing (0.25 + 0.05 = 0.30), economy at its minimums, the rest at 1.
    private static Dictionary<string, double> LandAndPopulationMissing(params string[] alsoMissing)
    {
        var dropped = IndicatorsOf("land").Concat(IndicatorsOf("population")).Concat(alsoMissing).ToArray();
        return AtBest.Without(dropped).With(MinimumsOf("economy"));
    }

    [Fact]
    public void Completeness_exactly_at_the_minimum_is_enough()
    {
        var r = Evaluate(Facts(LandAndPopulationMissing(), BestCategories));

        // Completeness = 1 − 0.30 = 0.7 = min_completeness: not INSUFFICIENT_DATA.
        Assert.Equal(0.7, r.Completeness, Tolerance);
        // Present elements: 0.16 + 0.11 + 0.32 + 0.11 = 0.70.
        // Score = (0.16 + 0.11 + 0.11 + 0.32 × 0.6)/0.70 = (0.38 + 0.192)/0.7 = 0.572/0.7 = 0.817142857...
        Assert.Equal(0.572 / 0.7, r.Score, Tolerance);
        Assert.Equal(Classification.Efficient, r.Classification);
    }

    [Fact]
    public void Completeness_just_below_the_minimum_is_insufficient_data_with_the_score_still_shown()
    {
        // Also solid_waste missing: completeness = 0.7 − 0.11 × 0.06 = 0.7 − 0.0066 = 0.6934.
        var r = Evaluate(Facts(LandAndPopulationMissing("solid_waste"), BestCategories));

        Assert.Equal(0.6934, r.Completeness, Tolerance);
        Assert.Equal(Classification.InsufficientData, r.Classification);
        Assert.Equal(Disposition.Retained, r.Disposition);
        // Energy's remaining indicators are all at 1, so its score and the total are unchanged:
        // 0.572/0.7 = 0.817142857...
        Assert.Equal(0.572 / 0.7, r.Score, Tolerance);
    }

    [Fact]
    public void Parcel_with_no_indicator_has_no_completeness_and_insufficient_data()
    {
        var r = Evaluate(Facts(new Dictionary<string, double>(), new Dictionary<string, string>()));
        Assert.Equal(0, r.Completeness, Tolerance);
        Assert.All(r.Elements, e => Assert.True(e.Missing));
        Assert.Equal(Classification.InsufficientData, r.Classification);
    }
}

public class ZeroPolicyTests
{
    private static readonly ScoringModel Zero = ModelCompiler.Compile(Default with { MissingData = "zero" });

    [Fact]
    public void Zero_policy_compiles_to_the_zero_missing_data_policy() =>
        Assert.Equal(MissingDataPolicy.Zero, Zero.MissingData);

    [Fact]
    public void Under_the_zero_policy_a_missing_indicator_scores_zero_with_its_full_weight()
    {
        // Same parcel as the renormalise case: far missing, building_density 30 (0.6),
        // green_ratio 30 (0), idle_ratio 0 (1), everything else at 1.
        var r = Evaluate(Facts(
            AtBest.Without("far").With(("building_density", 30), ("green_ratio", 30), ("idle_ratio", 0)),
            BestCategories), Zero);

        // Land = 0.44 × 0 + 0.31 × 0.6 + 0.06 × 0 + 0.19 × 1 = 0.186 + 0.19 = 0.376 (no rescaling).
        Assert.Equal(0.376, r.Element("land").Score, Tolerance);
        Assert.Equal(0.25, r.Element("land").Weight, Tolerance);
        // Score = 0.75 + 0.25 × 0.376 = 0.75 + 0.094 = 0.844.
        Assert.Equal(0.844, r.Score, Tolerance);
        Assert.Equal(0.89, r.Completeness, Tolerance);
        Assert.Equal(Classification.Efficient, r.Classification);

        var far = r.Indicator("far");
        Assert.True(far.Missing);
        Assert.Equal(0, far.Utility, Tolerance);
        Assert.Equal(0.11, far.Weight, Tolerance);            // 0.25 × 0.44, not rescaled
        Assert.Equal(0, far.Contribution, Tolerance);
        Assert.Equal(0.0775, r.Indicator("building_density").Weight, Tolerance);  // 0.25 × 0.31

        // Gaps (1 − u) × w: far 1 × 0.11 = 0.11, building_density 0.4 × 0.0775 = 0.031,
        // green_ratio 1 × 0.015 = 0.015; every other indicator is at 1.
        Assert.Equal(["far", "building_density", "green_ratio"], r.TopShortfalls.Select(s => s.Code));
        Assert.Equal([0.11, 0.031, 0.015], r.TopShortfalls.Select(s => Math.Round(s.Gap, 9)));
    }

    [Fact]
    public void Under_the_zero_policy_a_missing_element_keeps_its_weight_and_scores_zero()
    {
        // Land missing, everything else at 1: score = 0.75 × 1 + 0.25 × 0 = 0.75.
        var r = Evaluate(Facts(AtBest.Without("far", "building_density", "green_ratio", "idle_ratio"), BestCategories), Zero);
        Assert.Equal(0.75, r.Score, Tolerance);
        Assert.Equal(0.25, r.Element("land").Weight, Tolerance);
        Assert.Equal(0, r.Element("land").Score, Tolerance);
        Assert.True(r.Element("land").Missing);
        Assert.Equal(0.05, r.Element("population").Weight, Tolerance);
        Assert.Equal(0.75, r.Completeness, Tolerance);
        Assert.Equal(Classification.Efficient, r.Classification);
    }

    [Fact]
    public void Under_the_zero_policy_a_minimum_parcel_without_registration_status_falls_below_the_threshold()
    {
        // registration_status missing scores 0: 0.6 − 0.0496 × 0.6 = 0.6 − 0.02976 = 0.57024.
        var r = Evaluate(Facts(AtMinimum, MinimumCategories), Zero);
        Assert.Equal(0.57024, r.Score, Tolerance);
        Assert.Equal(Classification.InefficientScore, r.Classification);
    }
}

public class ShortfallTests
{
    [Fact]
    public void Top_shortfalls_are_the_largest_weighted_gaps_in_order()
    {
        // Everything at 1 except six indicators (no data missing, so weights are the model's):
        //   building_density 90 → 0.3, gap 0.7 × 0.25 × 0.31 (0.0775) = 0.05425
        //   registration_status revoked → 0, gap 1 × 0.16 × 0.31 = 0.0496
        //   tax_per_mu 6 → 0.3, gap 0.7 × 0.32 × 0.20 (0.064) = 0.0448
        //   far 1.0 → 0.6, gap 0.4 × 0.11 = 0.044
        //   water_per_output 24 → 0, gap 1 × 0.11 × 0.29 = 0.0319
        //   talent_count 0 → 0, gap 1 × 0.05 × 0.10 = 0.005 (sixth: left out of the top 5)
        var r = Evaluate(Facts(
            AtBest.With(("building_density", 90), ("tax_per_mu", 6), ("far", 1.0), ("water_per_output", 24), ("talent_count", 0)),
            BestCategories.With(("registration_status", "revoked"))));

        Assert.Equal(["building_density", "registration_status", "tax_per_mu", "far", "water_per_output"],
            r.TopShortfalls.Select(s => s.Code));
        Assert.Equal([0.05425, 0.0496, 0.0448, 0.044, 0.0319], r.TopShortfalls.Select(s => Math.Round(s.Gap, 9)));
        Assert.Equal([0.3, 0, 0.3, 0.6, 0], r.TopShortfalls.Select(s => Math.Round(s.Utility, 9)));
        Assert.Equal("建筑密度", r.TopShortfalls[0].Name);
        // Score = 1 − (0.05425 + 0.0496 + 0.0448 + 0.044 + 0.0319 + 0.005) = 1 − 0.22955 = 0.77045.
        Assert.Equal(0.77045, r.Score, Tolerance);
        Assert.Equal(Classification.Efficient, r.Classification);
    }

    [Fact]
    public void Top_shortfalls_of_a_minimum_parcel_follow_the_renormalised_weights()
    {
        // Every utility 0.6, so gap = 0.4 × weight. Largest weights: far 0.11,
        // enterprise_type 0.16 × 0.38/0.69 = 0.08811594 (renormalised: registration_status missing),
        // building_density 0.0775, tax_per_mu 0.064, investment_per_mu 0.11 × 0.56 = 0.0616
        // (next: output_per_mu 0.0576).
        var r = Evaluate(Facts(AtMinimum, MinimumCategories));
        Assert.Equal(["far", "enterprise_type", "building_density", "tax_per_mu", "investment_per_mu"],
            r.TopShortfalls.Select(s => s.Code));
        Assert.Equal(0.4 * 0.11, r.TopShortfalls[0].Gap, Tolerance);
        Assert.Equal(0.4 * 0.16 * 0.38 / 0.69, r.TopShortfalls[1].Gap, Tolerance);   // 0.03524637...
        Assert.Equal(0.4 * 0.0775, r.TopShortfalls[2].Gap, Tolerance);
        Assert.Equal(0.4 * 0.064, r.TopShortfalls[3].Gap, Tolerance);
        Assert.Equal(0.4 * 0.0616, r.TopShortfalls[4].Gap, Tolerance);
    }

    [Fact]
    public void Only_indicators_with_a_gap_are_listed()
    {
        // Two gaps: far 1.0 → 0.4 × 0.11 = 0.044; green_ratio 25 → 0.3, 0.7 × 0.015 = 0.0105.
        var r = Evaluate(Facts(AtBest.With(("far", 1.0), ("green_ratio", 25)), BestCategories));
        Assert.Equal(["far", "green_ratio"], r.TopShortfalls.Select(s => s.Code));
        Assert.Equal(0.044, r.TopShortfalls[0].Gap, Tolerance);
        Assert.Equal(0.0105, r.TopShortfalls[1].Gap, Tolerance);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(0)]
    public void The_model_sets_how_many_shortfalls_are_listed(int count)
    {
        var model = ModelCompiler.Compile(Default with { TopShortfalls = count });
        var r = Evaluate(Facts(
            AtBest.With(("building_density", 90), ("tax_per_mu", 6), ("far", 1.0)),
            BestCategories.With(("registration_status", "revoked"))), model);
        // Gaps as above: building_density 0.05425 > registration_status 0.0496 > tax_per_mu 0.0448 > far 0.044.
        Assert.Equal(new[] { "building_density", "registration_status" }.Take(count), r.TopShortfalls.Select(s => s.Code));
    }
}
