using System.Text;
using CsvHelper;

namespace Scoring.Cli.Tests;

/// <summary>Input rows whose verdicts are worked out by hand from domain.md's curves and the paper's Table 1 weights.</summary>
internal static class Rows
{
    public static readonly string[] Vetoes =
        ["legal_land_certificate", "land_use_plan", "spatial_plan", "contract_performance", "safety", "environmental", "nimby", "construction"];

    public static readonly string[] Elements = ["population", "land", "enterprise", "industry", "economy", "energy"];

    public static readonly string[] EnergyIndicators = ["water_per_output", "power_per_output", "wastewater_discharge", "solid_waste", "wastewater_per_output"];

    /// <summary>
    /// Every indicator on a curve point, so each utility is read off domain.md's table:
    ///   population 0.10·1 + 0.45·0.6 + 0.27·0.6 + 0.18·0            = 0.532
    ///   land       0.44·1 + 0.31·1 + 0.06·0 + 0.19·0.6              = 0.864
    ///   enterprise 0.38·0.8 + 0.31·1 + 0.23·0.3 + 0.08·1             = 0.763
    ///   industry   0.56·0.6 + 0.11·1 + 0.33·1                        = 0.776
    ///   economy    0.13·0.6 + 0.16·1 + 0.18·1 + 0.20·0.3 + 0.16·0.6 + 0.11·0.6 + 0.06·1 = 0.700
    ///   energy     0.29·1 + 0.29·0 + 0.18·0.6 + 0.06·1 + 0.18·0.6    = 0.566
    /// score = 0.05·0.532 + 0.25·0.864 + 0.16·0.763 + 0.11·0.776 + 0.32·0.700 + 0.11·0.566
    ///       = 0.0266 + 0.216 + 0.12208 + 0.08536 + 0.224 + 0.06226 = 0.7363 → EFFICIENT (≥ 0.65), RETAINED.
    /// </summary>
    public static Dictionary<string, string> OnCurvePoints(string id) => new()
    {
        ["parcel_id"] = id, ["level"] = "PARK", ["area_mu"] = "120", ["unit_id"] = "park-a", ["street"] = "秣陵街道",
        ["talent_count"] = "100", ["jobs_per_mu"] = "3", ["insured_count"] = "20", ["turnover_rate"] = "40",
        ["far"] = "1.5", ["building_density"] = "50", ["green_ratio"] = "30", ["idle_ratio"] = "15",
        ["enterprise_type"] = "above_scale", ["registration_status"] = "active", ["patent_count"] = "0", ["bidding_wins"] = "5",
        ["investment_per_mu"] = "300", ["industry_potential"] = "leading", ["chain_efficiency"] = "50",
        ["total_output"] = "2000", ["total_tax"] = "2000", ["output_per_mu"] = "900", ["tax_per_mu"] = "6",
        ["net_profit"] = "100", ["total_assets"] = "4000", ["debt_ratio"] = "60",
        ["water_per_output"] = "1", ["power_per_output"] = "1200", ["wastewater_discharge"] = "1500",
        ["solid_waste"] = "5", ["wastewater_per_output"] = "5",
        ["legal_land_certificate"] = "yes", ["land_use_plan"] = "是", ["spatial_plan"] = "1", ["contract_performance"] = "true",
        ["safety"] = "y", ["environmental"] = "YES", ["nimby"] = "是", ["construction"] = "yes",
    };

    /// <summary>Element scores of <see cref="OnCurvePoints"/>, as worked out above.</summary>
    public static readonly double[] OnCurveElementScores = [0.532, 0.864, 0.763, 0.776, 0.700, 0.566];

    /// <summary>
    /// Every indicator at its policy minimum (utility 0.6 by the curves' convention; bidding_wins 1 lies
    /// halfway between 0→0.5 and 2→0.7, so 0.6), except registration_status "active" (1.0):
    ///   enterprise = 0.38·0.6 + 0.31·1 + 0.23·0.6 + 0.08·0.6 = 0.724; every other element 0.6;
    ///   score = 0.6 + 0.16·(0.724 − 0.6) = 0.6 + 0.16·0.31·0.4 = 0.61984 → REVIEW (in [0.6, 0.65)), RETAINED.
    /// </summary>
    public static Dictionary<string, string> AtMinimum(string id) => new()
    {
        ["parcel_id"] = id, ["level"] = "COMMUNITY", ["area_mu"] = "30", ["unit_id"] = "comm-b", ["street"] = "湖熟街道",
        ["talent_count"] = "10", ["jobs_per_mu"] = "3", ["insured_count"] = "20", ["turnover_rate"] = "15",
        ["far"] = "1.0", ["building_density"] = "30", ["green_ratio"] = "20", ["idle_ratio"] = "15",
        ["enterprise_type"] = "below_scale", ["registration_status"] = "active", ["patent_count"] = "1", ["bidding_wins"] = "1",
        ["investment_per_mu"] = "300", ["industry_potential"] = "encouraged", ["chain_efficiency"] = "20",
        ["total_output"] = "2000", ["total_tax"] = "100", ["output_per_mu"] = "300", ["tax_per_mu"] = "20",
        ["net_profit"] = "100", ["total_assets"] = "4000", ["debt_ratio"] = "70",
        ["water_per_output"] = "6", ["power_per_output"] = "400", ["wastewater_discharge"] = "1500",
        ["solid_waste"] = "30", ["wastewater_per_output"] = "5",
        ["legal_land_certificate"] = "yes", ["land_use_plan"] = "yes", ["spatial_plan"] = "yes", ["contract_performance"] = "yes",
        ["safety"] = "yes", ["environmental"] = "yes", ["nimby"] = "yes", ["construction"] = "yes",
    };

    public const double AtMinimumScore = 0.61984;

    /// <summary>
    /// <see cref="AtMinimum"/> with registration_status "revoked" (0): enterprise = 0.38·0.6 + 0 + 0.23·0.6 + 0.08·0.6 = 0.414;
    /// score = 0.6 + 0.16·(0.414 − 0.6) = 0.57024 → INEFFICIENT_SCORE, IDENTIFIED_INEFFICIENT.
    /// </summary>
    public const double RevokedScore = 0.57024;

    /// <summary>
    /// <see cref="OnCurvePoints"/> with no energy data: the element drops out, completeness = 1 − 0.11 = 0.89, and the
    /// other elements' weights are rescaled: (0.0266 + 0.216 + 0.12208 + 0.08536 + 0.224) / 0.89 = 0.67404 / 0.89 = 0.757348…
    /// </summary>
    public const double NoEnergyScore = 0.67404 / 0.89;

    /// <summary>The attribute, indicator and veto columns, in the order the tests write them.</summary>
    public static IReadOnlyList<string> Header(params string[] extra) => [.. OnCurvePoints("").Keys, .. extra];

    /// <summary>Writes rows as CSV under <paramref name="header"/>; a key missing from a row is an empty cell.</summary>
    public static string WriteCsv(string path, IReadOnlyList<string> header, IEnumerable<IReadOnlyDictionary<string, string>> rows)
    {
        using (var csv = CsvWriter.Create(File.Create(path), CsvWriterOptions.Default with { NewLine = "\n" }, leaveOpen: false))
        {
            csv.WriteHeader([.. header]);
            foreach (var row in rows)
                csv.WriteRecord([.. header.Select(h => row.TryGetValue(h, out var v) ? v : "")]);
        }
        return path;
    }

    /// <summary>Reads a CSV file into header-keyed rows.</summary>
    public static List<Dictionary<string, string>> ReadCsv(string path)
    {
        using var csv = CsvReader.Create(File.OpenRead(path), new CsvReaderOptions { HasHeader = true, Separator = ',' }, leaveOpen: false);
        var rows = new List<Dictionary<string, string>>();
        while (csv.Read())
        {
            var headers = csv.Headers;
            var row = new Dictionary<string, string>();
            for (var i = 0; i < headers.Count; i++) row[headers[i]] = csv.GetString(i);
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>The header row of a CSV file.</summary>
    public static string[] ReadHeader(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        return reader.ReadLine()!.Split(',');
    }

    /// <summary>A row with changes applied.</summary>
    public static Dictionary<string, string> With(this Dictionary<string, string> row, params (string Key, string Value)[] changes)
    {
        var copy = new Dictionary<string, string>(row);
        foreach (var (k, v) in changes) copy[k] = v;
        return copy;
    }
}
