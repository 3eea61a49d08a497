using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using NetTopologySuite.IO.Converters;

namespace Scoring.Cli.Input;

/// <summary>A layer file read for upload: its features as a GeoJSON FeatureCollection, and the system the file names, if any.</summary>
/// <param name="GeoJson">The FeatureCollection.</param>
/// <param name="FeatureCount">Features read.</param>
/// <param name="Crs">The coordinate system the file names (GeoPackage), or null.</param>
internal sealed record LayerFile(string GeoJson, int FeatureCount, string? Crs)
{
    private static readonly JsonSerializerOptions GeoJsonOptions = new() { Converters = { new GeoJsonConverterFactory() } };

    /// <summary>Reads a .geojson/.json (sent as it is), .shp (with its .shx and .dbf) or .gpkg (its first feature table) file.</summary>
    public static LayerFile Read(string path)
    {
        if (!File.Exists(path)) throw new UsageException($"no such file: {path}");
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".geojson" or ".json" => FromGeoJson(File.ReadAllText(path)),
            ".shp" => FromGeometries(NetTopologySuite.IO.Esri.Shapefile.ReadAllGeometries(path), null),
            ".gpkg" => FromGeoPackage(path),
            var other => throw new UsageException($"'{other}' is not a layer file this client reads; use .geojson, .shp or .gpkg"),
        };
    }

    private static LayerFile FromGeoJson(string text)
    {
        using var document = JsonDocument.Parse(text);
        var count = document.RootElement.TryGetProperty("features", out var features) && features.ValueKind == JsonValueKind.Array ? features.GetArrayLength() : 0;
        return new LayerFile(text, count, null);
    }

    private static LayerFile FromGeometries(IEnumerable<Geometry> geometries, string? crs)
    {
        var collection = new FeatureCollection();
        foreach (var g in geometries) collection.Add(new Feature(g, new AttributesTable()));
        return new LayerFile(JsonSerializer.Serialize(collection, GeoJsonOptions), collection.Count, crs);
    }

    // The first table of gpkg_geometry_columns; its srs_id names an EPSG system through gpkg_spatial_ref_sys.
    private static LayerFile FromGeoPackage(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        var (table, column, epsg) = GeoPackageTables.First(connection, path);
        var crs = epsg is { } code ? "EPSG:" + code.ToString(CultureInfo.InvariantCulture) : null;
        var geometries = new List<Geometry>();
        var geoReader = new GeoPackageGeoReader();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT \"{column.Replace("\"", "\"\"")}\" FROM \"{table.Replace("\"", "\"\"")}\";";
            using var reader = command.ExecuteReader();
            while (reader.Read())
                if (!reader.IsDBNull(0)) geometries.Add(geoReader.Read((byte[])reader.GetValue(0)));
        }
        return FromGeometries(geometries, crs);
    }
}

/// <summary>The feature tables of a GeoPackage, as gpkg_geometry_columns lists them.</summary>
internal static class GeoPackageTables
{
    /// <summary>
    /// The first feature table (by name): its name, its geometry column, and the EPSG code of its system when
    /// gpkg_spatial_ref_sys names one; throws <see cref="UsageException"/> when the file holds none.
    /// </summary>
    public static (string Table, string GeometryColumn, int? Epsg) First(SqliteConnection connection, string path)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT g.table_name, g.column_name, s.organization, s.organization_coordsys_id
            FROM gpkg_geometry_columns g LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id ORDER BY g.table_name LIMIT 1;
            """;
        using var reader = command.ExecuteReader();
        if (!reader.Read()) throw new UsageException($"{path}: the GeoPackage holds no feature table");
        int? epsg = !reader.IsDBNull(2) && string.Equals(reader.GetString(2), "EPSG", StringComparison.OrdinalIgnoreCase) ? (int)reader.GetInt64(3) : null;
        return (reader.GetString(0), reader.GetString(1), epsg);
    }
}
