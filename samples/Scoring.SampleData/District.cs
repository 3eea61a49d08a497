namespace Scoring.SampleData;

/// <summary>A street (街道) of the synthetic district, with a rough centre.</summary>
internal sealed record Street(string Name, string Code, double Lon, double Lat, double ScatteredShare);

/// <summary>A management unit (管理片区): a park or an industrial community, in one street.</summary>
internal sealed record Unit(string Id, string Name, string Level, Street Street, double Lon, double Lat, double Spread, double Vitality, double Share);

/// <summary>An industry (GB/T 4754 class) and how its parcels tend to look.</summary>
internal sealed record Industry(string Code, double Weight, double Vitality, string[] Potential);

/// <summary>The synthetic district in the likeness of Jiangning (江宁区), Nanjing: real street names, invented units.</summary>
internal static class District
{
    public static readonly Street[] Streets =
    [
        new("东山街道", "01", 118.852, 31.952, 0.10),
        new("秣陵街道", "02", 118.812, 31.888, 0.10),
        new("汤山街道", "03", 119.032, 32.062, 0.16),
        new("淳化街道", "04", 118.962, 31.936, 0.14),
        new("禄口街道", "05", 118.872, 31.742, 0.12),
        new("江宁街道", "06", 118.652, 31.822, 0.10),
        new("谷里街道", "07", 118.722, 31.852, 0.12),
        new("湖熟街道", "08", 118.982, 31.802, 0.12),
        new("横溪街道", "09", 118.762, 31.712, 0.10),
        new("麒麟街道", "10", 118.942, 32.032, 0.04),
    ];

    private static Street S(string name) => Streets.Single(s => s.Name == name);

    /// <summary>Parks and communities; Share is the part of the non-scattered parcels that lie in the unit.</summary>
    public static readonly Unit[] Units =
    [
        new("park-jetdz", "江宁经济技术开发区", "PARK", S("秣陵街道"), 118.826, 31.905, 0.030, 0.35, 0.15),
        new("park-hitech", "江宁高新区", "PARK", S("东山街道"), 118.868, 31.966, 0.020, 0.45, 0.10),
        new("park-qilin", "麒麟科技创新园", "PARK", S("麒麟街道"), 118.950, 32.040, 0.015, 0.55, 0.06),
        new("park-binjiang", "滨江经济开发区", "PARK", S("江宁街道"), 118.640, 31.840, 0.025, 0.20, 0.10),
        new("park-airport", "空港经济开发区", "PARK", S("禄口街道"), 118.880, 31.735, 0.025, 0.15, 0.08),
        new("park-tangshan", "汤山工业集中区", "PARK", S("汤山街道"), 119.040, 32.055, 0.015, -0.05, 0.05),
        new("comm-dongshan", "东山工业社区", "COMMUNITY", S("东山街道"), 118.840, 31.945, 0.015, 0.00, 0.05),
        new("comm-moling", "秣陵工业社区", "COMMUNITY", S("秣陵街道"), 118.800, 31.880, 0.015, 0.05, 0.05),
        new("comm-tangshan", "汤山工业社区", "COMMUNITY", S("汤山街道"), 119.020, 32.070, 0.015, -0.25, 0.04),
        new("comm-chunhua", "淳化工业社区", "COMMUNITY", S("淳化街道"), 118.960, 31.930, 0.015, -0.15, 0.04),
        new("comm-lukou", "禄口工业社区", "COMMUNITY", S("禄口街道"), 118.860, 31.750, 0.015, -0.10, 0.04),
        new("comm-jiangning", "江宁工业社区", "COMMUNITY", S("江宁街道"), 118.660, 31.815, 0.015, -0.10, 0.04),
        new("comm-guli", "谷里工业社区", "COMMUNITY", S("谷里街道"), 118.715, 31.860, 0.015, -0.30, 0.04),
        new("comm-hushu", "湖熟工业社区", "COMMUNITY", S("湖熟街道"), 118.990, 31.805, 0.015, -0.35, 0.04),
        new("comm-hengxi", "横溪工业社区", "COMMUNITY", S("横溪街道"), 118.770, 31.705, 0.015, -0.40, 0.04),
        new("comm-qilin", "麒麟工业社区", "COMMUNITY", S("麒麟街道"), 118.935, 32.025, 0.012, 0.10, 0.04),
    ];

    /// <summary>Industries with relative frequency, a vitality offset and the industry_potential keys they take.</summary>
    public static readonly Industry[] Industries =
    [
        new("3911", 6, 0.45, ["leading", "leading", "encouraged"]),
        new("3982", 7, 0.35, ["leading", "encouraged"]),
        new("3670", 9, 0.20, ["leading", "encouraged"]),
        new("3811", 6, 0.20, ["leading", "encouraged"]),
        new("2710", 5, 0.40, ["leading", "leading", "encouraged"]),
        new("3521", 5, 0.15, ["encouraged", "leading"]),
        new("3419", 8, 0.00, ["encouraged"]),
        new("3360", 5, -0.20, ["encouraged", "restricted"]),
        new("2927", 6, -0.15, ["encouraged", "restricted"]),
        new("1711", 4, -0.35, ["restricted", "encouraged"]),
        new("2221", 3, -0.30, ["restricted", "eliminated"]),
        new("2614", 3, -0.20, ["restricted", "encouraged"]),
        new("3031", 4, -0.40, ["restricted", "eliminated"]),
        new("3130", 2, -0.30, ["restricted", "eliminated"]),
        new("1351", 3, -0.10, ["encouraged"]),
        new("2438", 2, -0.25, ["encouraged", "restricted"]),
    ];

    // Syllables for invented enterprise names (南京 + two syllables + trade + 有限公司).
    public static readonly string[] NameSyllables =
        ["华", "金", "瑞", "恒", "泰", "宁", "江", "达", "信", "鼎", "盛", "宏", "源", "科", "锐", "博", "凯", "正", "天", "中", "新", "东", "明", "祥"];

    public static readonly string[] Trades = ["科技", "电子", "机械", "精密", "汽车零部件", "新材料", "医药", "电气", "智能装备", "包装", "纺织", "建材", "化工", "塑业"];
}
