using System.Globalization;
using System.Text;

namespace Scoring.SampleData;

/// <summary>
/// Writes a synthetic district, one parcel per CSV row in the layout `scoring evaluate` reads.
/// A latent "vitality" per parcel (unit effect + industry effect + noise) drives output, tax, jobs,
/// investment and FAR up and energy and emission intensities down, so indicators correlate as they do
/// in real data. Deterministic for a seed.
/// </summary>
internal sealed class ParcelGenerator(int seed, bool chineseHeaders, string idPrefix = "320115")
{
    /// <summary>Share of indicator, category and veto cells left empty.</summary>
    public const double MissingShare = 0.045;

    /// <summary>Share of parcels that fail one veto check.</summary>
    public const double VetoFailureShare = 0.03;

    // (code, Chinese name) in model order; the categorical ones are marked.
    private static readonly (string Code, string Name, bool Categorical)[] Indicators =
    [
        ("talent_count", "人才数量", false), ("jobs_per_mu", "地均就业人口", false), ("insured_count", "参保人数", false), ("turnover_rate", "人员流动率", false),
        ("far", "容积率", false), ("building_density", "建筑密度", false), ("green_ratio", "绿地率", false), ("idle_ratio", "土地闲置率", false),
        ("enterprise_type", "企业类型", true), ("registration_status", "登记状态", true), ("patent_count", "专利数量", false), ("bidding_wins", "招投标情况", false),
        ("investment_per_mu", "产业投资", false), ("industry_potential", "产业潜力", true), ("chain_efficiency", "产业链效率", false),
        ("total_output", "总产值", false), ("total_tax", "总税收", false), ("output_per_mu", "地均产值", false), ("tax_per_mu", "地均税收", false),
        ("net_profit", "净利润", false), ("total_assets", "资产规模", false), ("debt_ratio", "企业负债率", false),
        ("water_per_output", "单位产值用水量", false), ("power_per_output", "单位产值用电量", false), ("wastewater_discharge", "工业废水排放量", false),
        ("solid_waste", "固体废物产生量", false), ("wastewater_per_output", "单位产值废水生产量", false),
    ];

    private static readonly (string Code, string Name, double Weight)[] Vetoes =
    [
        ("legal_land_certificate", "是否有合法的工业用地证", 0.20), ("land_use_plan", "是否符合土地利用总体规划建设用地指标", 0.10),
        ("spatial_plan", "是否符合国土空间规划用途", 0.15), ("contract_performance", "是否按照合同约定履行", 0.20),
        ("safety", "是否符合安全要求", 0.10), ("environmental", "是否符合环保要求", 0.15), ("nimby", "是否满足邻避要求", 0.05),
        ("construction", "是否符合建设要求", 0.05),
    ];

    private static readonly string[] Attributes =
    [
        "parcel_id", "name", "enterprise_name", "level", "area_mu", "industry_code", "unit_id", "street",
        "inside_development_boundary", "in_ecological_red_line", "redevelopment_underway", "locally_reported",
    ];

    private readonly Random _random = new(seed);
    private readonly Dictionary<string, int> _sequence = [];
    private readonly Dictionary<string, double> _unitArea = [];

    /// <summary>The header row.</summary>
    public IEnumerable<string> Header() =>
        [.. Attributes, .. Indicators.Select(i => chineseHeaders ? i.Name : i.Code), .. Vetoes.Select(v => chineseHeaders ? v.Name : v.Code), "geometry"];

    /// <summary>Writes <paramref name="count"/> parcels, with <paramref name="badRows"/> deliberately broken ones spread among them.</summary>
    public void Write(TextWriter writer, int count, int badRows)
    {
        writer.Write(string.Join(',', Header().Select(Quote)));
        writer.Write('\n');
        var badAt = new HashSet<int>(Enumerable.Range(0, badRows).Select(k => (int)((k + 0.5) * count / Math.Max(badRows, 1))));
        var badKind = 0;
        for (var n = 0; n < count; n++)
        {
            var cells = Parcel();
            if (badAt.Contains(n)) Break(cells, badKind++);
            writer.Write(string.Join(',', cells.Select(Quote)));
            writer.Write('\n');
        }
    }

    /// <summary>
    /// Writes the management units of the parcels written so far: the industrial area is the sum of their
    /// parcels' areas, the total area follows from an industrial share drawn around the paper's norms
    /// (parks above 60%, communities around 50%), so some units meet their norm and some do not.
    /// </summary>
    public void WriteUnits(TextWriter writer)
    {
        var random = new Random(seed + 1);
        writer.Write("unit_id,name,level,total_area_mu,industrial_area_mu\n");
        foreach (var unit in District.Units)
        {
            if (!_unitArea.TryGetValue(unit.Id, out var industrial)) continue;
            var share = unit.Level == "PARK" ? 0.52 + 0.25 * random.NextDouble() : 0.36 + 0.3 * random.NextDouble();
            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $"{unit.Id},{unit.Name},{unit.Level},{Math.Round(industrial / share, 1):0.#},{industrial:0.#}\n"));
        }
    }

    // One kind of broken row after another: each reaches the errors file for a different reason.
    private static void Break(List<string> cells, int kind)
    {
        var column = (string code) => Attributes.Length + Array.FindIndex(Indicators, i => i.Code == code);
        switch (kind % 4)
        {
            case 0: cells[column("far")] = "1,2"; break;                          // not a number: the CLI cannot read it
            case 1: cells[column("building_density")] = "130"; break;             // outside [0, 100]: the server refuses it
            case 2: cells[Array.IndexOf(Attributes, "level")] = "INDUSTRIAL"; break; // not a level: the CLI cannot read it
            default: cells[column("enterprise_type")] = "state_owned"; break;     // unknown category: the server refuses it
        }
    }

    private List<string> Parcel()
    {
        // Where: a park, a community, or a scattered plot in some street.
        var scatteredShare = 0.18;
        Unit? unit = null;
        Street street;
        if (_random.NextDouble() < scatteredShare)
        {
            street = Pick(District.Streets, s => s.ScatteredShare);
        }
        else
        {
            unit = Pick(District.Units, u => u.Share);
            street = unit.Street;
        }
        var level = unit?.Level ?? "SCATTERED";
        var industry = Pick(District.Industries, i => i.Weight);
        var v = (unit?.Vitality ?? -0.45) + industry.Vitality + Normal();

        var key = unit?.Id ?? "s" + street.Code;
        _sequence[key] = _sequence.GetValueOrDefault(key) + 1;
        var parcelId = $"{idPrefix}-{street.Code}{(unit is null ? "S" : unit.Level[0].ToString())}{Array.IndexOf(District.Units, unit) + 1:00}-{_sequence[key]:0000}";
        var medianArea = level switch { "PARK" => 45.0, "COMMUNITY" => 22.0, _ => 9.0 };
        var area = Math.Clamp(medianArea * Math.Exp(0.65 * Normal()), 1.5, 900);
        var insideBoundary = unit is not null || _random.NextDouble() < 0.82;
        if (unit is not null) _unitArea[unit.Id] = _unitArea.GetValueOrDefault(unit.Id) + Math.Round(area, 1);

        var values = new Dictionary<string, string>();
        double E() => Normal();
        var outputPerMu = 380 * Math.Exp(0.55 * v + 0.25 * E());
        var taxPerMu = outputPerMu * 0.045 * Math.Exp(0.2 * v + 0.25 * E());
        var jobsPerMu = 3.2 * Math.Exp(0.35 * v + 0.25 * E());
        var totalOutput = outputPerMu * area;
        values["talent_count"] = I(jobsPerMu * area * Math.Clamp(0.12 + 0.05 * v + 0.03 * E(), 0.01, 0.6));
        values["jobs_per_mu"] = D(jobsPerMu);
        values["insured_count"] = I(jobsPerMu * area * Math.Clamp(0.75 + 0.08 * v + 0.08 * E(), 0.2, 1));
        values["turnover_rate"] = D(Math.Clamp(16 - 4 * v + 4 * E(), 2, 60), 1);
        values["far"] = D(Math.Clamp(1.05 + 0.3 * v + 0.15 * E(), 0.15, 3.5));
        values["building_density"] = D(Math.Clamp(43 + 8 * v + 7 * E(), 8, 85), 1);
        values["green_ratio"] = D(Math.Clamp(17 + 3 * E(), 3, 35), 1);
        values["idle_ratio"] = D(Math.Clamp(6 - 9 * v + 6 * E(), 0, 90), 1);
        var s = v + 0.5 * E();
        values["enterprise_type"] = s > 1.3 ? (_random.NextDouble() < 0.5 ? "high_tech" : "specialized")
            : s > 0.3 ? "above_scale" : s > -0.9 ? "below_scale" : s > -1.7 ? "non_industrial" : "none";
        values["registration_status"] = v + 0.6 * E() > -1.6 ? "active"
            : new[] { "relocated", "suspended", "suspended", "revoked", "deregistered" }[_random.Next(5)];
        values["patent_count"] = I(Math.Max(0, Math.Exp(1.0 + 0.9 * v + 0.5 * E()) - 1));
        values["bidding_wins"] = I(Math.Max(0, 1.5 + 1.3 * v + E()));
        values["investment_per_mu"] = D(320 * Math.Exp(0.35 * v + 0.2 * E()), 0);
        values["industry_potential"] = v < -1.8 && industry.Potential.Contains("eliminated") ? "eliminated" : industry.Potential[_random.Next(industry.Potential.Length)];
        values["chain_efficiency"] = D(Math.Clamp(28 + 10 * v + 8 * E(), 0, 95), 1);
        values["total_output"] = I(totalOutput);
        values["total_tax"] = I(taxPerMu * area);
        values["output_per_mu"] = D(outputPerMu, 1);
        values["tax_per_mu"] = D(taxPerMu, 1);
        values["net_profit"] = I(totalOutput * (0.05 + 0.035 * v + 0.02 * E()));
        values["total_assets"] = I(totalOutput * 0.9 * Math.Exp(0.3 * E()));
        values["debt_ratio"] = D(Math.Clamp(57 - 7 * v + 8 * E(), 8, 120), 1);
        values["water_per_output"] = D(4.5 * Math.Exp(-0.4 * v + 0.3 * E()));
        values["power_per_output"] = D(380 * Math.Exp(-0.35 * v + 0.25 * E()), 0);
        values["wastewater_discharge"] = D(1300 * Math.Exp(-0.3 * v + 0.35 * E()), 0);
        values["solid_waste"] = D(20 * Math.Exp(-0.4 * v + 0.4 * E()), 1);
        values["wastewater_per_output"] = D(3.8 * Math.Exp(-0.4 * v + 0.35 * E()));

        // Missing data: a few parcels with little data at all, otherwise scattered empty cells.
        var missingShare = _random.NextDouble() < 0.02 ? 0.45 : MissingShare;
        var cells = new List<string>
        {
            parcelId,
            unit is null ? $"{street.Name}零星地块{_sequence[key]:0000}" : $"{unit.Name}{_sequence[key]:0000}号地块",
            EnterpriseName(industry),
            level,
            D(area, 1),
            industry.Code,
            unit?.Id ?? "",
            street.Name,
            insideBoundary ? "是" : "否",
            !insideBoundary && _random.NextDouble() < 0.2 || _random.NextDouble() < 0.004 ? "是" : "",
            _random.NextDouble() < 0.015 ? "是" : "",
            _random.NextDouble() < 0.01 + 0.02 * Sigmoid(-1.5 * v) ? "是" : "",
        };
        foreach (var ind in Indicators) cells.Add(_random.NextDouble() < missingShare ? "" : values[ind.Code]);

        var failing = _random.NextDouble() < VetoFailureShare * 2 * Sigmoid(-1.2 * v) ? Pick(Vetoes, x => x.Weight).Code : null;
        foreach (var veto in Vetoes)
            cells.Add(veto.Code == failing ? "否" : _random.NextDouble() < 0.01 ? "" : "是");

        cells.Add(Square(unit, street, area));
        return cells;
    }

    private string EnterpriseName(Industry industry)
    {
        var a = District.NameSyllables[_random.Next(District.NameSyllables.Length)];
        var b = District.NameSyllables[_random.Next(District.NameSyllables.Length)];
        var trade = industry.Code[..2] switch
        {
            "39" => "电子", "36" => "汽车零部件", "38" => "电气", "27" => "医药", "35" => "智能装备", "17" => "纺织", "22" => "包装",
            "26" => "化工", "30" => "建材", "29" => "塑业", "31" or "33" => "金属制品", "13" => "食品", "24" => "文体用品",
            _ => District.Trades[_random.Next(District.Trades.Length)],
        };
        return $"南京{a}{b}{trade}有限公司";
    }

    // A small square around a point near the unit (or street) centre; its side follows the area (1 亩 = 666.67 m²).
    private string Square(Unit? unit, Street street, double areaMu)
    {
        var (lon0, lat0, spread) = unit is null ? (street.Lon, street.Lat, 0.045) : (unit.Lon, unit.Lat, unit.Spread);
        var lon = lon0 + spread * Normal();
        var lat = lat0 + spread * Normal();
        var side = Math.Sqrt(areaMu * 666.67);
        var dLat = side / 111_320.0 / 2;
        var dLon = side / (111_320.0 * Math.Cos(lat * Math.PI / 180)) / 2;
        string P(double x, double y) => string.Create(CultureInfo.InvariantCulture, $"[{x:0.00000},{y:0.00000}]");
        return $"{{\"type\":\"Polygon\",\"coordinates\":[[{P(lon - dLon, lat - dLat)},{P(lon + dLon, lat - dLat)},{P(lon + dLon, lat + dLat)},{P(lon - dLon, lat + dLat)},{P(lon - dLon, lat - dLat)}]]}}";
    }

    private T Pick<T>(IReadOnlyList<T> items, Func<T, double> weight)
    {
        var total = items.Sum(weight);
        var x = _random.NextDouble() * total;
        foreach (var item in items)
        {
            x -= weight(item);
            if (x < 0) return item;
        }
        return items[^1];
    }

    // Box–Muller: a standard normal deviate.
    private double Normal()
    {
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static string I(double x) => Math.Round(x).ToString("0", CultureInfo.InvariantCulture);

    private static string D(double x, int decimals = 2) => Math.Round(x, decimals).ToString("0.##", CultureInfo.InvariantCulture);

    private static string Quote(string cell)
    {
        if (cell.IndexOfAny([',', '"', '\n', '\r']) < 0) return cell;
        var sb = new StringBuilder(cell.Length + 8).Append('"');
        sb.Append(cell.Replace("\"", "\"\"", StringComparison.Ordinal));
        return sb.Append('"').ToString();
    }
}
