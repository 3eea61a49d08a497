using System.Globalization;
using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using Scoring.V1;

namespace Scoring.Testing;

/// <summary>
/// The README's example parcel (320115-001): every indicator on a point of its default curve (domain.md's table,
/// default-model.json), so each utility is read off the table with no interpolation, and the evaluation is worked
/// out by hand under the paper's Table 1 weights.
/// </summary>
/// <remarks>
/// Element scores (indicator weight × utility, summed; utilities as noted beside <see cref="Indicators"/> and
/// <see cref="Categories"/>):
/// <code>
///   population 0.10·1 + 0.45·0.6 + 0.27·0.6 + 0.18·0                                    = 0.532
///   land       0.44·1 + 0.31·1 + 0.06·0 + 0.19·0.6                                      = 0.864
///   enterprise 0.38·0.8 + 0.31·1 + 0.23·0.3 + 0.08·1                                     = 0.763
///   industry   0.56·0.6 + 0.11·1 + 0.33·1                                                = 0.776
///   economy    0.13·0.6 + 0.16·1 + 0.18·1 + 0.20·0.3 + 0.16·0.6 + 0.11·0.6 + 0.06·1      = 0.700
///   energy     0.29·1 + 0.29·0 + 0.18·0.6 + 0.06·1 + 0.18·0.6                            = 0.566
/// score = 0.05·0.532 + 0.25·0.864 + 0.16·0.763 + 0.11·0.776 + 0.32·0.700 + 0.11·0.566
///       = 0.0266 + 0.216 + 0.12208 + 0.08536 + 0.224 + 0.06226 = 0.7363
/// </code>
/// Every veto met and 0.7363 ≥ threshold 0.6 + review band 0.05, so EFFICIENT; no flag set, so RETAINED;
/// all 27 indicators given, so completeness 1.
/// </remarks>
public static class HandWorkedParcel
{
    /// <summary>The parcel's cadastral id, as in the README.</summary>
    public const string Id = "320115-001";

    /// <summary>Its area in 亩 (not scored).</summary>
    public const double AreaMu = 120;

    /// <summary>Its street (not scored).</summary>
    public const string Street = "秣陵街道";

    /// <summary>The score worked out above.</summary>
    public const double Score = 0.7363;

    /// <summary>The classification worked out above.</summary>
    public const V1.Classification Classification = V1.Classification.Efficient;

    /// <summary>The disposition worked out above.</summary>
    public const V1.Disposition Disposition = V1.Disposition.Retained;

    /// <summary>The element scores worked out above, in the order of <see cref="DefaultModelCodes.Elements"/>.</summary>
    public static readonly IReadOnlyList<double> ElementScores = [0.532, 0.864, 0.763, 0.776, 0.700, 0.566];

    /// <summary>Numeric indicator values, each a point of its default curve (value → utility).</summary>
    public static readonly IReadOnlyDictionary<string, double> Indicators = new Dictionary<string, double>
    {
        ["talent_count"] = 100,          // → 1
        ["jobs_per_mu"] = 3,             // → 0.6
        ["insured_count"] = 20,          // → 0.6
        ["turnover_rate"] = 40,          // → 0
        ["far"] = 1.5,                   // → 1
        ["building_density"] = 50,       // → 1 (inside the 40..65 plateau)
        ["green_ratio"] = 30,            // → 0
        ["idle_ratio"] = 15,             // → 0.6
        ["patent_count"] = 0,            // → 0.3
        ["bidding_wins"] = 5,            // → 1
        ["investment_per_mu"] = 300,     // → 0.6
        ["chain_efficiency"] = 50,       // → 1
        ["total_output"] = 2000,         // → 0.6
        ["total_tax"] = 2000,            // → 1
        ["output_per_mu"] = 900,         // → 1
        ["tax_per_mu"] = 6,              // → 0.3
        ["net_profit"] = 100,            // → 0.6
        ["total_assets"] = 4000,         // → 0.6
        ["debt_ratio"] = 60,             // → 1
        ["water_per_output"] = 1,        // → 1
        ["power_per_output"] = 1200,     // → 0
        ["wastewater_discharge"] = 1500, // → 0.6
        ["solid_waste"] = 5,             // → 1
        ["wastewater_per_output"] = 5,   // → 0.6
    };

    /// <summary>Categorical indicators (key → utility).</summary>
    public static readonly IReadOnlyDictionary<string, string> Categories = new Dictionary<string, string>
    {
        ["enterprise_type"] = "above_scale",   // 规上 → 0.8
        ["registration_status"] = "active",    // → 1
        ["industry_potential"] = "leading",    // → 1
    };

    /// <summary>The parcel as the SDK's <see cref="ParcelInput"/>, in a management unit, every veto met.</summary>
    public static ParcelInput Input(string id = Id) => new()
    {
        ParcelId = id,
        Level = Level.Park,
        AreaMu = AreaMu,
        UnitId = "jiangning-high-tech-park",
        Street = Street,
        Indicators = { Indicators.ToDictionary() },
        Categories = { Categories.ToDictionary() },
        Vetoes = { DefaultModelCodes.AllVetoesMet() },
    };

    /// <summary>The parcel as the engine's <see cref="ParcelFacts"/>, in a management unit, every veto met.</summary>
    public static ParcelFacts Facts(string id = Id) => new()
    {
        ParcelId = id,
        Level = (int)ParcelLevel.Park,
        AreaMu = AreaMu,
        UnitId = "jiangning-high-tech-park",
        Street = Street,
        Indicators = Indicators,
        Categories = Categories,
        Vetoes = DefaultModelCodes.AllVetoesMet(),
    };

    /// <summary>How the CSV row answers each veto of <see cref="DefaultModelCodes.Vetoes"/>: "met", spelled each way the CLI reads it.</summary>
    private static readonly string[] YesSpellings = ["yes", "是", "1", "true", "y", "YES", "是", "yes"];

    /// <summary>
    /// The parcel as one CSV row of the CLI (column → cell): attributes (in unit park-a), then the indicators in the
    /// model's order, then the vetoes, each answered "met" in one of the spellings the CLI reads.
    /// </summary>
    public static Dictionary<string, string> Row(string id)
    {
        var row = new Dictionary<string, string>
        {
            ["parcel_id"] = id, ["level"] = "PARK", ["area_mu"] = AreaMu.ToString(CultureInfo.InvariantCulture),
            ["unit_id"] = "park-a", ["street"] = Street,
        };
        foreach (var element in DefaultModel.Model.Document.Elements)
            foreach (var indicator in element.Indicators)
                row[indicator.Code] = Indicators.TryGetValue(indicator.Code, out var value)
                    ? value.ToString(CultureInfo.InvariantCulture)
                    : Categories[indicator.Code];
        foreach (var (veto, yes) in DefaultModelCodes.Vetoes.Zip(YesSpellings)) row[veto] = yes;
        return row;
    }
}
