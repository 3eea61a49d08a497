using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;

namespace Scoring.Engine.Tests;

/// <summary>
/// Parcels whose utilities are known by construction from the default curves of domain.md, and
/// small helpers to read and evaluate them with the engine.
/// </summary>
internal static class TestParcels
{
    /// <summary>Every numeric comparison in the tests allows this much.</summary>
    public const double Tolerance = 1e-9;

    /// <summary>
    /// Every numeric indicator at the value its default curve maps to 0.6 (the policy minimum),
    /// read off the curve table of domain.md.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, double> AtMinimum = new Dictionary<string, double>
    {
        ["talent_count"] = 10,          // point 10→0.6
        ["jobs_per_mu"] = 3,            // point 3→0.6
        ["insured_count"] = 20,         // point 20→0.6
        ["turnover_rate"] = 15,         // point 15→0.6
        ["far"] = 1.0,                  // point 1.0→0.6
        ["building_density"] = 30,      // point 30→0.6 (lower shoulder)
        ["green_ratio"] = 20,           // point 20→0.6
        ["idle_ratio"] = 15,            // point 15→0.6
        ["patent_count"] = 1,           // point 1→0.6
        ["bidding_wins"] = 1,           // not a point: 0→0.5, 2→0.7, so 0.5 + 0.2 × 1/2 = 0.6
        ["investment_per_mu"] = 300,    // point 300→0.6
        ["chain_efficiency"] = 20,      // point 20→0.6
        ["total_output"] = 2000,        // point 2000→0.6
        ["total_tax"] = 100,            // point 100→0.6
        ["output_per_mu"] = 300,        // point 300→0.6
        ["tax_per_mu"] = 20,            // point 20→0.6
        ["net_profit"] = 100,           // point 100→0.6
        ["total_assets"] = 4000,        // point 4000→0.6
        ["debt_ratio"] = 70,            // point 70→0.6
        ["water_per_output"] = 6,       // point 6→0.6
        ["power_per_output"] = 400,     // point 400→0.6
        ["wastewater_discharge"] = 1500, // point 1500→0.6
        ["solid_waste"] = 30,           // point 30→0.6
        ["wastewater_per_output"] = 5,  // point 5→0.6
    };

    /// <summary>
    /// The categories with utility 0.6. registration_status has none (1.0, 0.3, 0.2, 0, 0), so it is
    /// left out: it is missing and its element is renormalised.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> MinimumCategories = new Dictionary<string, string>
    {
        ["enterprise_type"] = "below_scale",       // 规下 0.6
        ["industry_potential"] = "encouraged",     // 鼓励/允许类 0.6
    };

    /// <summary>Every numeric indicator at a value its default curve maps to 1.</summary>
    public static readonly IReadOnlyDictionary<string, double> AtBest = new Dictionary<string, double>
    {
        ["talent_count"] = 100,
        ["jobs_per_mu"] = 8,
        ["insured_count"] = 200,
        ["turnover_rate"] = 10,
        ["far"] = 1.5,
        ["building_density"] = 50,      // inside the 40..65 plateau
        ["green_ratio"] = 15,
        ["idle_ratio"] = 0,
        ["patent_count"] = 10,
        ["bidding_wins"] = 5,
        ["investment_per_mu"] = 500,
        ["chain_efficiency"] = 50,
        ["total_output"] = 50000,
        ["total_tax"] = 2000,
        ["output_per_mu"] = 900,
        ["tax_per_mu"] = 50,
        ["net_profit"] = 2000,
        ["total_assets"] = 100000,
        ["debt_ratio"] = 60,
        ["water_per_output"] = 1,
        ["power_per_output"] = 100,
        ["wastewater_discharge"] = 500,
        ["solid_waste"] = 5,
        ["wastewater_per_output"] = 0.8,
    };

    /// <summary>Every categorical indicator at a category with utility 1.</summary>
    public static readonly IReadOnlyDictionary<string, string> BestCategories = new Dictionary<string, string>
    {
        ["enterprise_type"] = "high_tech",
        ["registration_status"] = "active",
        ["industry_potential"] = "leading",
    };

    /// <summary>The codes of one element's indicators in the default model.</summary>
    public static string[] IndicatorsOf(string element) =>
        [.. DefaultModel.Model.Elements.Single(e => e.Code == element).Indicators.Select(i => DefaultModel.Model.Indicators[i].Code)];

    /// <summary>The numeric indicators of one element at their 0.6 values.</summary>
    public static (string Code, double Value)[] MinimumsOf(string element) =>
        [.. IndicatorsOf(element).Where(AtMinimum.ContainsKey).Select(c => (c, AtMinimum[c]))];

    /// <summary>A park parcel of 50 亩 with the given data; every veto met unless given.</summary>
    public static ParcelFacts Facts(IReadOnlyDictionary<string, double> values, IReadOnlyDictionary<string, string> categories,
        IReadOnlyDictionary<string, bool>? vetoes = null) => new()
        {
            ParcelId = "320115-0001",
            Level = (int)ParcelLevel.Park,
            AreaMu = 50,
            Indicators = values,
            Categories = categories,
            Vetoes = vetoes ?? DefaultModelCodes.AllVetoesMet(),
        };

    /// <summary>Reads (asserting the facts are valid) and evaluates a parcel.</summary>
    public static EvaluationResult Evaluate(ParcelFacts facts, ScoringModel? model = null)
    {
        model ??= DefaultModel.Model;
        var violations = new List<FieldViolation>();
        var vector = ParcelReader.Read(model, facts, violations, "parcel.");
        Assert.Empty(violations);
        Assert.NotNull(vector);
        return Evaluator.Evaluate(model, vector);
    }

    /// <summary>One indicator's line of a result.</summary>
    public static IndicatorResult Indicator(this EvaluationResult result, string code) =>
        result.Indicators.Single(i => i.Code == code);

    /// <summary>One element's line of a result.</summary>
    public static ElementResult Element(this EvaluationResult result, string code) =>
        result.Elements.Single(e => e.Code == code);
}
