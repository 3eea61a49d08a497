using Scoring.Engine.Spatial;

namespace Scoring.Server.Spatial;

/// <summary>The <c>Spatial</c> configuration section.</summary>
public sealed class SpatialOptions
{
    /// <summary>The section's name.</summary>
    public const string Section = "Spatial";

    /// <summary>Coordinate system of a geometry that names none (e.g. "EPSG:4490", the default, or "EPSG:4549").</summary>
    public string DefaultCrs { get; init; } = "EPSG:4490";

    /// <summary>A flag is derived true when at least this share of the parcel's area lies inside the layer (default 0.5).</summary>
    public double OverlapShare { get; init; } = 0.5;

    /// <summary>Seconds between looks for layer versions uploaded through other replicas.</summary>
    public double RefreshSeconds { get; init; } = 5;

    /// <summary>The relative gap between area_mu and the outline's area above which an evaluation carries a warning.</summary>
    public double AreaTolerance { get; init; } = 0.10;

    /// <summary><see cref="DefaultCrs"/> as an EPSG code; throws at start-up when it names no accepted system.</summary>
    public int DefaultEpsg => CoordinateSystems.Parse(DefaultCrs) ??
        throw new InvalidOperationException($"Spatial:DefaultCrs '{DefaultCrs}' is not an accepted coordinate system; use {CoordinateSystems.Accepted}.");

    /// <summary>Reads the section and checks it.</summary>
    public static SpatialOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<SpatialOptions>() ?? new SpatialOptions();
        _ = options.DefaultEpsg;
        if (!(options.OverlapShare is > 0 and <= 1)) throw new InvalidOperationException($"Spatial:OverlapShare must be in (0, 1], not {options.OverlapShare}.");
        return options;
    }
}
