using System.Collections.Concurrent;
using System.Globalization;
using NetTopologySuite.Geometries;
using ProjNet.CoordinateSystems;
using ProjNet.CoordinateSystems.Transformations;

namespace Scoring.Engine.Spatial;

/// <summary>
/// The coordinate systems a parcel or a layer may be given in, and the planar frame areas and overlaps are computed in:
/// CGCS2000 geographic (EPSG:4490), its Gauss–Krüger 3° zones (EPSG:4513–4533 with the zone number in the false easting,
/// EPSG:4534–4554 without) and WGS 84 (EPSG:4326, taken as CGCS2000: the two differ by centimetres). Coordinates are read
/// in GIS order, x then y: longitude then latitude, easting then northing (EPSG lists the GK systems' axes northing first;
/// GeoJSON, WKT and every GIS file write easting first).
/// </summary>
public static class CoordinateSystems
{
    /// <summary>CGCS2000 geographic.</summary>
    public const int Cgcs2000 = 4490;
    /// <summary>WGS 84 geographic.</summary>
    public const int Wgs84 = 4326;
    /// <summary>First GK 3° zone system with the zone number in the false easting (zone 25, central meridian 75°E).</summary>
    public const int FirstZoneCode = 4513;
    /// <summary>First GK 3° zone system without the zone number (central meridian 75°E).</summary>
    public const int FirstMeridianCode = 4534;
    /// <summary>Zones 25–45 (central meridians 75°E–135°E) have EPSG codes.</summary>
    public const int FirstZone = 25, LastZone = 45;
    /// <summary>The planar frame's false easting: 500 km, no zone number.</summary>
    public const double FrameFalseEasting = 500_000;

    private static readonly ConcurrentDictionary<int, MathTransform> ToFrame = new();

    /// <summary>The accepted codes, for messages.</summary>
    public const string Accepted = "EPSG:4490, EPSG:4513–EPSG:4554 or EPSG:4326";

    /// <summary>
    /// Reads a crs name: <c>EPSG:4549</c>, <c>4549</c>, <c>urn:ogc:def:crs:EPSG::4549</c>, or <c>CRS84</c> (WGS 84 in
    /// longitude order); null when it names no accepted system.
    /// </summary>
    public static int? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var t = text.Trim();
        if (t.EndsWith("CRS84", StringComparison.OrdinalIgnoreCase)) return Wgs84;
        var colon = t.LastIndexOf(':');
        var digits = colon >= 0 ? t[(colon + 1)..] : t;
        if (colon >= 0 && !t.Contains("EPSG", StringComparison.OrdinalIgnoreCase)) return null;
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && IsAccepted(code) ? code : null;
    }

    /// <summary>Whether <paramref name="epsg"/> is one of the accepted systems.</summary>
    public static bool IsAccepted(int epsg) => epsg is Cgcs2000 or Wgs84 or >= FirstZoneCode and <= FirstMeridianCode + LastZone - FirstZone;

    /// <summary>Whether coordinates in <paramref name="epsg"/> are degrees.</summary>
    public static bool IsGeographic(int epsg) => epsg is Cgcs2000 or Wgs84;

    /// <summary>The zone and false easting of a GK system (from the EPSG definitions: central meridian 3° × zone).</summary>
    public static (int Zone, double FalseEasting) GaussKruger(int epsg) => epsg switch
    {
        >= FirstZoneCode and < FirstMeridianCode => (FirstZone + epsg - FirstZoneCode, (FirstZone + epsg - FirstZoneCode) * 1e6 + 500_000),
        >= FirstMeridianCode and <= FirstMeridianCode + LastZone - FirstZone => (FirstZone + epsg - FirstMeridianCode, 500_000),
        _ => throw new ArgumentOutOfRangeException(nameof(epsg), epsg, "not a CGCS2000 Gauss–Krüger 3° zone"),
    };

    /// <summary>The 3° zone whose central meridian is nearest <paramref name="longitude"/>.</summary>
    public static int ZoneOf(double longitude) => (int)Math.Floor(longitude / 3 + 0.5);

    /// <summary>
    /// The zone <paramref name="geometry"/> (in <paramref name="epsg"/>) is measured in: a GK system's own zone, else the zone
    /// of the centre of its envelope's longitude.
    /// </summary>
    public static int FrameZone(Geometry geometry, int epsg) =>
        IsGeographic(epsg) ? ZoneOf(geometry.EnvelopeInternal.Centre.X) : GaussKruger(epsg).Zone;

    /// <summary>
    /// A copy of <paramref name="geometry"/> (in <paramref name="epsg"/>) in the planar frame of <paramref name="zone"/>: GK
    /// on the CGCS2000 ellipsoid, central meridian 3° × zone, false easting 500 km, in metres.
    /// </summary>
    public static Geometry ToPlanar(Geometry geometry, int epsg, int zone)
    {
        var copy = geometry.Copy();
        if (IsGeographic(epsg))
        {
            copy.Apply(new Projection(ToFrame.GetOrAdd(zone, CreateTransform)));
        }
        else
        {
            var (own, falseEasting) = GaussKruger(epsg);
            if (own != zone)
            {
                // Another zone: back to degrees with its own system, then into the frame.
                var back = CreateTransform(own).Inverse();
                copy.Apply(new Shift(falseEasting - FrameFalseEasting));
                copy.Apply(new Projection(back));
                copy.Apply(new Projection(ToFrame.GetOrAdd(zone, CreateTransform)));
            }
            else if (falseEasting != FrameFalseEasting)
            {
                // The same zone: the systems differ only by the false easting.
                copy.Apply(new Shift(falseEasting - FrameFalseEasting));
            }
        }
        copy.GeometryChanged();
        return copy;
    }

    /// <summary>The WKT of the planar frame of <paramref name="zone"/>, written from the EPSG parameters of the GK 3° zones.</summary>
    public static string FrameWkt(int zone) =>
        ProjectedWkt($"CGCS2000 / 3-degree Gauss-Kruger CM {3 * zone}E", 3 * zone, FrameFalseEasting, authority: null);

    /// <summary>
    /// The OGC WKT (version 1, with its EPSG authority) of an accepted system, as a Shapefile's .prj or a GeoPackage's
    /// gpkg_spatial_ref_sys declares it; throws for a code that is not accepted.
    /// </summary>
    public static string Wkt(int epsg) => epsg switch
    {
        Cgcs2000 => Cgcs2000Geographic,
        Wgs84 => "GEOGCS[\"WGS 84\", DATUM[\"WGS_1984\", SPHEROID[\"WGS 84\", 6378137, 298.257223563, AUTHORITY[\"EPSG\", \"7030\"]], " +
                 "AUTHORITY[\"EPSG\", \"6326\"]], PRIMEM[\"Greenwich\", 0, AUTHORITY[\"EPSG\", \"8901\"]], " +
                 "UNIT[\"degree\", 0.0174532925199433, AUTHORITY[\"EPSG\", \"9122\"]], AUTHORITY[\"EPSG\", \"4326\"]]",
        _ when IsAccepted(epsg) => ProjectedWkt(Name(epsg), 3 * GaussKruger(epsg).Zone, GaussKruger(epsg).FalseEasting, epsg),
        _ => throw new ArgumentOutOfRangeException(nameof(epsg), epsg, $"not one of {Accepted}"),
    };

    /// <summary>The EPSG name of an accepted system, e.g. "CGCS2000 / 3-degree Gauss-Kruger CM 120E".</summary>
    public static string Name(int epsg) => epsg switch
    {
        Cgcs2000 => "China Geodetic Coordinate System 2000",
        Wgs84 => "WGS 84",
        >= FirstZoneCode and < FirstMeridianCode => $"CGCS2000 / 3-degree Gauss-Kruger zone {GaussKruger(epsg).Zone}",
        _ when IsAccepted(epsg) => $"CGCS2000 / 3-degree Gauss-Kruger CM {3 * GaussKruger(epsg).Zone}E",
        _ => throw new ArgumentOutOfRangeException(nameof(epsg), epsg, $"not one of {Accepted}"),
    };

    /// <summary>
    /// The accepted system a WKT definition (a .prj file) names by its outermost EPSG authority, else by its name as
    /// <see cref="Name"/> gives it; null when it names none of them.
    /// </summary>
    public static int? FromWkt(string? wkt)
    {
        if (string.IsNullOrWhiteSpace(wkt)) return null;
        var authorities = System.Text.RegularExpressions.Regex.Matches(wkt, @"AUTHORITY\[\s*""EPSG""\s*,\s*""?(\d+)""?\s*\]", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        if (authorities.Count > 0 && int.TryParse(authorities[^1].Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var code) &&
            IsAccepted(code) && wkt.TrimEnd().EndsWith(authorities[^1].Value + "]", StringComparison.Ordinal))
            return code;
        var name = System.Text.RegularExpressions.Regex.Match(wkt, @"^\s*(PROJCS|GEOGCS)\[\s*""([^""]+)""");
        if (!name.Success) return null;
        var text = name.Groups[2].Value.Replace('_', ' ');
        int[] codes = [Cgcs2000, Wgs84, .. Enumerable.Range(FirstZoneCode, FirstMeridianCode + LastZone - FirstZone - FirstZoneCode + 1)];
        foreach (var c in codes)
            if (string.Equals(Name(c).Replace('-', ' '), text.Replace('-', ' '), StringComparison.OrdinalIgnoreCase) ||
                string.Equals(EsriName(c).Replace('_', ' '), text, StringComparison.OrdinalIgnoreCase))
                return c;
        return null;
    }

    // The names Esri software writes in a .prj (without an authority).
    private static string EsriName(int epsg) => epsg switch
    {
        Cgcs2000 => "GCS_China_Geodetic_Coordinate_System_2000",
        Wgs84 => "GCS_WGS_1984",
        >= FirstZoneCode and < FirstMeridianCode => $"CGCS2000_3_Degree_GK_Zone_{GaussKruger(epsg).Zone}",
        _ => $"CGCS2000_3_Degree_GK_CM_{3 * GaussKruger(epsg).Zone}E",
    };

    // CGCS2000 geographic, one line: the datum the GK zones are laid on too.
    private const string Cgcs2000Geographic =
        "GEOGCS[\"China Geodetic Coordinate System 2000\", " +
        "DATUM[\"China_2000\", SPHEROID[\"CGCS2000\", 6378137, 298.257222101, AUTHORITY[\"EPSG\", \"1024\"]], AUTHORITY[\"EPSG\", \"1043\"]], " +
        "PRIMEM[\"Greenwich\", 0, AUTHORITY[\"EPSG\", \"8901\"]], UNIT[\"degree\", 0.0174532925199433, AUTHORITY[\"EPSG\", \"9122\"]], " +
        "AUTHORITY[\"EPSG\", \"4490\"]]";

    private static string ProjectedWkt(string name, int centralMeridian, double falseEasting, int? authority) =>
        $"PROJCS[\"{name}\", {Cgcs2000Geographic}, PROJECTION[\"Transverse_Mercator\"], PARAMETER[\"latitude_of_origin\", 0], " +
        $"PARAMETER[\"central_meridian\", {centralMeridian.ToString(CultureInfo.InvariantCulture)}], PARAMETER[\"scale_factor\", 1], PARAMETER[\"false_easting\", {falseEasting.ToString("R", CultureInfo.InvariantCulture)}], " +
        $"PARAMETER[\"false_northing\", 0], UNIT[\"metre\", 1, AUTHORITY[\"EPSG\", \"9001\"]]" +
        (authority is { } code ? $", AUTHORITY[\"EPSG\", \"{code.ToString(CultureInfo.InvariantCulture)}\"]]" : "]");

    private static MathTransform CreateTransform(int zone)
    {
        var factory = new CoordinateSystemFactory();
        var projected = (ProjectedCoordinateSystem)factory.CreateFromWkt(FrameWkt(zone));
        return new CoordinateTransformationFactory().CreateFromCoordinateSystems(projected.GeographicCoordinateSystem, projected).MathTransform;
    }

    private sealed class Projection(MathTransform transform) : IEntireCoordinateSequenceFilter
    {
        public bool Done => false;
        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq)
        {
            for (var i = 0; i < seq.Count; i++)
            {
                var (x, y) = transform.Transform(seq.GetX(i), seq.GetY(i));
                seq.SetX(i, x);
                seq.SetY(i, y);
            }
        }
    }

    private sealed class Shift(double dx) : IEntireCoordinateSequenceFilter
    {
        public bool Done => false;
        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq)
        {
            for (var i = 0; i < seq.Count; i++) seq.SetX(i, seq.GetX(i) - dx);
        }
    }
}
