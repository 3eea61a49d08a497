using System.Text.Json;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using NetTopologySuite.Operation.Union;
using NetTopologySuite.Operation.Valid;
using Scoring.Engine.Evaluation;

namespace Scoring.Engine.Spatial;

/// <summary>A layer's polygons as given, in their own system, with their measured area.</summary>
/// <param name="Features">Polygons and multipolygons, in <paramref name="Epsg"/>.</param>
/// <param name="Epsg">Their coordinate system.</param>
/// <param name="AreaMu">Area of their union in 亩, measured in the GK zone of their centre.</param>
public sealed record LayerFeatures(IReadOnlyList<Geometry> Features, int Epsg, double AreaMu)
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 0);
    private static readonly JsonSerializerOptions GeoJson = new() { Converters = { new GeoJsonConverterFactory(Factory) } };

    /// <summary>Most features one layer may hold.</summary>
    public const int MaxFeatures = 100_000;

    /// <summary>
    /// Reads a GeoJSON FeatureCollection of polygons. Its system is <paramref name="crs"/>, else the collection's own
    /// <c>crs</c> member, else <paramref name="defaultEpsg"/>. Problems are added under the fields <c>geojson</c> and <c>crs</c>.
    /// </summary>
    public static LayerFeatures? Read(string geojson, string? crs, int defaultEpsg, List<FieldViolation> violations)
    {
        int? given = null;
        if (!string.IsNullOrWhiteSpace(crs))
        {
            given = CoordinateSystems.Parse(crs);
            if (given is null) { violations.Add(new("crs", $"'{crs}' is not an accepted coordinate system; use {CoordinateSystems.Accepted}")); return null; }
        }
        FeatureCollection? collection;
        string? named = null;
        try
        {
            using var document = JsonDocument.Parse(geojson);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.GetString() != "FeatureCollection")
            {
                violations.Add(new("geojson", "must be a GeoJSON FeatureCollection"));
                return null;
            }
            if (root.TryGetProperty("crs", out var c) && c.ValueKind == JsonValueKind.Object && c.TryGetProperty("properties", out var p) &&
                p.ValueKind == JsonValueKind.Object && p.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String)
                named = n.GetString();
            collection = root.Deserialize<FeatureCollection>(GeoJson);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or NotSupportedException or FormatException)
        {
            violations.Add(new("geojson", $"is not GeoJSON that can be read: {e.Message}"));
            return null;
        }
        if (collection is null || collection.Count == 0) { violations.Add(new("geojson", "has no features")); return null; }
        if (collection.Count > MaxFeatures) { violations.Add(new("geojson", $"has {collection.Count} features; at most {MaxFeatures}")); return null; }
        if (given is null && named is not null)
        {
            given = CoordinateSystems.Parse(named);
            if (given is null) { violations.Add(new("geojson", $"names the coordinate system '{named}', which is not accepted; use {CoordinateSystems.Accepted}")); return null; }
        }
        var epsg = given ?? defaultEpsg;
        var features = new List<Geometry>(collection.Count);
        for (var i = 0; i < collection.Count; i++)
        {
            var g = collection[i].Geometry;
            var problem = g switch
            {
                null => "has no geometry",
                not (Polygon or MultiPolygon) => $"is a {g.GeometryType}; a layer holds polygons and multipolygons",
                { IsEmpty: true } => "is empty",
                _ when CoordinateSystems.IsGeographic(epsg) && g.Coordinates.Any(c => !(Math.Abs(c.X) <= 180 && Math.Abs(c.Y) <= 90)) =>
                    $"has a point outside longitude −180..180 / latitude −90..90 of EPSG:{epsg}",
                _ when g.Coordinates.Any(c => !double.IsFinite(c.X) || !double.IsFinite(c.Y)) => "has a coordinate that is not a finite number",
                _ => new IsValidOp(g).ValidationError is { } error ? $"is not a valid polygon: {error.Message}" : null,
            };
            if (problem is not null) violations.Add(new($"geojson.features[{i}]", problem));
            else features.Add(g!);
        }
        if (violations.Count > 0) return null;
        var all = Factory.BuildGeometry(features);
        var zone = CoordinateSystems.FrameZone(all, epsg);
        var union = UnaryUnionOp.Union(features.Select(f => CoordinateSystems.ToPlanar(f, epsg, zone)).ToList());
        return new LayerFeatures(features, epsg, union.Area / ParcelShape.SquareMetresPerMu);
    }
}
