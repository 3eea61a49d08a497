using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using static Scoring.Engine.Tests.TestParcels;

namespace Scoring.Engine.Tests;

public class ParcelReaderTests
{
    private static (ParcelVector? Vector, List<FieldViolation> Violations) Read(ParcelFacts facts, string prefix = "parcel.")
    {
        var violations = new List<FieldViolation>();
        var vector = ParcelReader.Read(DefaultModel.Model, facts, violations, prefix);
        return (vector, violations);
    }

    private static ParcelFacts Valid() => Facts(AtBest, BestCategories);

    private static FieldViolation Only(ParcelFacts facts)
    {
        var (vector, violations) = Read(facts);
        Assert.Null(vector);
        return Assert.Single(violations);
    }

    [Fact]
    public void Reader_collects_every_violation_not_just_the_first()
    {
        var facts = new ParcelFacts
        {
            ParcelId = "",
            Level = 7,
            AreaMu = -3,
            IndustryCode = "39A1",
            Indicators = new Dictionary<string, double>
            {
                ["far"] = double.NaN,
                ["building_density"] = 120,
                ["green_ratio"] = -1,
                ["floor_area"] = 2,
                ["enterprise_type"] = 1,
                ["net_profit"] = -500,      // accepted: profit may be negative
                ["debt_ratio"] = 150,       // accepted: only a lower bound
            },
            Categories = new Dictionary<string, string>
            {
                ["enterprise_type"] = "giant",
                ["far"] = "high",
            },
            Vetoes = new Dictionary<string, bool> { ["fire_safety"] = true, ["safety"] = true },
        };

        var (vector, violations) = Read(facts);

        Assert.Null(vector);
        string[] expected =
        [
            "parcel.parcel_id",
            "parcel.level",
            "parcel.area_mu",
            "parcel.industry_code",
            "parcel.indicators[\"far\"]",
            "parcel.indicators[\"building_density\"]",
            "parcel.indicators[\"green_ratio\"]",
            "parcel.indicators[\"floor_area\"]",
            "parcel.indicators[\"enterprise_type\"]",
            "parcel.categories[\"enterprise_type\"]",
            "parcel.categories[\"far\"]",
            "parcel.vetoes[\"fire_safety\"]",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), violations.Select(v => v.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Empty_parcel_id_is_required()
    {
        var v = Only(Valid() with { ParcelId = "" });
        Assert.Equal("parcel.parcel_id", v.Field);
        Assert.Contains("required", v.Description);
        Assert.Equal("parcel.parcel_id", Only(Valid() with { ParcelId = "   " }).Field);
    }

    [Fact]
    public void Parcel_id_longer_than_64_characters_is_refused()
    {
        var v = Only(Valid() with { ParcelId = new string('7', 65) });
        Assert.Equal("parcel.parcel_id", v.Field);
        Assert.Contains("65", v.Description);
        Assert.Contains("64", v.Description);
    }

    [Fact]
    public void Parcel_id_of_64_characters_is_accepted()
    {
        var (vector, violations) = Read(Valid() with { ParcelId = new string('7', 64) });
        Assert.Empty(violations);
        Assert.Equal(new string('7', 64), vector!.ParcelId);
    }

    [Fact]
    public void Parcel_id_with_a_control_character_is_refused() =>
        Assert.Equal("parcel.parcel_id", Only(Valid() with { ParcelId = "3201\n15" }).Field);

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Non_finite_value_is_refused(double value)
    {
        var v = Only(Valid() with { Indicators = AtBest.With(("far", value)) });
        Assert.Equal("parcel.indicators[\"far\"]", v.Field);
        Assert.Contains("finite", v.Description);
    }

    [Fact]
    public void Negative_area_is_refused()
    {
        var v = Only(Valid() with { AreaMu = -3 });
        Assert.Equal("parcel.area_mu", v.Field);
        Assert.Contains("-3", v.Description);
    }

    [Fact]
    public void Non_finite_area_is_refused() =>
        Assert.Equal("parcel.area_mu", Only(Valid() with { AreaMu = double.NaN }).Field);

    [Theory]
    [InlineData("building_density", 120)]   // range [0, 100]
    [InlineData("building_density", -0.5)]
    [InlineData("green_ratio", -1)]         // range [0, 100]
    [InlineData("idle_ratio", 100.01)]
    [InlineData("chain_efficiency", 101)]
    [InlineData("far", -0.1)]               // range >= 0
    [InlineData("total_output", -1)]
    public void Value_outside_its_range_is_refused(string code, double value)
    {
        var v = Only(Valid() with { Indicators = AtBest.With((code, value)) });
        Assert.Equal($"parcel.indicators[\"{code}\"]", v.Field);
        Assert.Contains("range", v.Description);
    }

    [Theory]
    [InlineData("building_density", 0)]     // inclusive bounds
    [InlineData("building_density", 100)]
    [InlineData("net_profit", -500)]        // net profit may be negative: no bound
    [InlineData("net_profit", -1e7)]
    [InlineData("debt_ratio", 150)]         // indebted beyond assets: only a lower bound
    [InlineData("far", 0)]
    public void Value_inside_its_range_is_accepted(string code, double value)
    {
        var (vector, violations) = Read(Valid() with { Indicators = AtBest.With((code, value)) });
        Assert.Empty(violations);
        Assert.Equal(value, vector!.Values[DefaultModel.Model.IndicatorsByCode[code].Index]);
    }

    [Fact]
    public void Negative_net_profit_and_high_debt_ratio_score_zero()
    {
        // net_profit −500 clamps to 0→0; debt_ratio 150 clamps to 100→0.
        // Score = 1 − 0.32 × 0.16 − 0.32 × 0.06 = 1 − 0.0512 − 0.0192 = 0.9296.
        var r = Evaluate(Valid() with { Indicators = AtBest.With(("net_profit", -500), ("debt_ratio", 150)) });
        Assert.Equal(0, r.Indicator("net_profit").Utility, Tolerance);
        Assert.Equal(0, r.Indicator("debt_ratio").Utility, Tolerance);
        Assert.Equal(0.9296, r.Score, Tolerance);
    }

    [Fact]
    public void Unknown_indicator_is_refused_with_the_valid_codes_listed()
    {
        var v = Only(Valid() with { Indicators = AtBest.With(("floor_area", 2)) });
        Assert.Equal("parcel.indicators[\"floor_area\"]", v.Field);
        Assert.Contains("floor_area", v.Description);
        foreach (var code in AtMinimum.Keys) Assert.Contains(code, v.Description);
    }

    [Fact]
    public void Categorical_indicator_sent_as_a_number_is_refused() =>
        Assert.Equal("parcel.indicators[\"registration_status\"]",
            Only(Valid() with { Indicators = AtBest.With(("registration_status", 0)) }).Field);

    [Fact]
    public void Numeric_indicator_sent_as_a_category_is_refused() =>
        Assert.Equal("parcel.categories[\"far\"]",
            Only(Valid() with { Categories = BestCategories.With(("far", "high")) }).Field);

    [Fact]
    public void Unknown_categorical_indicator_is_refused_with_the_valid_codes_listed()
    {
        var v = Only(Valid() with { Categories = BestCategories.With(("ownership", "state")) });
        Assert.Equal("parcel.categories[\"ownership\"]", v.Field);
        foreach (var code in BestCategories.Keys) Assert.Contains(code, v.Description);
    }

    [Fact]
    public void Unknown_category_key_is_refused_with_the_valid_keys_listed()
    {
        var v = Only(Valid() with { Categories = BestCategories.With(("enterprise_type", "giant")) });
        Assert.Equal("parcel.categories[\"enterprise_type\"]", v.Field);
        Assert.Contains("giant", v.Description);
        foreach (var key in new[] { "high_tech", "specialized", "above_scale", "below_scale", "non_industrial", "none" })
            Assert.Contains(key, v.Description);
    }

    [Fact]
    public void Category_keys_are_case_sensitive() =>
        Assert.Equal("parcel.categories[\"registration_status\"]",
            Only(Valid() with { Categories = BestCategories.With(("registration_status", "Active")) }).Field);

    [Fact]
    public void Unknown_veto_is_refused_with_the_valid_codes_listed()
    {
        var vetoes = DefaultModelCodes.AllVetoesMet();
        vetoes["fire_safety"] = true;
        var v = Only(Valid() with { Vetoes = vetoes });
        Assert.Equal("parcel.vetoes[\"fire_safety\"]", v.Field);
        foreach (var code in DefaultModelCodes.Vetoes) Assert.Contains(code, v.Description);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(4)]
    [InlineData(-1)]
    public void Undefined_level_is_refused(int level) =>
        Assert.Equal("parcel.level", Only(Valid() with { Level = level }).Field);

    [Theory]
    [InlineData(0, ParcelLevel.Unspecified)]
    [InlineData(1, ParcelLevel.Park)]
    [InlineData(2, ParcelLevel.Community)]
    [InlineData(3, ParcelLevel.Scattered)]
    public void Defined_level_is_accepted(int level, ParcelLevel expected)
    {
        var (vector, violations) = Read(Valid() with { Level = level });
        Assert.Empty(violations);
        Assert.Equal(expected, vector!.Level);
    }

    [Theory]
    [InlineData("3")]          // one digit
    [InlineData("39111")]      // five digits
    [InlineData("39A1")]
    [InlineData("C")]
    [InlineData("CC3911")]
    [InlineData("-391")]
    [InlineData(" 3911")]
    public void Bad_industry_code_is_refused(string code)
    {
        var v = Only(Valid() with { IndustryCode = code });
        Assert.Equal("parcel.industry_code", v.Field);
        Assert.Contains(code, v.Description);
    }

    [Theory]
    [InlineData("39", 39)]
    [InlineData("391", 39)]
    [InlineData("3911", 39)]
    [InlineData("C3911", 39)]
    [InlineData("1234", 12)]
    [InlineData("", -1)]
    public void Good_industry_code_is_accepted_and_names_its_division(string code, int division)
    {
        var (vector, violations) = Read(Valid() with { IndustryCode = code });
        Assert.Empty(violations);
        Assert.Equal(division, vector!.Division);
    }

    [Fact]
    public void Field_paths_carry_no_prefix_when_none_is_given()
    {
        var (vector, violations) = Read(Valid() with { AreaMu = -1, Indicators = AtBest.With(("far", double.NaN)) }, prefix: "");
        Assert.Null(vector);
        Assert.Equal(["area_mu", "indicators[\"far\"]"], violations.Select(v => v.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Field_paths_carry_the_given_prefix()
    {
        var (_, violations) = Read(Valid() with { AreaMu = -1 }, prefix: "parcels[3].");
        Assert.Equal("parcels[3].area_mu", Assert.Single(violations).Field);
    }

    [Fact]
    public void Valid_parcel_is_laid_out_in_model_order()
    {
        var vetoes = DefaultModelCodes.AllVetoesMet();
        vetoes["safety"] = false;
        vetoes.Remove("nimby");
        var facts = Valid() with
        {
            Indicators = new Dictionary<string, double> { ["far"] = 1.2 },
            Categories = new Dictionary<string, string> { ["registration_status"] = "suspended" },
            Vetoes = vetoes,
            IndustryCode = "C3911",
            InEcologicalRedLine = true,
            AreaMu = 0,
        };
        var (vector, violations) = Read(facts);
        Assert.Empty(violations);
        Assert.NotNull(vector);

        var model = DefaultModel.Model;
        Assert.Equal(1.2, vector.Values[model.IndicatorsByCode["far"].Index]);
        // Categories are stored as their ordinal: suspended is the third key (0-based 2).
        Assert.Equal(2, vector.Values[model.IndicatorsByCode["registration_status"].Index]);
        Assert.True(double.IsNaN(vector.Values[model.IndicatorsByCode["talent_count"].Index]));
        Assert.Equal(VetoAnswer.Failed, vector.Vetoes[model.VetoesByCode["safety"].Index]);
        Assert.Equal(VetoAnswer.Unknown, vector.Vetoes[model.VetoesByCode["nimby"].Index]);
        Assert.Equal(VetoAnswer.Met, vector.Vetoes[model.VetoesByCode["construction"].Index]);
        Assert.Equal(39, vector.Division);
        Assert.True(vector.InEcologicalRedLine);
        Assert.False(vector.RedevelopmentUnderway);
        Assert.False(vector.LocallyReported);
        Assert.Equal(0, vector.AreaMu);
    }

    [Fact]
    public void Violations_already_in_the_list_do_not_fail_a_valid_parcel()
    {
        var violations = new List<FieldViolation> { new("parcels[0].area_mu", "must not be negative") };
        var vector = ParcelReader.Read(DefaultModel.Model, Valid(), violations, "parcels[1].");
        Assert.NotNull(vector);
        Assert.Single(violations);
    }
}
