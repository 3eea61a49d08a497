using Scoring.Engine.Evaluation;
using Scoring.Engine.Spatial;
using Scoring.Storage.Parcels;

namespace Scoring.Server.Spatial;

/// <summary>Outlines on their way into the cache: checked, and stored naming their coordinate system.</summary>
public static class ParcelOutlines
{
    /// <summary>
    /// Checks <paramref name="write"/>'s geometry (with its crs, else the one it names, else <paramref name="defaultEpsg"/>);
    /// when a crs is given beside it, the stored text names it (GeoJSON "crs" member or EWKT prefix), so a later evaluation
    /// reads the outline in the system it was given in. Problems name <c>geometry</c> or <c>crs</c> under <paramref name="prefix"/>.
    /// </summary>
    public static ParcelWrite Fold(ParcelWrite write, int defaultEpsg, List<FieldViolation> violations, string prefix)
    {
        if (string.IsNullOrWhiteSpace(write.Geometry))
        {
            if (write.Crs is not null) violations.Add(new(prefix + "crs", "is given without a geometry"));
            return write;
        }
        var shape = ShapeReader.Read(write.Geometry, write.Crs, defaultEpsg, violations, prefix);
        if (shape is null || write.Crs is null) return write;
        return write with { Geometry = ShapeText.WithCrs(write.Geometry, shape.Epsg), Crs = null };
    }
}
