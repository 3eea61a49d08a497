using Microsoft.Data.Sqlite;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using Scoring.V1;

namespace Scoring.Cli.Tests;

/// <summary>
/// <c>scoring layer upload</c> from a Shapefile, a GeoPackage and GeoJSON, then <c>scoring clearance reconcile</c> from a CSV.
/// The map (EPSG:4549, 100 m columns k = 500 000 + 100k E): the development boundary over columns 0–2, must-clear over
/// column 3 (both 3 529 000–3 531 000 N), the red line over column 5 (3 530 000–3 530 300 N).
/// </summary>
public sealed class LayerAndClearanceTests(ServerFixture server) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    private string Server => server.Address.ToString();

    private static Polygon Box(double x0, double y0, double x1, double y1) =>
        new GeometryFactory(new PrecisionModel(), 4549).CreatePolygon([new(x0, y0), new(x1, y0), new(x1, y1), new(x0, y1), new(x0, y0)]);

    [Fact]
    public async Task Layers_from_three_file_formats_place_parcels_and_the_streets_quota_is_reconciled()
    {
        // Red line as a Shapefile: 100 m × 300 m = 30 000 m² = 45 亩.
        var shp = _cli.PathOf("red-line.shp");
        NetTopologySuite.IO.Esri.Shapefile.WriteAllFeatures(
            [new Feature(Box(500_500, 3_530_000, 500_600, 3_530_300), new AttributesTable { { "name", "红线" } })], shp);
        var redLine = await CliRunner.RunAsync("layer", "upload", "--kind", "ecological-red-line", "--crs", "EPSG:4549", "--note", "2026 red line", shp, "--server", Server);
        Assert.True(redLine.ExitCode == 0, redLine.ToString());
        Assert.Contains("layer ecological_red_line version 1: 1 features, 45.0 亩, EPSG:4549; in force", redLine.Out);

        // Development boundary as a GeoPackage that names EPSG:4549 itself: 300 m × 2 000 m = 600 000 m² = 900 亩.
        var gpkg = _cli.PathOf("boundary.gpkg");
        WriteGeoPackage(gpkg, Box(500_000, 3_529_000, 500_300, 3_531_000));
        var boundary = await CliRunner.RunAsync("layer", "upload", "--kind", "development-boundary", "--note", "2021–2035 plan", gpkg, "--server", Server);
        Assert.True(boundary.ExitCode == 0, boundary.ToString());
        Assert.Contains("layer development_boundary version 1: 1 features, 900.0 亩, EPSG:4549; in force", boundary.Out);

        // Must-clear zone as GeoJSON naming its system in a crs member: 100 m × 2 000 m = 300 亩.
        var geojson = _cli.PathOf("must.geojson");
        await File.WriteAllTextAsync(geojson, Squares.Collection((500_300, 3_529_000, 500_400, 3_531_000))
            .Replace("{\"type\":\"FeatureCollection\",", "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"EPSG:4549\"}},"));
        var must = await CliRunner.RunAsync("layer", "upload", "--kind", "clearance-must", "--name", "必须清退区", "--note", "district task", geojson, "--server", Server);
        Assert.True(must.ExitCode == 0, must.ToString());
        Assert.Contains("layer clearance_must version 1: 1 features, 300.0 亩, EPSG:4549; in force", must.Out);

        var list = await CliRunner.RunAsync("layer", "list", "--server", Server);
        Assert.True(list.ExitCode == 0, list.ToString());
        foreach (var id in new[] { "clearance_must", "development_boundary", "ecological_red_line" }) Assert.Contains(id, list.Out);

        // Street S1: K-MUST (col 3, efficient, 30 亩) must; K-RED (col 5, efficient, 9 亩) must by the red line; K-OUT (col 7,
        // inefficient, 15 亩) considered. Quota 50, K-MUST cleared: cleared 30, short 20, tiers left 9 + 15 = 24 ≥ 20.
        await UpsertAsync(Parcel("K-MUST", 3, 200, 30, efficient: true), Parcel("K-RED", 5, 60, 9, efficient: true), Parcel("K-OUT", 7, 100, 15, efficient: false));
        var quotas = _cli.PathOf("quotas.csv");
        await File.WriteAllTextAsync(quotas, "street,quota_mu,cleared\nS1,50,K-MUST\n");

        var run = await CliRunner.RunAsync("clearance", "reconcile", quotas, "--year", "2026", "--server", Server);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("total: quota 50.0 亩, cleared 30.0 亩, short 20.0 亩, owed back (拆一补一) 0.0 亩", run.Out);
        var row = run.Out.Split('\n').Single(l => l.Contains("S1"));
        Assert.Equal(["S1", "50.0", "39.0", "0.0", "15.0", "30.0", "20.0", "0.0", "24.0", "0.0", "0.0"],
            row.Split('│', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(c => c.Length > 0));
    }

    [Fact]
    public async Task A_layer_file_of_another_format_is_a_usage_error()
    {
        var kml = _cli.PathOf("lines.kml");
        await File.WriteAllTextAsync(kml, "<kml/>");

        var run = await CliRunner.RunAsync("layer", "upload", "--kind", "main-urban-area", "--note", "n", kml, "--server", Server);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("'.kml' is not a layer file this client reads; use .geojson, .shp or .gpkg", run.Err);
    }

    private static ParcelInput Parcel(string id, int column, double height, double areaMu, bool efficient)
    {
        var p = HandWorkedParcel.Input(id);
        p.Street = "S1";
        p.AreaMu = areaMu;
        p.Geometry = Squares.Box(500_000 + 100 * column, 3_530_000, 500_100 + 100 * column, 3_530_000 + height);
        p.Crs = "EPSG:4549";
        if (!efficient)
            foreach (var (code, v) in new[] { ("total_output", 100.0), ("total_tax", 5.0), ("output_per_mu", 0.0), ("tax_per_mu", 0.0), ("net_profit", 0.0), ("total_assets", 500.0), ("debt_ratio", 100.0) })
                p.Indicators[code] = v;
        return p;
    }

    private async Task UpsertAsync(params ParcelInput[] parcels)
    {
        using var upsert = new ParcelService.ParcelServiceClient(server.Channel).UpsertParcels();
        await upsert.RequestStream.WriteAsync(new UpsertParcelsRequest { Source = "planning-bureau", AsOf = "2026-01-01", Parcels = { parcels } });
        await upsert.RequestStream.CompleteAsync();
        Assert.True(await upsert.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(parcels.Length, upsert.ResponseStream.Current.Accepted);
    }

    // A minimal GeoPackage: the spatial reference, contents and geometry-column tables, and one feature table.
    private static void WriteGeoPackage(string path, Geometry geometry)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
                organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
            INSERT INTO gpkg_spatial_ref_sys VALUES ('CGCS2000 / 3-degree Gauss-Kruger CM 120E', 4549, 'EPSG', 4549, 'undefined', NULL);
            CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT, srs_id INTEGER);
            INSERT INTO gpkg_contents VALUES ('boundary', 'features', 'boundary', 4549);
            CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
                srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL);
            INSERT INTO gpkg_geometry_columns VALUES ('boundary', 'geom', 'POLYGON', 4549, 0, 0);
            CREATE TABLE boundary (fid INTEGER PRIMARY KEY, geom BLOB);
            INSERT INTO boundary (geom) VALUES ($geom);
            """;
        command.Parameters.AddWithValue("$geom", new GeoPackageGeoWriter().Write(geometry));
        command.ExecuteNonQuery();
    }
}
