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
    public static string Chinese(Classification c) => Maps.ChineseTerms.Of(c);

    /// <summary>The Chinese label of a disposition (the legend of the paper's Figure 3).</summary>
    public static string Chinese(Disposition d) => Maps.ChineseTerms.Of(d);

    /// <summary>The Chinese label of a level.</summary>
    public static string Chinese(Level l) => l == Level.Unspecified ? "未指定" : Maps.ChineseTerms.Of(l);

    /// <summary>The Chinese name of a clearance tier (the paper's 清退区); empty when not known.</summary>
    public static string Chinese(ClearanceZone z) => Maps.ChineseTerms.Of(z);

    /// <summary>The Chinese name of a redevelopment mode (the paper's section 4.2.2).</summary>
    public static string Chinese(RedevelopmentMode m) => Maps.ChineseTerms.Of(m);

    /// <summary>A classification as a file in <paramref name="labels"/> writes it.</summary>
    public static string Term(Classification c, Labels labels) => labels == Labels.Zh ? Chinese(c) : Short(c);

    /// <summary>A disposition as a file in <paramref name="labels"/> writes it.</summary>
    public static string Term(Disposition d, Labels labels) => labels == Labels.Zh ? Chinese(d) : Short(d);

    /// <summary>A level as a file in <paramref name="labels"/> writes it.</summary>
    public static string Term(Level l, Labels labels) => labels == Labels.Zh ? Chinese(l) : Short(l);

    /// <summary>A clearance tier as a file in <paramref name="labels"/> writes it: empty when not known.</summary>
    public static string Term(ClearanceZone z, Labels labels) =>
        z == ClearanceZone.Unspecified ? "" : labels == Labels.Zh ? Chinese(z) : Short(z);

    /// <summary>Suggested modes as a file in <paramref name="labels"/> writes them, joined as <see cref="Join"/> does.</summary>
    public static string Terms(IEnumerable<RedevelopmentMode> modes, Labels labels) =>
        Join(modes.Select(m => labels == Labels.Zh ? Chinese(m) : Short(m)), labels);

    /// <summary>A list in one cell: ';'-separated in English (as CSV has always been), '、' in Chinese.</summary>
    public static string Join(IEnumerable<string> items, Labels labels) => string.Join(labels == Labels.Zh ? "、" : ";", items);

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
