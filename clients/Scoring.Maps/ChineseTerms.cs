namespace Scoring.Maps;

/// <summary>
/// The Chinese terms of the verdicts, by the name of the enum member that holds them: the contract's and the engine's
/// enums name their members alike (InefficientScore, IdentifiedInefficient, HighStandardFactory …), so the console client
/// and the server's map page word them from this one table.
/// </summary>
public static class ChineseTerms
{
    private static readonly Dictionary<string, string> Terms = new(StringComparer.Ordinal)
    {
        // Classification.
        ["Efficient"] = "非低效", ["Review"] = "待研判", ["InefficientScore"] = "低效(评分)", ["InefficientVeto"] = "低效(否决)",
        ["InsufficientData"] = "数据不足",
        // Disposition: the legend of the paper's Figure 3.
        ["Retained"] = "现状保留", ["IdentifiedInefficient"] = "低效认定", ["LocallyReported"] = "地方上报", ["EcologicalClearance"] = "生态清退",
        ["RedevelopmentUnderway"] = "正在推进",
        // Level.
        ["Park"] = "工业园区", ["Community"] = "工业社区", ["Scattered"] = "零星工业地块",
        // Clearance tier (清退区).
        ["Must"] = "必须清退区", ["Encouraged"] = "鼓励清退区", ["Considered"] = "可考虑清退区", ["None"] = "不在清退区",
        // Redevelopment mode (section 4.2.2).
        ["HighStandardFactory"] = "工改高标准厂房", ["CapacityUpgrade"] = "增容技改", ["Research"] = "工改科研", ["CommercialOffice"] = "工改商办",
        ["Residential"] = "工改居住", ["Supporting"] = "工改配套", ["ContiguousRenewal"] = "连片改造", ["EcologicalRestoration"] = "工业生态修复",
    };

    /// <summary>The Chinese term of an enum member (empty for Unspecified and anything unknown).</summary>
    public static string Of(Enum value) => Terms.GetValueOrDefault(value.ToString(), "");
}
