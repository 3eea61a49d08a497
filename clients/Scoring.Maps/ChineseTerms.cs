using Scoring.Engine.Naming;

namespace Scoring.Maps;

/// <summary>
/// The Chinese terms of the verdicts, levels, tiers, modes and layers, from the one table of display names
/// (<see cref="DisplayNames"/>): the contract's, the engine's and the maps' enums name their members as protoc names
/// the proto values (InefficientScore, IdentifiedInefficient, HighStandardFactory …), so the console client and the
/// server's map page word them alike.
/// </summary>
public static class ChineseTerms
{
    /// <summary>The Chinese term of an enum member (empty for Unspecified and anything unknown).</summary>
    public static string Of(Enum value)
    {
        var member = value.ToString();
        if (member == "Unspecified") return "";
        var contractEnum = value.GetType().Name switch
        {
            nameof(MapDisposition) => "Disposition",
            nameof(MapLayerKind) => "LayerKind",
            "ParcelLevel" => "Level",
            var name => name,
        };
        return DisplayNames.Member(contractEnum, member)?.Zh ?? "";
    }
}
