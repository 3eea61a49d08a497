using System.Globalization;

namespace Scoring.Engine.Model;

/// <summary>
/// The paper's norms for a management unit's industrial land share: a park's share should exceed
/// <see cref="ParkMinimumShare"/>, a community's stay within <see cref="CommunityTolerance"/> of
/// <see cref="CommunityTargetShare"/>. Part of the model document.
/// </summary>
public sealed record LandUseNorms
{
    /// <summary>A park's industrial land share should exceed this (0.6 = 60 %).</summary>
    public double ParkMinimumShare { get; init; } = 0.6;
    /// <summary>A community's industrial land share is kept around this…</summary>
    public double CommunityTargetShare { get; init; } = 0.5;
    /// <summary>…within this many points either side.</summary>
    public double CommunityTolerance { get; init; } = 0.1;

    /// <summary>The norm that applies to a unit of <paramref name="level"/>, in words, and whether <paramref name="share"/> meets it.</summary>
    public (string Norm, bool Meets) Check(ParcelLevel level, double share) => level switch
    {
        ParcelLevel.Park => (string.Create(CultureInfo.InvariantCulture, $"park: industrial share > {ParkMinimumShare:P0}"), share > ParkMinimumShare),
        ParcelLevel.Community => (string.Create(CultureInfo.InvariantCulture, $"community: industrial share {CommunityTargetShare:P0} ± {CommunityTolerance:P0}"),
            Math.Abs(share - CommunityTargetShare) <= CommunityTolerance + 1e-12),
        _ => ("no norm for this level", true),
    };
}
