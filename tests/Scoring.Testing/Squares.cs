using System.Globalization;
using ProjNet.CoordinateSystems;
using ProjNet.CoordinateSystems.Transformations;

namespace Scoring.Testing;

/// <summary>Hand-built squares for overlay tests, as WKT, in EPSG:4549 metres or converted to EPSG:4490 degrees.</summary>
public static class Squares
{
    /// <summary>EPSG:4549 as the EPSG registry defines it: CGCS2000, Transverse Mercator, CM 120°E, k 1, FE 500 000 m, FN 0.</summary>
    public const string Epsg4549 = """
        PROJCS["CGCS2000 / 3-degree Gauss-Kruger CM 120E",
          GEOGCS["China Geodetic Coordinate System 2000", DATUM["China_2000", SPHEROID["CGCS2000", 6378137, 298.257222101]],
            PRIMEM["Greenwich", 0], UNIT["degree", 0.0174532925199433]],
          PROJECTION["Transverse_Mercator"], PARAMETER["latitude_of_origin", 0], PARAMETER["central_meridian", 120],
          PARAMETER["scale_factor", 1], PARAMETER["false_easting", 500000], PARAMETER["false_northing", 0], UNIT["metre", 1]]
        """;

    /// <summary>The axis-aligned rectangle [x0, x1] × [y0, y1] as WKT.</summary>
    public static string Box(double x0, double y0, double x1, double y1) => string.Create(CultureInfo.InvariantCulture,
        $"POLYGON (({x0} {y0}, {x1} {y0}, {x1} {y1}, {x0} {y1}, {x0} {y0}))");

    /// <summary>The same rectangle of EPSG:4549 with its corners converted to EPSG:4490 longitude/latitude, as WKT.</summary>
    public static string BoxInDegrees(double x0, double y0, double x1, double y1)
    {
        var projected = (ProjectedCoordinateSystem)new CoordinateSystemFactory().CreateFromWkt(Epsg4549);
        var toDegrees = new CoordinateTransformationFactory().CreateFromCoordinateSystems(projected, projected.GeographicCoordinateSystem).MathTransform;
        var corners = new[] { (x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0) }
            .Select(c => toDegrees.Transform(c.Item1, c.Item2))
            .Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.x:R} {d.y:R}"));
        return $"POLYGON (({string.Join(", ", corners)}))";
    }

    /// <summary>The rectangle as a GeoJSON Polygon geometry.</summary>
    public static string BoxJson(double x0, double y0, double x1, double y1) => string.Create(CultureInfo.InvariantCulture,
        $$"""{"type":"Polygon","coordinates":[[[{{x0}},{{y0}}],[{{x1}},{{y0}}],[{{x1}},{{y1}}],[{{x0}},{{y1}}],[{{x0}},{{y0}}]]]}""");

    /// <summary>A FeatureCollection of rectangles (x0, y0, x1, y1).</summary>
    public static string Collection(params (double X0, double Y0, double X1, double Y1)[] boxes) =>
        $$"""{"type":"FeatureCollection","features":[{{string.Join(",", boxes.Select(b => $$"""{"type":"Feature","properties":{},"geometry":{{BoxJson(b.X0, b.Y0, b.X1, b.Y1)}}}"""))}}]}""";
}
