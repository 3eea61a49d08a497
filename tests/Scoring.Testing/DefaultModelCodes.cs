namespace Scoring.Testing;

/// <summary>Codes of the default model (server/Scoring.Server/Models/default-model.json) in its own order, as the tests write them.</summary>
public static class DefaultModelCodes
{
    /// <summary>The eight veto codes of domain.md.</summary>
    public static readonly IReadOnlyList<string> Vetoes =
    [
        "legal_land_certificate", "land_use_plan", "spatial_plan",
        "contract_performance", "safety", "environmental", "nimby", "construction",
    ];

    /// <summary>Every veto answered "met" (a new map each call, free to change).</summary>
    public static Dictionary<string, bool> AllVetoesMet() => Vetoes.ToDictionary(c => c, _ => true);

    /// <summary>The six elements, in the order an evaluation lists them.</summary>
    public static readonly IReadOnlyList<string> Elements = ["population", "land", "enterprise", "industry", "economy", "energy"];

    /// <summary>The indicators of the energy element.</summary>
    public static readonly IReadOnlyList<string> EnergyIndicators =
        ["water_per_output", "power_per_output", "wastewater_discharge", "solid_waste", "wastewater_per_output"];
}
