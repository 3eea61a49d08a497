using System.Globalization;
using System.Text;

namespace Scoring.SampleData;

/// <summary>
/// A small district with shapes, in EPSG:4549 (CGCS2000 / 3° Gauss–Krüger, CM 120°E) around Jiangning's longitude
/// (about 118.84°E, 31.94°N: easting 390 000, northing 3 536 000), laid out so that every spatial rule fires somewhere:
/// the parcels (a CSV for <c>scoring ingest</c>), the planner's seven layers (GeoJSON for <c>scoring layer upload</c>) and
/// the year's clearance quotas (a CSV for <c>scoring clearance reconcile</c>). Coordinates below are metres from the
/// district's origin; the development boundary spans x 0–3 000, the main urban area x 0–1 200, the must-clear zone
/// x 3 200–3 500, the encouraged zone x 3 500–3 800, the red line x 4 000–4 500, the may-be-considered zone x 4 600–4 900
/// (all y 0–2 000), and a redevelopment project x 2 000–2 300, y 1 500–2 000.
/// </summary>
internal static class SpatialDistrict
{
    private const double X0 = 390_000, Y0 = 3_536_000;

    // (file, kind for the CLI, name, x0, y0, x1, y1)
    private static readonly (string File, string Kind, string Name, double X0, double Y0, double X1, double Y1)[] Layers =
    [
        ("development-boundary.geojson", "development-boundary", "城镇开发边界", 0, 0, 3000, 2000),
        ("main-urban-area.geojson", "main-urban-area", "主城区", 0, 0, 1200, 2000),
        ("ecological-red-line.geojson", "ecological-red-line", "生态保护红线", 4000, 0, 4500, 2000),
        ("clearance-must.geojson", "clearance-must", "必须清退区", 3200, 0, 3500, 2000),
        ("clearance-encouraged.geojson", "clearance-encouraged", "鼓励清退区", 3500, 0, 3800, 2000),
        ("clearance-considered.geojson", "clearance-considered", "可考虑清退区", 4600, 0, 4900, 2000),
        ("redevelopment-project.geojson", "redevelopment-project", "正在推进的更新项目", 2000, 1500, 2300, 2000),
    ];

    // Indicator templates: thriving, output poor (economy and energy at utility 0), and land poor as well (FAR 0.6,
    // density 20 %, idle 40 %).
    private static readonly string[] Codes =
    [
        "talent_count", "jobs_per_mu", "insured_count", "turnover_rate", "far", "building_density", "green_ratio", "idle_ratio",
        "enterprise_type", "registration_status", "patent_count", "bidding_wins", "investment_per_mu", "industry_potential", "chain_efficiency",
        "total_output", "total_tax", "output_per_mu", "tax_per_mu", "net_profit", "total_assets", "debt_ratio",
        "water_per_output", "power_per_output", "wastewater_discharge", "solid_waste", "wastewater_per_output",
    ];

    private static readonly string[] Good =
        ["100", "8", "200", "10", "1.5", "50", "15", "0", "above_scale", "active", "10", "5", "500", "leading", "50",
         "50000", "2000", "900", "50", "2000", "100000", "60", "1", "100", "500", "5", "0.8"];

    private static readonly Dictionary<string, string> OutputPoor = new()
    {
        ["total_output"] = "100", ["total_tax"] = "5", ["output_per_mu"] = "0", ["tax_per_mu"] = "0", ["net_profit"] = "0", ["total_assets"] = "500",
        ["debt_ratio"] = "100", ["water_per_output"] = "24", ["power_per_output"] = "1200", ["wastewater_discharge"] = "6000", ["solid_waste"] = "150",
        ["wastewater_per_output"] = "16",
    };

    private static readonly Dictionary<string, string> LandPoor = new(OutputPoor)
    {
        ["far"] = "0.6", ["building_density"] = "20", ["idle_ratio"] = "40", ["green_ratio"] = "30",
    };

    private static readonly string[] Vetoes =
        ["legal_land_certificate", "land_use_plan", "spatial_plan", "contract_performance", "safety", "environmental", "nimby", "construction"];

    private sealed record Plot(string Id, string Name, string Level, string Street, double X0, double Y0, double X1, double Y1,
        Dictionary<string, string>? Poor = null, string? EnterpriseType = null, double? StatedAreaMu = null, string RedLine = "");

    // What each is built to show is in its name.
    private static readonly Plot[] Plots =
    [
        new("SP-01", "主城区社区地块 (工改商办/居住/配套)", "COMMUNITY", "东山街道", 0, 0, 100, 300, OutputPoor),
        new("SP-02", "主城区连片地块 A (连片改造)", "SCATTERED", "东山街道", 300, 0, 400, 400, OutputPoor),
        new("SP-03", "主城区连片地块 B (连片改造)", "SCATTERED", "东山街道", 400, 0, 500, 400, OutputPoor),
        new("SP-04", "主城区连片地块 C, 5 m 之隔 (连片改造)", "SCATTERED", "东山街道", 505, 0, 605, 400, OutputPoor),
        new("SP-05", "主城区高效园区地块 (现状保留)", "PARK", "东山街道", 800, 0, 900, 300),
        new("SP-06", "150 亩大地块 (增容技改)", "PARK", "东山街道", 1400, 0, 1650, 400, OutputPoor),
        new("SP-07", "园区小地块, 容积率 0.6 (工改高标准厂房)", "PARK", "东山街道", 1800, 0, 1900, 200, LandPoor),
        new("SP-08", "高新技术企业零星地块 (工改科研)", "SCATTERED", "东山街道", 2100, 0, 2200, 100, LandPoor, "high_tech"),
        new("SP-09", "更新项目内地块 (正在推进)", "PARK", "东山街道", 2050, 1600, 2150, 1700),
        new("SP-10", "开发边界内高效地块 (现状保留)", "PARK", "东山街道", 2500, 0, 2600, 100),
        new("SP-11", "面积填报有误的地块 (area_mu 20, 图形 15 亩)", "PARK", "东山街道", 2700, 0, 2800, 100, StatedAreaMu: 20),
        new("SP-12", "必须清退区内地块 (已清退)", "SCATTERED", "湖熟街道", 3250, 0, 3350, 300),
        new("SP-13", "鼓励清退区内低效地块", "SCATTERED", "湖熟街道", 3550, 0, 3650, 200, OutputPoor),
        new("SP-14", "生态红线内地块 (生态清退)", "SCATTERED", "湖熟街道", 4100, 0, 4200, 150),
        new("SP-15", "半在红线内, 已明确答复不在红线内", "SCATTERED", "湖熟街道", 3950, 500, 4050, 600, RedLine: "否"),
        new("SP-16", "可考虑清退区内地块", "SCATTERED", "湖熟街道", 4650, 0, 4750, 100),
        new("SP-17", "开发边界外低效地块 (可考虑清退)", "SCATTERED", "湖熟街道", 5200, 0, 5300, 200, OutputPoor),
        new("SP-18", "开发边界外高效地块 (不清退)", "SCATTERED", "湖熟街道", 5500, 0, 5600, 100),
        new("SP-19", "必须清退区内地块 (汤山, 已清退)", "SCATTERED", "汤山街道", 3250, 1000, 3350, 1200, OutputPoor),
    ];

    /// <summary>Writes parcels.csv, quotas.csv and layers/*.geojson into <paramref name="folder"/>.</summary>
    public static void Write(string folder)
    {
        Directory.CreateDirectory(Path.Combine(folder, "layers"));
        var utf8 = new UTF8Encoding(false);
        foreach (var l in Layers)
            File.WriteAllText(Path.Combine(folder, "layers", l.File), LayerJson(l.Name, l.X0, l.Y0, l.X1, l.Y1), utf8);

        var csv = new StringBuilder();
        csv.Append("parcel_id,name,level,area_mu,street,in_ecological_red_line,").AppendJoin(',', Codes).Append(',').AppendJoin(',', Vetoes).Append(",geometry\n");
        foreach (var p in Plots)
        {
            var area = (p.X1 - p.X0) * (p.Y1 - p.Y0) * 15 / 10_000; // m² → 亩 (1 亩 = 10 000/15 m²)
            var values = Codes.Select((c, i) => c == "enterprise_type" && p.EnterpriseType is { } t ? t : p.Poor?.GetValueOrDefault(c) ?? Good[i]);
            csv.Append(p.Id).Append(",\"").Append(p.Name).Append("\",").Append(p.Level).Append(',')
                .Append(N(p.StatedAreaMu ?? area)).Append(',').Append(p.Street).Append(',').Append(p.RedLine).Append(',')
                .AppendJoin(',', values).Append(',').AppendJoin(',', Vetoes.Select(_ => "是")).Append(',')
                .Append('"').Append("SRID=4549;").Append(Wkt(p.X0, p.Y0, p.X1, p.Y1)).Append("\"\n");
        }
        File.WriteAllText(Path.Combine(folder, "parcels.csv"), csv.ToString(), utf8);

        // 湖熟: 60 亩 this year, SP-12 (45 亩) cleared; 汤山: 20 亩, SP-19 (30 亩) cleared, 10 beyond the quota.
        File.WriteAllText(Path.Combine(folder, "quotas.csv"), "street,quota_mu,cleared\n湖熟街道,60,SP-12\n汤山街道,20,SP-19\n东山街道,0,\n", utf8);
    }

    private static string N(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Wkt(double x0, double y0, double x1, double y1)
    {
        string P(double x, double y) => $"{N(X0 + x)} {N(Y0 + y)}";
        return $"POLYGON (({P(x0, y0)}, {P(x1, y0)}, {P(x1, y1)}, {P(x0, y1)}, {P(x0, y0)}))";
    }

    private static string LayerJson(string name, double x0, double y0, double x1, double y1)
    {
        string P(double x, double y) => $"[{N(X0 + x)},{N(Y0 + y)}]";
        return "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"EPSG:4549\"}},\"features\":[" +
               $"{{\"type\":\"Feature\",\"properties\":{{\"name\":\"{name}\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[" +
               $"{P(x0, y0)},{P(x1, y0)},{P(x1, y1)},{P(x0, y1)},{P(x0, y0)}]]}}}}]}}\n";
    }
}
