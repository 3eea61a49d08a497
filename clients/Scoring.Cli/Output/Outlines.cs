using NetTopologySuite.Geometries;
using Scoring.Engine.Spatial;

namespace Scoring.Cli.Output;

/// <summary>
/// Reads parcels' outlines for a GIS file, which holds one coordinate system: the first outline's, as it names itself
/// (a GeoJSON crs member, an EWKT SRID= prefix) or as given beside it, else <see cref="DefaultEpsg"/>, the server's default.
/// An outline in another system, or one that is not a polygon, is refused with the reason.
/// </summary>
internal sealed class Outlines
{
    /// <summary>The system of an outline that names none: CGCS2000 geographic, as the server's Spatial:DefaultCrs is by default.</summary>
    public const int DefaultEpsg = CoordinateSystems.Cgcs2000;

    /// <summary>The file's system, once an outline has been read.</summary>
    public int? Epsg { get; private set; }

    /// <summary>The system the file declares: its outlines', or the default when it has none.</summary>
    public int DeclaredEpsg => Epsg ?? DefaultEpsg;

    /// <summary>The outline as a geometry with its SRID set; null with no reason when there is none, null with <paramref name="problem"/> when it is refused.</summary>
    public Geometry? Read(Outline? outline, out string? problem)
    {
        var geometry = Parse(outline, out problem);
        if (geometry is null) return null;
        Epsg ??= geometry.SRID;
        if (geometry.SRID != Epsg)
        {
            problem = $"is in EPSG:{geometry.SRID}, but the file holds EPSG:{Epsg} (its first outline's system); a GIS file holds one coordinate system";
            return null;
        }
        return geometry;
    }

    /// <summary>
    /// An outline as a polygon or multipolygon with its SRID set to its system, whatever other outlines are in; null with
    /// no reason when there is none, null with <paramref name="problem"/> when it cannot be read.
    /// </summary>
    public static Geometry? Parse(Outline? outline, out string? problem)
    {
        problem = null;
        if (outline is null || string.IsNullOrWhiteSpace(outline.Geometry)) return null;
        var geometry = ShapeReader.Parse(outline.Geometry, out var named, out problem);
        if (geometry is null) return null;
        var crs = string.IsNullOrWhiteSpace(outline.Crs) ? named : outline.Crs;
        var epsg = crs is null ? DefaultEpsg : CoordinateSystems.Parse(crs);
        if (epsg is null)
        {
            problem = $"names the coordinate system '{crs}', which is not one of {CoordinateSystems.Accepted}";
            return null;
        }
        if (geometry is not (Polygon or MultiPolygon) || geometry.IsEmpty)
        {
            problem = $"must be a Polygon or MultiPolygon, not {(geometry.IsEmpty ? "an empty geometry" : "a " + geometry.GeometryType)}";
            return null;
        }
        geometry.SRID = epsg.Value;
        return geometry;
    }
}
