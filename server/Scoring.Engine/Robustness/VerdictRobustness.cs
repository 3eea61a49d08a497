namespace Scoring.Engine.Robustness;

/// <summary>How sure one parcel's verdict is under the uncertainty of its model's weights (issue 16).</summary>
/// <param name="PBelowThreshold">The share of weight draws that score the parcel below the threshold.</param>
/// <param name="CiLow">Lower end of its Wilson 95 % interval.</param>
/// <param name="CiHigh">Upper end of its Wilson 95 % interval.</param>
/// <param name="Draws">How many draws were scored (fewer than the version's when the interval was decisive early).</param>
/// <param name="Stable">The interval lies entirely above 0.95 or below 0.05, or a veto decides the verdict.</param>
/// <param name="CriticalElement">The element whose weight, moved least, flips the verdict; null when none can.</param>
/// <param name="CriticalWeightChange">Δ*, signed, as a weight fraction; NaN when no element can flip it.</param>
public readonly record struct VerdictRobustness(
    double PBelowThreshold,
    double CiLow,
    double CiHigh,
    int Draws,
    bool Stable,
    string? CriticalElement,
    double CriticalWeightChange);
