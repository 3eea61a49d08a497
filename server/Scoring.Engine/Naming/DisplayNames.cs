using System.Collections.Frozen;
using System.Text;
using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;

namespace Scoring.Engine.Naming;

/// <summary>The languages display names come in.</summary>
public enum DisplayLanguage
{
    /// <summary>Chinese (简体中文).</summary>
    Zh,
    /// <summary>English.</summary>
    En,
}

/// <summary>What people read for a value: its Chinese and its English name.</summary>
/// <param name="Zh">The Chinese name.</param>
/// <param name="En">The English name.</param>
public readonly record struct DisplayName(string Zh, string En)
{
    /// <summary>The name in <paramref name="language"/>.</summary>
    public string In(DisplayLanguage language) => language == DisplayLanguage.Zh ? Zh : En;
}

/// <summary>
/// The one table of display names: every value of the contract's enums (by the proto names, which never change), and
/// the English names of the default model's elements, indicators and vetoes (their Chinese names are the model's own).
/// The server answers GetLabels and the Accept-Language labels from it; the console client and the maps word their
/// tables and legends from it.
/// </summary>
public static class DisplayNames
{
    /// <summary>The proto package the enum names below live in.</summary>
    public const string Package = "scoring.v1";

    // (enum, value, 中文, English): every value of every enum under protos/scoring/v1, UNSPECIFIED included.
    private static readonly (string Enum, string Value, string Zh, string En)[] EnumRows =
    [
        ("Classification", "CLASSIFICATION_UNSPECIFIED", "未指定", "Unspecified"),
        ("Classification", "CLASSIFICATION_EFFICIENT", "非低效", "Efficient"),
        ("Classification", "CLASSIFICATION_REVIEW", "待研判", "Needs review"),
        ("Classification", "CLASSIFICATION_INEFFICIENT_SCORE", "低效(评分)", "Inefficient (score)"),
        ("Classification", "CLASSIFICATION_INEFFICIENT_VETO", "低效(否决)", "Inefficient (veto)"),
        ("Classification", "CLASSIFICATION_INSUFFICIENT_DATA", "数据不足", "Insufficient data"),

        // The legend of the paper's Figure 3.
        ("Disposition", "DISPOSITION_UNSPECIFIED", "未指定", "Unspecified"),
        ("Disposition", "DISPOSITION_RETAINED", "现状保留", "Retained as it is"),
        ("Disposition", "DISPOSITION_IDENTIFIED_INEFFICIENT", "低效认定", "Identified as inefficient"),
        ("Disposition", "DISPOSITION_LOCALLY_REPORTED", "地方上报", "Reported locally"),
        ("Disposition", "DISPOSITION_ECOLOGICAL_CLEARANCE", "生态清退", "Ecological clearance"),
        ("Disposition", "DISPOSITION_REDEVELOPMENT_UNDERWAY", "正在推进", "Redevelopment under way"),

        ("ValueOrigin", "VALUE_ORIGIN_UNSPECIFIED", "无数值", "No value"),
        ("ValueOrigin", "VALUE_ORIGIN_INLINE", "请求提供", "Given in the request"),
        ("ValueOrigin", "VALUE_ORIGIN_CACHE", "指标缓存", "From the indicator cache"),

        ("EvaluationView", "EVALUATION_VIEW_UNSPECIFIED", "默认", "Default"),
        ("EvaluationView", "EVALUATION_VIEW_BASIC", "基本", "Basic"),
        ("EvaluationView", "EVALUATION_VIEW_FULL", "完整", "Full"),
        ("EvaluationView", "EVALUATION_VIEW_ROBUSTNESS", "稳健性", "Robustness"),

        ("LayerKind", "LAYER_KIND_UNSPECIFIED", "未指定", "Unspecified"),
        ("LayerKind", "LAYER_KIND_ECOLOGICAL_RED_LINE", "生态保护红线", "Ecological protection red line"),
        ("LayerKind", "LAYER_KIND_DEVELOPMENT_BOUNDARY", "城镇开发边界", "Urban development boundary"),
        ("LayerKind", "LAYER_KIND_CLEARANCE_MUST", "必须清退区", "Must-clear zone"),
        ("LayerKind", "LAYER_KIND_CLEARANCE_ENCOURAGED", "鼓励清退区", "Clearance-encouraged zone"),
        ("LayerKind", "LAYER_KIND_CLEARANCE_CONSIDERED", "可考虑清退区", "Clearance-considered zone"),
        ("LayerKind", "LAYER_KIND_REDEVELOPMENT_PROJECT", "正在推进的更新项目", "Redevelopment project under way"),
        ("LayerKind", "LAYER_KIND_MAIN_URBAN_AREA", "主城区", "Main urban area"),

        ("IndicatorKind", "INDICATOR_KIND_UNSPECIFIED", "未指定", "Unspecified"),
        ("IndicatorKind", "INDICATOR_KIND_NUMERIC", "数值型", "Numeric"),
        ("IndicatorKind", "INDICATOR_KIND_CATEGORY", "类别型", "Categorical"),

        // The three-level evaluation structure (三级评价结构).
        ("Level", "LEVEL_UNSPECIFIED", "未指定", "Unspecified"),
        ("Level", "LEVEL_PARK", "工业园区", "Industrial park"),
        ("Level", "LEVEL_COMMUNITY", "工业社区", "Industrial community"),
        ("Level", "LEVEL_SCATTERED", "零星工业地块", "Scattered industrial plot"),

        ("ValueKind", "VALUE_KIND_UNSPECIFIED", "未指定", "Unspecified"),
        ("ValueKind", "VALUE_KIND_NUMBER", "数值", "Number"),
        ("ValueKind", "VALUE_KIND_CATEGORY", "类别", "Category"),
        ("ValueKind", "VALUE_KIND_VETO", "否决项答复", "Veto answer"),

        ("VetoAnswer", "VETO_ANSWER_UNSPECIFIED", "未答复", "No answer"),
        ("VetoAnswer", "VETO_ANSWER_MET", "满足", "Met"),
        ("VetoAnswer", "VETO_ANSWER_FAILED", "不满足", "Not met"),

        // The clearance tiers of the exit plan (清退区).
        ("ClearanceZone", "CLEARANCE_ZONE_UNSPECIFIED", "无法判定", "Cannot be told"),
        ("ClearanceZone", "CLEARANCE_ZONE_NONE", "不在清退区", "In no clearance zone"),
        ("ClearanceZone", "CLEARANCE_ZONE_MUST", "必须清退区", "Must be cleared"),
        ("ClearanceZone", "CLEARANCE_ZONE_ENCOURAGED", "鼓励清退区", "Clearance encouraged"),
        ("ClearanceZone", "CLEARANCE_ZONE_CONSIDERED", "可考虑清退区", "Clearance may be considered"),

        // The redevelopment modes of the paper's section 4.2.2.
        ("RedevelopmentMode", "REDEVELOPMENT_MODE_UNSPECIFIED", "未指定", "Unspecified"),
        ("RedevelopmentMode", "REDEVELOPMENT_MODE_HIGH_STANDARD_FACTORY", "工改高标准厂房", "Industrial to high-standard factories"),
        ("RedevelopmentMode", "REDEVELOPMENT_MODE_CAPACITY_UPGRADE", "增容技改", "Capacity and technology upgrade"),
        ("RedevelopmentMode", "REDEVELOPMENT_MODE_RESEARCH", "工改科研", "Industrial to research"),
        ("RedevelopmentMode", "REDEVELOPMENT_MODE_COMMERCIAL_OFFICE", "工改商办", "Industrial to commercial and office"),
        ("RedevelopmentMode", "REDEVELOPMENT_MODE_RESIDENTIAL", "工改居住", "Industrial to residential"),
        ("RedevelopmentMode", "REDEVELOPMENT_MODE_SUPPORTING", "工改配套", "Industrial to supporting facilities"),
        ("RedevelopmentMode", "REDEVELOPMENT_MODE_CONTIGUOUS_RENEWAL", "连片改造", "Contiguous renewal"),
        ("RedevelopmentMode", "REDEVELOPMENT_MODE_ECOLOGICAL_RESTORATION", "工业生态修复", "Ecological restoration of industrial land"),
    ];

    // English names of the default model's codes (the paper's Table 1 and its veto list); a model's own codes that are
    // not here show their code.
    private static readonly FrozenDictionary<string, string> CodeEnglish = new Dictionary<string, string>
    {
        // Elements: 人—地—企—产—财—能.
        ["population"] = "Population and employment", ["land"] = "Land use", ["enterprise"] = "Enterprise base",
        ["industry"] = "Industrial agglomeration", ["economy"] = "Economic returns", ["energy"] = "Energy consumption",
        // Indicators.
        ["talent_count"] = "Skilled staff", ["jobs_per_mu"] = "Jobs per mu", ["insured_count"] = "Insured employees",
        ["turnover_rate"] = "Staff turnover rate",
        ["far"] = "Floor area ratio", ["building_density"] = "Building density", ["green_ratio"] = "Green space ratio",
        ["idle_ratio"] = "Idle land ratio",
        ["enterprise_type"] = "Enterprise type", ["registration_status"] = "Registration status", ["patent_count"] = "Patents",
        ["bidding_wins"] = "Tenders won",
        ["investment_per_mu"] = "Industrial investment", ["industry_potential"] = "Industrial potential",
        ["chain_efficiency"] = "Industrial chain efficiency",
        ["total_output"] = "Total output value", ["total_tax"] = "Total tax revenue", ["output_per_mu"] = "Output value per mu",
        ["tax_per_mu"] = "Tax revenue per mu", ["net_profit"] = "Net profit", ["total_assets"] = "Total assets",
        ["debt_ratio"] = "Debt ratio",
        ["water_per_output"] = "Water use per unit of output", ["power_per_output"] = "Electricity use per unit of output",
        ["wastewater_discharge"] = "Industrial wastewater discharge", ["solid_waste"] = "Solid waste generated",
        ["wastewater_per_output"] = "Wastewater per unit of output",
        // Vetoes (一票否决): each is a requirement the parcel must meet.
        ["legal_land_certificate"] = "Holds a legal industrial land certificate",
        ["land_use_plan"] = "Within the construction land quota of the general land use plan",
        ["spatial_plan"] = "Conforms to the use in the territorial spatial plan",
        ["contract_performance"] = "Performs as the land contract requires",
        ["safety"] = "Meets safety requirements", ["environmental"] = "Meets environmental protection requirements",
        ["nimby"] = "Meets neighbourhood (NIMBY) requirements", ["construction"] = "Meets construction requirements",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Proto enum full name (scoring.v1.Classification) → value name (CLASSIFICATION_EFFICIENT) → its names.</summary>
    public static FrozenDictionary<string, FrozenDictionary<string, DisplayName>> Enums { get; } =
        EnumRows.GroupBy(r => $"{Package}.{r.Enum}")
            .ToFrozenDictionary(g => g.Key, g => g.ToFrozenDictionary(r => r.Value, r => new DisplayName(r.Zh, r.En), StringComparer.Ordinal), StringComparer.Ordinal);

    /// <summary>The names of value <paramref name="valueName"/> of proto enum <paramref name="enumFullName"/>, or null.</summary>
    public static DisplayName? Of(string enumFullName, string valueName) =>
        Enums.TryGetValue(enumFullName, out var values) && values.TryGetValue(valueName, out var name) ? name : null;

    /// <summary>
    /// The names of a .NET enum member named as protoc names it: <c>Member("ClearanceZone", "Must")</c> is
    /// CLEARANCE_ZONE_MUST of scoring.v1.ClearanceZone. Null when there is none.
    /// </summary>
    public static DisplayName? Member(string enumName, string member)
    {
        var prefix = UpperSnake(enumName);
        return Of($"{Package}.{enumName}", $"{prefix}_{UpperSnake(member)}");
    }

    /// <summary>The names of a classification.</summary>
    public static DisplayName Of(Classification classification) => Member(nameof(Classification), classification.ToString()) ?? Unnamed;

    /// <summary>The names of a disposition.</summary>
    public static DisplayName Of(Disposition disposition) => Member(nameof(Disposition), disposition.ToString()) ?? Unnamed;

    /// <summary>An element's names: the model's Chinese name and the English one of its code.</summary>
    public static DisplayName Of(ElementDefinition element) => new(element.Name, English(element.Code));

    /// <summary>An indicator's names: the model's Chinese name and the English one of its code.</summary>
    public static DisplayName Of(IndicatorDefinition indicator) => new(indicator.Name, English(indicator.Code));

    /// <summary>A veto check's names: the model's Chinese name and the English one of its code.</summary>
    public static DisplayName Of(VetoDefinition veto) => new(veto.Name, English(veto.Code));

    /// <summary>A redevelopment mode's names by the code a model's rules give it (high_standard_factory …), or null.</summary>
    public static DisplayName? Mode(string code) => Of($"{Package}.RedevelopmentMode", "REDEVELOPMENT_MODE_" + code.ToUpperInvariant());

    private static readonly DisplayName Unnamed = new("", "");

    private static string English(string code) => CodeEnglish.GetValueOrDefault(code, code);

    // InefficientScore → INEFFICIENT_SCORE, as protoc turns value names into .NET members and back.
    private static string UpperSnake(string pascal)
    {
        var s = new StringBuilder(pascal.Length + 8);
        for (var i = 0; i < pascal.Length; i++)
        {
            if (i > 0 && char.IsUpper(pascal[i]) && !char.IsUpper(pascal[i - 1])) s.Append('_');
            s.Append(char.ToUpperInvariant(pascal[i]));
        }
        return s.ToString();
    }
}
