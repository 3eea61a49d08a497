using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using NetTopologySuite.IO.Esri;

namespace Scoring.Cli.Tests;

/// <summary>
/// GIS files from the spatial sample (samples/spatial/parcels.csv: 19 parcels with outlines in EPSG:4549, streets in
/// Chinese): a GeoPackage and a Shapefile written in the run that writes the CSV, opened again with NetTopologySuite.
/// </summary>
public sealed class GisFilesTests(ServerFixture server) : IClassFixture<ServerFixture>, IDisposable
{
    private const string Sample = "samples/spatial/parcels.csv";
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    private string Server => server.Address.ToString();

    /// <summary>The sample's parcels: street and outline (EWKT "SRID=4549;POLYGON …") by id.</summary>
    private static Dictionary<string, (string Street, Geometry Outline)> SampleParcels() =>
        Rows.ReadCsv(Sample).ToDictionary(r => r["parcel_id"], r =>
        {
            var wkt = r["geometry"];
            Assert.StartsWith("SRID=4549;", wkt);
            return (r["street"], new WKTReader().Read(wkt["SRID=4549;".Length..]));
        });

    private async Task<(string Csv, string Gpkg, string Shp)> EvaluateSampleAsync()
    {
        var (csv, gpkg, shp) = (_cli.PathOf("sample.csv"), _cli.PathOf("sample.gpkg"), _cli.PathOf("sample.shp"));
        var run = await CliRunner.RunAsync("evaluate", Sample, "-o", csv, "-o", gpkg, "-o", shp, "--server", Server);
        Assert.True(run.ExitCode == 0, run.ToString());
        return (csv, gpkg, shp);
    }

    [Fact]
    public async Task A_Shapefile_of_the_sample_opens_again_with_the_same_features_attributes_and_system()
    {
        var (csv, _, shp) = await EvaluateSampleAsync();
        var sample = SampleParcels();
        var evaluated = Rows.ReadCsv(csv).ToDictionary(r => r["parcel_id"]);

        var features = Shapefile.ReadAllFeatures(shp);

        Assert.Equal(sample.Keys.Order(), features.Select(f => (string)f.Attributes["parcel_id"]).Order());
        foreach (var f in features)
        {
            var id = (string)f.Attributes["parcel_id"];
            Assert.True(sample[id].Outline.EqualsTopologically(f.Geometry), $"{id}: {f.Geometry} is not {sample[id].Outline}");
            Assert.Equal(sample[id].Street, f.Attributes["street"]);
            // Attribute names cut to 10 characters, as documented: classification → classif, disposition → disposit.
            Assert.Equal(evaluated[id]["classification"], f.Attributes["classif"]);
            Assert.Equal(evaluated[id]["disposition"], f.Attributes["disposit"]);
            Assert.Equal(double.Parse(evaluated[id]["score"], CultureInfo.InvariantCulture), (double)f.Attributes["score"], 9);
        }
        Assert.Equal("UTF-8", File.ReadAllText(Path.ChangeExtension(shp, ".cpg")).Trim());
        var prj = File.ReadAllText(Path.ChangeExtension(shp, ".prj"));
        Assert.StartsWith("PROJCS[\"CGCS2000 / 3-degree Gauss-Kruger CM 120E\"", prj);
        Assert.EndsWith("AUTHORITY[\"EPSG\", \"4549\"]]", prj);
        Assert.Contains("PARAMETER[\"central_meridian\", 120]", prj);
        Assert.Contains("PARAMETER[\"false_easting\", 500000]", prj);
        Assert.False(File.Exists(_cli.PathOf("sample.partial.shp")));
    }

    [Fact]
    public async Task A_GeoPackage_of_the_sample_opens_again_with_the_same_features_attributes_and_system()
    {
        var (csv, gpkg, _) = await EvaluateSampleAsync();
        var sample = SampleParcels();
        var evaluated = Rows.ReadCsv(csv).ToDictionary(r => r["parcel_id"]);

        using var connection = new SqliteConnection($"Data Source={gpkg};Mode=ReadOnly;Pooling=False");
        connection.Open();
        string Scalar(string sql)
        {
            using var c = connection.CreateCommand();
            c.CommandText = sql;
            return Convert.ToString(c.ExecuteScalar(), CultureInfo.InvariantCulture)!;
        }
        Assert.Equal("1196444487", Scalar("PRAGMA application_id;"));
        Assert.Equal("parcels|geom|POLYGON|4549", Scalar("SELECT table_name || '|' || column_name || '|' || geometry_type_name || '|' || srs_id FROM gpkg_geometry_columns;"));
        Assert.Equal("EPSG|4549", Scalar("SELECT organization || '|' || organization_coordsys_id FROM gpkg_spatial_ref_sys WHERE srs_id = 4549;"));
        Assert.EndsWith("AUTHORITY[\"EPSG\", \"4549\"]]", Scalar("SELECT definition FROM gpkg_spatial_ref_sys WHERE srs_id = 4549;"));
        Assert.Equal("features|4549", Scalar("SELECT data_type || '|' || srs_id FROM gpkg_contents WHERE table_name = 'parcels';"));

        using var select = connection.CreateCommand();
        select.CommandText = "SELECT geom, parcel_id, street, classification, score FROM parcels ORDER BY fid;";
        using var reader = select.ExecuteReader();
        var seen = new List<string>();
        while (reader.Read())
        {
            var geometry = new GeoPackageGeoReader { HandleSRID = true }.Read((byte[])reader["geom"]);
            var id = reader.GetString(1);
            seen.Add(id);
            Assert.Equal(4549, geometry.SRID);
            Assert.True(sample[id].Outline.EqualsTopologically(geometry), $"{id}: {geometry} is not {sample[id].Outline}");
            Assert.Equal(sample[id].Street, reader.GetString(2));
            Assert.Equal(evaluated[id]["classification"], reader.GetString(3));
            Assert.Equal(double.Parse(evaluated[id]["score"], CultureInfo.InvariantCulture), reader.GetDouble(4), 9);
        }
        Assert.Equal(evaluated.Keys, seen);
        Assert.Equal(19, seen.Count);
    }

    [Fact]
    public async Task A_Shapefile_of_outlines_is_parcel_input()
    {
        // Two of the sample's outlines with the fields a GIS holds: id, level, area, street (Chinese), a cut field name.
        var sample = SampleParcels();
        var shp = _cli.PathOf("outlines.shp");
        var features = new[] { "SP-01", "SP-12" }.Select(id => (NetTopologySuite.Features.IFeature)new NetTopologySuite.Features.Feature(sample[id].Outline,
            new NetTopologySuite.Features.AttributesTable
            {
                { "parcel_id", id }, { "level", "COMMUNITY" }, { "area_mu", 45.0 }, { "street", sample[id].Street }, { "registrati", "revoked" },
            }));
        Shapefile.WriteAllFeatures(features, shp, projection: Scoring.Engine.Spatial.CoordinateSystems.Wkt(4549), encoding: Encoding.UTF8);
        var ingest = await CliRunner.RunAsync("ingest", shp, "--source", "planning-bureau", "--as-of", "2026-01-01", "--server", Server);
        Assert.True(ingest.ExitCode == 0, ingest.ToString());

        // Read back from the cache: the outline in EPSG:4549 and the fields, registration_status from its cut name.
        var parcel = await new Scoring.V1.ParcelService.ParcelServiceClient(server.Channel).GetParcelAsync(new Scoring.V1.GetParcelRequest { ParcelId = "SP-12" });
        Assert.Equal(("COMMUNITY", 45.0, "湖熟街道", "revoked"),
            (parcel.Parcel.Attributes.Level.ToString().ToUpperInvariant(), parcel.Parcel.Attributes.AreaMu, parcel.Parcel.Attributes.Street,
                parcel.Parcel.Attributes.Categories["registration_status"]));
        Assert.StartsWith("SRID=4549;", parcel.Parcel.Attributes.Geometry);
        Assert.True(sample["SP-12"].Outline.EqualsTopologically(new WKTReader().Read(parcel.Parcel.Attributes.Geometry["SRID=4549;".Length..])));
    }

    [Fact]
    public async Task A_GeoPackage_of_outlines_is_parcel_input()
    {
        // A feature table as a GIS writes one: outlines in EPSG:4549 (declared in gpkg_spatial_ref_sys), full column names.
        var sample = SampleParcels();
        var gpkg = _cli.PathOf("outlines.gpkg");
        using (var connection = new SqliteConnection($"Data Source={gpkg};Pooling=False"))
        {
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = """
                CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY, organization TEXT, organization_coordsys_id INTEGER, definition TEXT);
                INSERT INTO gpkg_spatial_ref_sys VALUES ('CGCS2000 / 3-degree Gauss-Kruger CM 120E', 4549, 'EPSG', 4549, 'see EPSG');
                CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, geometry_type_name TEXT, srs_id INTEGER, z INTEGER, m INTEGER);
                INSERT INTO gpkg_geometry_columns VALUES ('plots', 'shape', 'POLYGON', 4549, 0, 0);
                CREATE TABLE plots (fid INTEGER PRIMARY KEY, shape BLOB, parcel_id TEXT, street TEXT, area_mu REAL, registration_status TEXT);
                INSERT INTO plots (shape, parcel_id, street, area_mu, registration_status) VALUES ($g, 'SP-13', $street, 30, 'suspended');
                """;
            var outline = sample["SP-13"].Outline;
            outline.SRID = 4549;
            create.Parameters.AddWithValue("$g", new GeoPackageGeoWriter().Write(outline));
            create.Parameters.AddWithValue("$street", sample["SP-13"].Street);
            create.ExecuteNonQuery();
        }

        var ingest = await CliRunner.RunAsync("ingest", gpkg, "--source", "planning-bureau", "--as-of", "2026-01-01", "--server", Server);

        Assert.True(ingest.ExitCode == 0, ingest.ToString());
        var parcel = (await new Scoring.V1.ParcelService.ParcelServiceClient(server.Channel).GetParcelAsync(new Scoring.V1.GetParcelRequest { ParcelId = "SP-13" })).Parcel.Attributes;
        Assert.Equal(("湖熟街道", 30.0, "suspended"), (parcel.Street, parcel.AreaMu, parcel.Categories["registration_status"]));
        Assert.StartsWith("SRID=4549;", parcel.Geometry);
        Assert.True(sample["SP-13"].Outline.EqualsTopologically(new WKTReader().Read(parcel.Geometry["SRID=4549;".Length..])));
    }

    [Fact]
    public async Task A_list_written_as_GIS_files_takes_each_parcels_outline_from_the_cache()
    {
        var ingest = await CliRunner.RunAsync("ingest", Sample, "--source", "planning-bureau", "--as-of", "2026-01-01", "--server", Server);
        Assert.True(ingest.ExitCode == 0, ingest.ToString());
        var evaluate = await CliRunner.RunAsync("evaluate", "--stored", "--street", "东山街道", "-o", _cli.PathOf("stored.csv"), "--record-history", "--server", Server);
        Assert.True(evaluate.ExitCode == 0, evaluate.ToString());
        var sample = SampleParcels();
        var (shp, geojson) = (_cli.PathOf("dongshan.shp"), _cli.PathOf("dongshan.geojson"));

        var run = await CliRunner.RunAsync("list", "--street", "东山街道", "-o", shp, "-o", geojson, "--server", Server);

        Assert.True(run.ExitCode == 0, run.ToString());
        var dongshan = sample.Where(p => p.Value.Street == "东山街道").Select(p => p.Key).Order().ToList();
        var features = Shapefile.ReadAllFeatures(shp);
        Assert.Equal(dongshan, features.Select(f => (string)f.Attributes["parcel_id"]).Order());
        Assert.All(features, f => Assert.True(sample[(string)f.Attributes["parcel_id"]].Outline.EqualsTopologically(f.Geometry)));
        Assert.All(features, f => Assert.Equal("东山街道", f.Attributes["street"]));
        Assert.EndsWith("AUTHORITY[\"EPSG\", \"4549\"]]", File.ReadAllText(Path.ChangeExtension(shp, ".prj")));
        // The GeoJSON carries the cached outline (EWKT) as GeoJSON naming its system.
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(geojson));
        var first = document.RootElement.GetProperty("features")[0].GetProperty("geometry");
        Assert.Equal(("Polygon", "EPSG:4549"), (first.GetProperty("type").GetString(), first.GetProperty("crs").GetProperty("properties").GetProperty("name").GetString()));
    }

    [Fact]
    public void Shapefile_field_names_alike_after_the_cut_are_told_apart_within_10_characters()
    {
        // Two element codes sharing their first 10 characters (population_jobs, population_talent) and a third.
        string[] cut = [Output.EvaluationColumns.Field("population_jobs"), Output.EvaluationColumns.Field("population_talent"), "score", "population"];

        var fields = Output.ShapefileRecordWriter<Scoring.V1.Evaluation>.UniqueFields(cut);

        Assert.Equal(["population", "populati_2", "score", "populati_3"], fields);
        Assert.All(fields, f => Assert.True(f.Length <= 10));
    }
}
