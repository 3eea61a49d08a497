using System.Text;
using CsvHelper;

namespace Scoring.Cli.Tests;

/// <summary>Input rows whose verdicts are worked out by hand from domain.md's curves and the paper's Table 1 weights.</summary>
internal static class Rows
{
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
    /// <see cref="HandWorkedParcel"/> with no energy data: the element drops out, completeness = 1 − 0.11 = 0.89, and the
    /// other elements' weights are rescaled: (0.0266 + 0.216 + 0.12208 + 0.08536 + 0.224) / 0.89 = 0.67404 / 0.89 = 0.757348…
    /// </summary>
    public const double NoEnergyScore = 0.67404 / 0.89;

    /// <summary>The attribute, indicator and veto columns, in the order the tests write them.</summary>
    public static IReadOnlyList<string> Header(params string[] extra) => [.. HandWorkedParcel.Row("").Keys, .. extra];

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
}
