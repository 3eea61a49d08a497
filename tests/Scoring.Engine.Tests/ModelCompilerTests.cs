using Scoring.Engine.Model;
using static Scoring.Engine.Tests.DocumentEdits;
using static Scoring.Engine.Tests.TestParcels;

namespace Scoring.Engine.Tests;

public class ModelCompilerTests
{
    [Theory]
    [InlineData("talent_count", 0.005)]          // 0.05 × 0.10
    [InlineData("jobs_per_mu", 0.0225)]          // 0.05 × 0.45
    [InlineData("far", 0.11)]                    // 0.25 × 0.44
    [InlineData("building_density", 0.0775)]     // 0.25 × 0.31
    [InlineData("enterprise_type", 0.0608)]      // 0.16 × 0.38
    [InlineData("registration_status", 0.0496)]  // 0.16 × 0.31
    [InlineData("industry_potential", 0.0121)]   // 0.11 × 0.11
    [InlineData("investment_per_mu", 0.0616)]    // 0.11 × 0.56
    [InlineData("tax_per_mu", 0.064)]            // 0.32 × 0.20
    [InlineData("debt_ratio", 0.0192)]           // 0.32 × 0.06
    [InlineData("solid_waste", 0.0066)]          // 0.11 × 0.06
    [InlineData("wastewater_per_output", 0.0198)] // 0.11 × 0.18
    public void Global_weight_is_element_weight_times_indicator_weight(string code, double expected) =>
        Assert.Equal(expected, DefaultModel.Model.IndicatorsByCode[code].GlobalWeight, Tolerance);

    [Fact]
    public void Default_model_global_weights_sum_to_one() =>
        Assert.Equal(1, DefaultModel.Model.Indicators.Sum(i => i.GlobalWeight), Tolerance);

    [Fact]
    public void Default_model_reads_its_settings()
    {
        var m = DefaultModel.Model;
        Assert.Equal(0.6, m.Threshold);
        Assert.Equal(0.05, m.ReviewBand);
        Assert.Equal(0.7, m.MinCompleteness);
        Assert.Equal(MissingDataPolicy.Renormalize, m.MissingData);
        Assert.Equal(new[] { "enterprise_type", "registration_status", "industry_potential" }, m.CategoricalCodes);
        Assert.Equal(24, m.NumericCodes.Length);
        Assert.Equal(DefaultModelCodes.Vetoes, m.Vetoes.Select(v => v.Code));
    }

    [Fact]
    public void Document_survives_a_round_trip_through_json()
    {
        var again = ModelCompiler.Compile(Default.ToJson());
        Assert.Equal(27, again.Indicators.Length);
        Assert.Equal(0.11, again.IndicatorsByCode["far"].GlobalWeight, Tolerance);
    }

    [Fact]
    public void Indicator_weights_not_summing_to_one_are_rejected()
    {
        // far 0.44 → 0.40: land's weights sum to 0.40 + 0.31 + 0.06 + 0.19 = 0.96.
        var error = Assert.Single(ErrorsOf(Default.EditIndicator("far", i => i with { Weight = 0.40 })));
        Assert.Equal("elements[land].indicators", error.Path);
        Assert.Contains("sum to 1", error.Message);
        Assert.Contains("0.96", error.Message);
    }

    [Fact]
    public void Element_weights_not_summing_to_one_are_rejected()
    {
        // population 0.05 → 0.06: 1.01.
        var error = Assert.Single(ErrorsOf(Default.EditElement("population", e => e with { Weight = 0.06 })));
        Assert.Equal("elements", error.Path);
        Assert.Contains("sum to 1", error.Message);
        Assert.Contains("1.01", error.Message);
    }

    [Fact]
    public void Negative_indicator_weight_is_rejected()
    {
        // green_ratio −0.06 and far 0.50: the non-negative weights still sum to 0.50 + 0.31 + 0.19 = 1,
        // so the only problem is the sign.
        var doc = Default
            .EditIndicator("green_ratio", i => i with { Weight = -0.06 })
            .EditIndicator("far", i => i with { Weight = 0.50 });
        var error = Assert.Single(ErrorsOf(doc));
        Assert.Equal("elements[land].indicators[green_ratio].weight", error.Path);
        Assert.Contains("-0.06", error.Message);
    }

    [Fact]
    public void Negative_element_weight_is_rejected()
    {
        var errors = ErrorsOf(Default.EditElement("energy", e => e with { Weight = -0.11 }));
        Assert.Contains(errors, e => e.Path == "elements[energy].weight" && e.Message.Contains("-0.11"));
    }

    [Theory]
    [InlineData(3, 3)]   // 0→0, 3→0.6, 3→1: equal values
    [InlineData(3, 2)]   // 0→0, 3→0.6, 2→1: decreasing
    public void Curve_values_not_strictly_increasing_are_rejected(double second, double third)
    {
        var doc = Default.EditIndicator("jobs_per_mu", i => i with { Curve = Curve(false, (0, 0), (second, 0.6), (third, 1)) });
        var error = Assert.Single(ErrorsOf(doc));
        Assert.Equal("elements[population].indicators[jobs_per_mu].curve.points[2]", error.Path);
        Assert.Contains("strictly increasing", error.Message);
    }

    [Fact]
    public void Far_curve_not_strictly_increasing_is_rejected_once()
    {
        // far also carries the industry anchors; the broken curve is reported once, on the curve.
        var doc = Default.EditIndicator("far", i => i with { Curve = Curve(false, (0, 0), (1.5, 0.6), (1.0, 1)) });
        var error = Assert.Single(ErrorsOf(doc));
        Assert.Equal("elements[land].indicators[far].curve.points[2]", error.Path);
    }

    [Theory]
    [InlineData(1.2)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void Curve_utility_outside_zero_to_one_is_rejected(double utility)
    {
        var doc = Default.EditIndicator("jobs_per_mu", i => i with { Curve = Curve(false, (0, 0), (3, 0.6), (8, utility)) });
        var error = Assert.Single(ErrorsOf(doc));
        Assert.Equal("elements[population].indicators[jobs_per_mu].curve.points[2]", error.Path);
        Assert.Contains("[0, 1]", error.Message);
    }

    [Fact]
    public void Category_utility_outside_zero_to_one_is_rejected()
    {
        var doc = Default.EditIndicator("enterprise_type", i => i with
        {
            Categories = [.. i.Categories!.Select(c => c.Key == "high_tech" ? c with { Utility = 1.5 } : c)],
        });
        var error = Assert.Single(ErrorsOf(doc));
        Assert.Equal("elements[enterprise].indicators[enterprise_type].categories[high_tech].utility", error.Path);
        Assert.Contains("1.5", error.Message);
    }

    [Fact]
    public void Duplicate_category_key_is_rejected()
    {
        var doc = Default.EditIndicator("industry_potential", i => i with
        {
            Categories = [.. i.Categories!.Select(c => c.Key == "eliminated" ? c with { Key = "restricted" } : c)],
        });
        var error = Assert.Single(ErrorsOf(doc));
        Assert.Equal("elements[industry].indicators[industry_potential].categories[restricted]", error.Path);
    }

    [Fact]
    public void Duplicate_indicator_code_in_one_element_is_rejected()
    {
        // green_ratio renamed far: land's weights still sum to 1.
        var error = Assert.Single(ErrorsOf(Default.EditIndicator("green_ratio", i => i with { Code = "far" })));
        Assert.Equal("elements[land].indicators[far]", error.Path);
        Assert.Contains("duplicate", error.Message);
    }

    [Fact]
    public void Indicator_in_two_elements_is_rejected()
    {
        // economy's debt_ratio renamed far, which belongs to land.
        var error = Assert.Single(ErrorsOf(Default.EditIndicator("debt_ratio", i => i with { Code = "far" })));
        Assert.Equal("elements[economy].indicators[far]", error.Path);
        Assert.Contains("'land'", error.Message);
    }

    [Fact]
    public void Duplicate_veto_is_rejected()
    {
        var error = Assert.Single(ErrorsOf(Default.EditVeto("nimby", v => v with { Code = "safety" })));
        Assert.Equal("vetoes[safety]", error.Path);
        Assert.Contains("duplicate", error.Message);
    }

    [Fact]
    public void Veto_in_an_undeclared_group_is_rejected()
    {
        var error = Assert.Single(ErrorsOf(Default.EditVeto("nimby", v => v with { Group = "social" })));
        Assert.Equal("vetoes[nimby].group", error.Path);
        Assert.Contains("'social'", error.Message);
    }

    [Theory]
    [InlineData("drop")]
    [InlineData("Renormalize")]
    [InlineData("")]
    public void Unknown_missing_data_policy_is_rejected(string policy)
    {
        var error = Assert.Single(ErrorsOf(Default with { MissingData = policy }));
        Assert.Equal("missing_data", error.Path);
        Assert.Contains($"'{policy}'", error.Message);
        Assert.Contains("renormalize", error.Message);
        Assert.Contains("zero", error.Message);
    }

    [Theory]
    [InlineData(1.2, "threshold")]
    [InlineData(-0.1, "threshold")]
    public void Threshold_outside_zero_to_one_is_rejected(double threshold, string path) =>
        Assert.Equal(path, Assert.Single(ErrorsOf(Default with { Threshold = threshold })).Path);

    [Fact]
    public void Min_completeness_outside_zero_to_one_is_rejected() =>
        Assert.Equal("min_completeness", Assert.Single(ErrorsOf(Default with { MinCompleteness = 1.5 })).Path);

    [Fact]
    public void Element_without_indicators_is_rejected()
    {
        var errors = ErrorsOf(Default.EditElement("energy", e => e with { Indicators = [] }));
        Assert.Contains(errors, e => e.Path == "elements[energy].indicators" && e.Message.Contains("at least one"));
    }

    [Fact]
    public void Indicator_with_both_curve_and_categories_is_rejected()
    {
        var doc = Default.EditIndicator("patent_count", i => i with { Categories = [new CategoryDocument { Key = "many", Utility = 1 }] });
        Assert.Equal("elements[enterprise].indicators[patent_count]", Assert.Single(ErrorsOf(doc)).Path);
    }

    [Fact]
    public void Log_curve_with_a_value_at_or_below_minus_one_is_rejected()
    {
        var doc = Default.EditIndicator("net_profit", i => i with { Curve = Curve(true, (-1, 0), (100, 0.6), (2000, 1)) });
        Assert.Equal("elements[economy].indicators[net_profit].curve.points[0]", Assert.Single(ErrorsOf(doc)).Path);
    }

    private static ModelDocument WithDivision39Minimum(double minimum)
    {
        var anchor = Default.IndustryAnchors[0];
        return Default with
        {
            IndustryAnchors = [anchor with { Divisions = new Dictionary<string, double>(anchor.Divisions) { ["39"] = minimum } }],
        };
    }

    [Fact]
    public void Industry_minimum_outside_its_neighbouring_points_is_rejected()
    {
        // far's 0.6 point lies between 0 and 1.5: a minimum of 1.6 for division 39 cannot fit.
        var errors = ErrorsOf(WithDivision39Minimum(1.6));
        Assert.All(errors, e =>
        {
            Assert.Equal("industry_anchors[far].divisions[39]", e.Path);
            Assert.Contains("1.6", e.Message);
        });
    }

    [Fact]
    public void Industry_minimum_outside_its_neighbouring_points_is_reported_once()
    {
        var error = Assert.Single(ErrorsOf(WithDivision39Minimum(1.6)));
        Assert.Equal("industry_anchors[far].divisions[39]", error.Path);
    }

    [Fact]
    public void Industry_division_must_be_two_digits()
    {
        var anchor = Default.IndustryAnchors[0];
        var doc = Default with
        {
            IndustryAnchors = [anchor with { Divisions = new Dictionary<string, double>(anchor.Divisions) { ["391"] = 0.7 } }],
        };
        Assert.Equal("industry_anchors[far].divisions[391]", Assert.Single(ErrorsOf(doc)).Path);
    }

    [Fact]
    public void Industry_anchor_on_an_unknown_indicator_is_rejected()
    {
        var doc = Default with { IndustryAnchors = [Default.IndustryAnchors[0] with { Indicator = "floor_area_ratio" }] };
        Assert.Equal("industry_anchors[floor_area_ratio].indicator", Assert.Single(ErrorsOf(doc)).Path);
    }

    [Theory]
    [InlineData("CITY", "jobs_per_mu", "level_overrides[0].level")]
    [InlineData("UNSPECIFIED", "jobs_per_mu", "level_overrides[0].level")]
    [InlineData("PARK", "floor_area", "level_overrides[0].indicator")]
    [InlineData("PARK", "enterprise_type", "level_overrides[0].indicator")]   // categorical: no curve
    public void Bad_level_override_is_rejected(string level, string indicator, string path)
    {
        var doc = Default with
        {
            LevelOverrides = [new LevelOverrideDocument { Level = level, Indicator = indicator, Curve = Curve(false, (0, 0), (5, 0.6), (10, 1)) }],
        };
        Assert.Equal(path, Assert.Single(ErrorsOf(doc)).Path);
    }

    [Fact]
    public void Level_override_with_a_broken_curve_is_rejected()
    {
        var doc = Default with
        {
            LevelOverrides = [new LevelOverrideDocument { Level = "PARK", Indicator = "jobs_per_mu", Curve = Curve(false, (0, 0), (5, 1.6)) }],
        };
        Assert.Equal("level_overrides[0].curve.points[1]", Assert.Single(ErrorsOf(doc)).Path);
    }

    [Fact]
    public void Every_problem_in_a_document_is_reported()
    {
        var doc = (Default with { MissingData = "drop" })
            .EditVeto("nimby", v => v with { Code = "safety" })
            .EditIndicator("far", i => i with { Weight = 0.40 })
            .EditIndicator("jobs_per_mu", i => i with { Curve = Curve(false, (0, 0), (3, 0.6), (8, 1.2)) });
        var errors = ErrorsOf(doc);
        Assert.Equal(
            new[]
            {
                "elements[land].indicators",
                "elements[population].indicators[jobs_per_mu].curve.points[2]",
                "missing_data",
                "vetoes[safety]",
            },
            errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        var e = Assert.Throws<ModelValidationException>(() => ModelCompiler.Compile(doc));
        Assert.Contains("missing_data", e.Message);
    }

    [Fact]
    public void Editing_a_copy_leaves_the_default_model_document_alone()
    {
        _ = Default.EditIndicator("far", i => i with { Weight = 0.40 }).EditVeto("nimby", v => v with { Code = "x" });
        Assert.Equal(0.44, Default.Elements.Single(e => e.Code == "land").Indicators.Single(i => i.Code == "far").Weight);
        Assert.Contains(Default.Vetoes, v => v.Code == "nimby");
    }
}

public class ModelJsonTests
{
    [Fact]
    public void Truncated_json_is_rejected_as_an_invalid_model()
    {
        var e = Assert.Throws<ModelValidationException>(() => ModelCompiler.Compile("{ \"version\": \"2\", \"threshold\": "));
        var error = Assert.Single(e.Errors);
        Assert.StartsWith("$", error.Path);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void Value_of_the_wrong_type_is_rejected_with_its_path()
    {
        var e = Assert.Throws<ModelValidationException>(() => ModelCompiler.Compile("{ \"version\": \"2\", \"threshold\": \"high\" }"));
        Assert.Equal("$.threshold", Assert.Single(e.Errors).Path);
    }

    [Fact]
    public void Misspelt_property_is_rejected()
    {
        var e = Assert.Throws<ModelValidationException>(() => ModelCompiler.Compile("{ \"version\": \"2\", \"treshold\": 0.6 }"));
        Assert.Contains("treshold", Assert.Single(e.Errors).Message);
    }

    [Fact]
    public void Json_null_is_rejected_as_an_empty_document()
    {
        var e = Assert.Throws<ModelValidationException>(() => ModelCompiler.Compile("null"));
        var error = Assert.Single(e.Errors);
        Assert.Equal("$", error.Path);
    }

    [Fact]
    public void Json_with_comments_is_accepted()
    {
        var json = DefaultModel.Json.Replace("\"version\": \"1\",", "\"version\": \"1\", // the first version\n");
        Assert.NotEqual(DefaultModel.Json, json);
        Assert.Equal("1", ModelCompiler.Compile(json).Version);
    }

    [Fact]
    public void Valid_json_with_a_broken_model_reports_the_model_errors()
    {
        var json = DefaultModel.Json.Replace("\"missing_data\": \"renormalize\"", "\"missing_data\": \"zeroes\"");
        Assert.NotEqual(DefaultModel.Json, json);
        var e = Assert.Throws<ModelValidationException>(() => ModelCompiler.Compile(json));
        Assert.Equal("missing_data", Assert.Single(e.Errors).Path);
    }
}
