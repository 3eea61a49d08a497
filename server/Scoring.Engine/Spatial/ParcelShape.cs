using System.Text.Json;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using NetTopologySuite.IO.Converters;
using NetTopologySuite.Operation.Valid;
using Scoring.Engine.Evaluation;

namespace Scoring.Engine.Spatial;

/// <summary>A parcel's outline measured in the planar frame of its zone.</summary>
/// <param name="Planar">The outline in the zone's GK frame, metres.</param>
/// <param name="Zone">The 3° zone (central meridian 3° × zone).</param>
/// <param name="Epsg">The system the outline was given in.</param>
public sealed record ParcelShape(Geometry Planar, int Zone, int Epsg)
{
    /// <summary>Square metres in one 亩 (1 亩 = 10000/15 m² ≈ 666.67 m²).</summary>
    public const double SquareMetresPerMu = 10_000.0 / 15.0;

    /// <summary>Area in square metres, in the zone's frame.</summary>
    public double AreaM2 => Planar.Area;

    /// <summary>Area in 亩.</summary>
    public double AreaMu => Planar.Area / SquareMetresPerMu;

    /// <summary>
    /// The relative gap between a stated area and the outline's, |outline − stated| / stated; null when no area is
    /// stated (0).
    /// </summary>
    public double? AreaGap(double statedMu) => statedMu > 0 ? Math.Abs(AreaMu - statedMu) / statedMu : null;
}

/// <summary>
/// Reads geometry text, GeoJSON or WKT, into a valid polygon or multipolygon. The text may name its own system: a GeoJSON
/// <c>"crs": {"type": "name", "properties": {"name": "EPSG:4549"}}</c> member, or an EWKT <c>SRID=4549;</c> prefix; a
/// <c>crs</c> given beside the text overrides it, and when neither names one the configured default applies.
/// </summary>
public static class ShapeReader
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 0);
    private static readonly JsonSerializerOptions GeoJson = new() { Converters = { new GeoJsonConverterFactory(Factory) } };

    /// <summary>
    /// Reads a parcel's outline, adding problems to <paramref name="violations"/> under <paramref name="prefix"/> (fields
    /// <c>geometry</c> and <c>crs</c>); null when there is no text or something was wrong.
    /// </summary>
    public static ParcelShape? Read(string? text, string? crs, int defaultEpsg, List<FieldViolation> violations, string prefix = "")
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var before = violations.Count;
        int? given = null;
        if (!string.IsNullOrWhiteSpace(crs))
        {
            given = CoordinateSystems.Parse(crs);
            if (given is null) violations.Add(new(prefix + "crs", $"'{crs}' is not an accepted coordinate system; use {CoordinateSystems.Accepted}"));
        }
        var geometry = Parse(text, out var embedded, out var problem);
        if (problem is not null) violations.Add(new(prefix + "geometry", problem));
        if (violations.Count > before) return null;
        if (embedded is { } name && given is null)
        {
            given = CoordinateSystems.Parse(name);
            if (given is null)
            {
                violations.Add(new(prefix + "geometry", $"names the coordinate system '{name}', which is not accepted; use {CoordinateSystems.Accepted}"));
                return null;
            }
        }
        var epsg = given ?? defaultEpsg;
        if (Check(geometry!, epsg) is { } reason)
        {
            violations.Add(new(prefix + "geometry", reason));
            return null;
        }
        var zone = CoordinateSystems.FrameZone(geometry!, epsg);
        return new ParcelShape(CoordinateSystems.ToPlanar(geometry!, epsg, zone), zone, epsg);
    }

    /// <summary>Parses GeoJSON (a text starting with '{') or (E)WKT; <paramref name="crs"/> is the system the text names itself.</summary>
    public static Geometry? Parse(string text, out string? crs, out string? problem)
    {
        crs = null;
        problem = null;
        var t = text.AsSpan().Trim();
        try
        {
            if (t.StartsWith("{"))
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.TryGetProperty("crs", out var named) && named.ValueKind == JsonValueKind.Object &&
                    named.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object &&
                    properties.TryGetProperty("name", out var crsName) && crsName.ValueKind == JsonValueKind.String)
                    crs = crsName.GetString();
                var geometry = document.RootElement.Deserialize<Geometry>(GeoJson);
                if (geometry is null) problem = "is not a GeoJSON geometry";
                return geometry;
            }
            var wkt = t.ToString();
            if (wkt.StartsWith("SRID=", StringComparison.OrdinalIgnoreCase) && wkt.IndexOf(';') is var semicolon and > 5)
            {
                crs = "EPSG:" + wkt[5..semicolon].Trim();
                wkt = wkt[(semicolon + 1)..];
            }
            return new WKTReader(Factory.GeometryServices).Read(wkt);
        }
        catch (Exception e) when (e is JsonException or ParseException or ArgumentException or InvalidOperationException or NotSupportedException or FormatException)
        {
            problem = $"is neither GeoJSON nor WKT that can be read: {e.Message}";
            return null;
        }
    }

    // A polygon or multipolygon, with finite coordinates (degrees within range), valid by the OGC rules.
    private static string? Check(Geometry geometry, int epsg)
    {
        if (geometry is not (Polygon or MultiPolygon)) return $"must be a Polygon or MultiPolygon, not a {geometry.GeometryType}";
        if (geometry.IsEmpty) return "is empty";
        foreach (var c in geometry.Coordinates)
        {
            if (!double.IsFinite(c.X) || !double.IsFinite(c.Y)) return "has a coordinate that is not a finite number";
            if (CoordinateSystems.IsGeographic(epsg) && (Math.Abs(c.X) > 180 || Math.Abs(c.Y) > 90))
                return $"has the point ({c.X}, {c.Y}), outside longitude −180..180 / latitude −90..90 of EPSG:{epsg} (x is the longitude)";
        }
        var validity = new IsValidOp(geometry).ValidationError;
        if (validity is not null) return $"is not a valid polygon: {validity.Message} at ({validity.Coordinate?.X}, {validity.Coordinate?.Y})";
        return null;
    }
}

/// <summary>Geometry text that carries its own coordinate system, as the cache stores it.</summary>
public static class ShapeText
{
    /// <summary>
    /// <paramref name="text"/> naming <paramref name="epsg"/> itself: a GeoJSON object gains (or has replaced) a
    /// <c>"crs"</c> name member, WKT gains (or has replaced) an EWKT <c>SRID=n;</c> prefix. The coordinates are untouched.
    /// </summary>
    public static string WithCrs(string text, int epsg)
    {
        var t = text.Trim();
        if (t.StartsWith('{'))
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(t)!.AsObject();
            node["crs"] = new System.Text.Json.Nodes.JsonObject
            {
                ["type"] = "name",
                ["properties"] = new System.Text.Json.Nodes.JsonObject { ["name"] = $"EPSG:{epsg}" },
            };
            return node.ToJsonString();
        }
        if (t.StartsWith("SRID=", StringComparison.OrdinalIgnoreCase) && t.IndexOf(';') is var semicolon and > 0) t = t[(semicolon + 1)..];
        return $"SRID={epsg};{t}";
    }
}
