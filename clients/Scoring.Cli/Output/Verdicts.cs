using Google.Protobuf.Reflection;
using Scoring.V1;

namespace Scoring.Cli.Output;

/// <summary>Names of the contract's enum values as files and tables show them.</summary>
internal static class Verdicts
{
    /// <summary>EFFICIENT, INEFFICIENT_VETO, … (the proto name without its prefix).</summary>
    public static string Short(Classification c) => Strip(typeof(Classification), (int)c, "CLASSIFICATION_");

    /// <summary>RETAINED, IDENTIFIED_INEFFICIENT, …</summary>
    public static string Short(Disposition d) => Strip(typeof(Disposition), (int)d, "DISPOSITION_");

    /// <summary>MUST, ENCOURAGED, CONSIDERED, NONE or UNSPECIFIED.</summary>
    public static string Short(ClearanceZone z) => Strip(typeof(ClearanceZone), (int)z, "CLEARANCE_ZONE_");

    /// <summary>HIGH_STANDARD_FACTORY, CAPACITY_UPGRADE, … .</summary>
    public static string Short(RedevelopmentMode m) => Strip(typeof(RedevelopmentMode), (int)m, "REDEVELOPMENT_MODE_");

    /// <summary>PARK, COMMUNITY, SCATTERED or UNSPECIFIED.</summary>
    public static string Short(Level l) => Strip(typeof(Level), (int)l, "LEVEL_");

    /// <summary>The Chinese label of a classification.</summary>
    public static string Chinese(Classification c) => c switch
    {
        Classification.Efficient => "非低效",
        Classification.Review => "待研判",
        Classification.InefficientScore => "低效(评分)",
        Classification.InefficientVeto => "低效(否决)",
        Classification.InsufficientData => "数据不足",
        _ => "",
    };

    /// <summary>The Chinese label of a disposition (the legend of the paper's Figure 3).</summary>
    public static string Chinese(Disposition d) => d switch
    {
        Disposition.Retained => "现状保留",
        Disposition.IdentifiedInefficient => "低效认定",
        Disposition.LocallyReported => "地方上报",
        Disposition.EcologicalClearance => "生态清退",
        Disposition.RedevelopmentUnderway => "正在推进",
        _ => "",
    };

    /// <summary>The Chinese label of a level.</summary>
    public static string Chinese(Level l) => l switch
    {
        Level.Park => "工业园区",
        Level.Community => "工业社区",
        Level.Scattered => "零星工业地块",
        _ => "未指定",
    };

    /// <summary>Whether a classification makes the parcel inefficient (veto or score).</summary>
    public static bool IsInefficient(Classification c) => c is Classification.InefficientVeto or Classification.InefficientScore;

    private static readonly Dictionary<Type, EnumDescriptor> Enums =
        EvaluationReflection.Descriptor.EnumTypes.Concat(ParcelReflection.Descriptor.EnumTypes).Concat(SpatialReflection.Descriptor.EnumTypes).ToDictionary(e => e.ClrType);

    private static string Strip(Type enumType, int number, string prefix)
    {
        var name = Enums[enumType].FindValueByNumber(number)?.Name ?? number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : name;
    }
}
