using System.CommandLine;
using System.CommandLine.Parsing;
using Google.Protobuf.Reflection;
using Scoring.Cli.Output;
using Scoring.V1;

namespace Scoring.Cli.Commands;

/// <summary>
/// Options that name a value of one of the contract's enums (classification, disposition, clearance tier, level): the
/// value's short name (INEFFICIENT_SCORE), its proto name (CLASSIFICATION_INEFFICIENT_SCORE) or its Chinese term (低效(评分)),
/// in any case. Anything else is a usage error naming the option and the values it takes.
/// </summary>
internal static class VerdictOptions
{
    /// <summary>--classification.</summary>
    public static Option<Classification> Classification(string description) =>
        Create<Classification>("--classification", description, "CLASSIFICATION_", Verdicts.Chinese);

    /// <summary>--disposition.</summary>
    public static Option<Disposition> Disposition(string description) =>
        Create<Disposition>("--disposition", description, "DISPOSITION_", Verdicts.Chinese);

    /// <summary>--clearance-zone.</summary>
    public static Option<ClearanceZone> ClearanceZone(string description) =>
        Create<ClearanceZone>("--clearance-zone", description, "CLEARANCE_ZONE_", Verdicts.Chinese);

    /// <summary>--level.</summary>
    public static Option<Level> Level(string description) =>
        Create<Level>("--level", description, "LEVEL_", Verdicts.Chinese);

    private static readonly EnumDescriptor[] Enums =
        [.. EvaluationReflection.Descriptor.EnumTypes, .. ParcelReflection.Descriptor.EnumTypes, .. SpatialReflection.Descriptor.EnumTypes];

    private static Option<T> Create<T>(string name, string description, string prefix, Func<T, string> chinese)
        where T : struct, Enum
    {
        var values = Enums.Single(e => e.ClrType == typeof(T)).Values.Where(v => v.Number != 0).ToList();
        var shortNames = values.Select(v => v.Name[prefix.Length..]).ToList();
        return new Option<T>(name)
        {
            Description = $"{description}: {string.Join(", ", shortNames)} (or the proto name, or the Chinese term).",
            HelpName = string.Join('|', shortNames),
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value.Trim() : "";
                foreach (var v in values)
                {
                    var value = (T)Enum.ToObject(typeof(T), v.Number);
                    if (string.Equals(text, v.Name, StringComparison.OrdinalIgnoreCase) ||
                        string.Equals(text, v.Name[prefix.Length..], StringComparison.OrdinalIgnoreCase) ||
                        (chinese(value) is { Length: > 0 } term && text == term))
                        return value;
                }
                result.AddError($"{name}: '{text}' is not one of {string.Join(", ", shortNames)}");
                return default;
            },
        };
    }
}
