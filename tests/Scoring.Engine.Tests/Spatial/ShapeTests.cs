using NetTopologySuite.IO;
using Scoring.Engine.Evaluation;
using Scoring.Engine.Spatial;

namespace Scoring.Engine.Tests.Spatial;

public sealed class ShapeTests
{
    // The parcel of most tests: the 100 m square 500 000–500 100 × 3 530 000–3 530 100 of EPSG:4549 near Jiangning
    // (x = easting, y = northing): 10 000 m² = 15 亩 exactly.

    private static ParcelShape Read(string text, string? crs, int defaultEpsg = CoordinateSystems.Cgcs2000)
    {
        var violations = new List<FieldViolation>();
        var shape = ShapeReader.Read(text, crs, defaultEpsg, violations);
        Assert.Empty(violations);
        return shape!;
    }

    [Theory]
    [InlineData("EPSG:4549", 4549)]
    [InlineData("epsg:4490", 4490)]
    [InlineData("4326", 4326)]
    [InlineData("urn:ogc:def:crs:EPSG::4513", 4513)]
    [InlineData("EPSG:4554", 4554)]
    [InlineData("urn:ogc:def:crs:OGC:1.3:CRS84", 4326)]
    public void Accepted_coordinate_systems_are_read(string text, int epsg) => Assert.Equal(epsg, CoordinateSystems.Parse(text));

    [Theory]
    [InlineData("EPSG:3857")]
    [InlineData("EPSG:4512")]
    [InlineData("EPSG:4555")]
    [InlineData("GK zone 40")]
    [InlineData("OGC:4549")]
    public void Other_coordinate_systems_are_not(string text) => Assert.Null(CoordinateSystems.Parse(text));

    [Theory]
    // EPSG: 4513 is zone 25 (CM 75°E) with the zone in the false easting; 4533 zone 45 (CM 135°E); 4534–4554 the same
    // meridians with a false easting of 500 km.
    [InlineData(4513, 25, 25_500_000)]
    [InlineData(4533, 45, 45_500_000)]
    [InlineData(4528, 40, 40_500_000)]
    [InlineData(4540, 31, 500_000)]
    [InlineData(4534, 25, 500_000)]
    [InlineData(4549, 40, 500_000)]
    [InlineData(4554, 45, 500_000)]
    public void Gauss_Krueger_codes_give_the_zone_and_false_easting_of_their_EPSG_definition(int epsg, int zone, double falseEasting) =>
        Assert.Equal((zone, falseEasting), CoordinateSystems.GaussKruger(epsg));

    [Fact]
    public void A_100_metre_square_in_EPSG_4549_measures_15_mu()
    {
        var shape = Read(Squares.Box(500_000, 3_530_000, 500_100, 3_530_100), "EPSG:4549");

        Assert.Equal(40, shape.Zone); // CM 120°E = 3° × 40
        Assert.Equal(10_000, shape.AreaM2, 6);
        Assert.Equal(15, shape.AreaMu, 9); // 10 000 m² / (10 000 / 15 m² per 亩)
    }

    [Fact]
    public void The_same_square_in_the_zone_numbered_system_EPSG_4528_lies_at_the_same_place()
    {
        var shape = Read(Squares.Box(40_500_000, 3_530_000, 40_500_100, 3_530_100), "EPSG:4528");

        Assert.Equal(new NetTopologySuite.Geometries.Envelope(500_000, 500_100, 3_530_000, 3_530_100), shape.Planar.EnvelopeInternal);
        Assert.Equal(15, shape.AreaMu, 9);
    }

    [Fact]
    public void A_cell_of_a_thousandth_of_a_degree_on_the_central_meridian_has_its_ellipsoidal_area()
    {
        // 120.000–120.001°E × 31.900–31.901°N on CGCS2000 (GRS 80: a = 6378137 m, 1/f = 298.257222101). On the central
        // meridian the scale is 1, so the area is M·dφ × N·cosφ·dλ at the middle latitude (error of order dφ², ~1e-10).
        const double a = 6378137, f = 1 / 298.257222101;
        var e2 = f * (2 - f);
        var phi = 31.9005 * Math.PI / 180;
        var w = 1 - e2 * Math.Sin(phi) * Math.Sin(phi);
        var m = a * (1 - e2) / Math.Pow(w, 1.5);
        var n = a / Math.Sqrt(w);
        var d = 0.001 * Math.PI / 180;
        var expected = m * d * n * Math.Cos(phi) * d;

        var shape = Read("POLYGON ((120 31.9, 120.001 31.9, 120.001 31.901, 120 31.901, 120 31.9))", "EPSG:4490");

        Assert.Equal(40, shape.Zone);
        Assert.Equal(1, shape.AreaM2 / expected, 1e-6);
    }

    [Fact]
    public void Degrees_are_measured_in_the_zone_of_their_longitude()
    {
        // Jiangning, 118.8°E: 118.8 / 3 = 39.6, nearest zone 40 (CM 120°E); 117.0°E is zone 39 (CM 117°E).
        Assert.Equal(40, Read("POLYGON ((118.8 31.9, 118.801 31.9, 118.801 31.901, 118.8 31.9))", null).Zone);
        Assert.Equal(39, Read("POLYGON ((117 31.9, 117.001 31.9, 117.001 31.901, 117 31.9))", null).Zone);
    }

    [Fact]
    public void The_text_may_name_its_system_and_a_crs_beside_it_overrides_that()
    {
        var ewkt = "SRID=4549;" + Squares.Box(500_000, 3_530_000, 500_100, 3_530_100);
        var geojson = Squares.BoxJson(500_000, 3_530_000, 500_100, 3_530_100).TrimEnd('}') + ""","crs":{"type":"name","properties":{"name":"EPSG:4549"}}}""";

        Assert.Equal(4549, Read(ewkt, null).Epsg);
        Assert.Equal(4549, Read(geojson, null).Epsg);
        Assert.Equal(4528, Read(ShapeText.WithCrs(Squares.Box(40_500_000, 3_530_000, 40_500_100, 3_530_100), 4528), null).Epsg);
        Assert.Equal(4513 + 15, Read(ewkt.Replace("500000 ", "40500000 ").Replace("500100 ", "40500100 "), "EPSG:4528").Epsg);
    }

    [Fact]
    public void The_default_applies_when_nothing_names_a_system()
    {
        Assert.Equal(4549, Read(Squares.Box(500_000, 3_530_000, 500_100, 3_530_100), null, defaultEpsg: 4549).Epsg);
    }

    [Theory]
    [InlineData("LINESTRING (0 0, 1 1)", "geometry", "must be a Polygon or MultiPolygon, not a LineString")]
    [InlineData("POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0))", "geometry", "is not a valid polygon: Self-intersection")]
    [InlineData("POLYGON EMPTY", "geometry", "is empty")]
    [InlineData("not a shape", "geometry", "is neither GeoJSON nor WKT")]
    [InlineData("{\"type\":\"Polygon\",\"coordinates\":", "geometry", "is neither GeoJSON nor WKT")]
    [InlineData("POLYGON ((200 0, 201 0, 201 1, 200 0))", "geometry", "outside longitude")]
    public void A_bad_outline_is_refused_naming_the_field(string text, string field, string reason)
    {
        var violations = new List<FieldViolation>();

        Assert.Null(ShapeReader.Read(text, "EPSG:4490", CoordinateSystems.Cgcs2000, violations));

        var violation = Assert.Single(violations);
        Assert.Equal(field, violation.Field);
        Assert.Contains(reason, violation.Description);
    }

    [Fact]
    public void An_unknown_crs_is_refused_naming_the_field()
    {
        var violations = new List<FieldViolation>();

        Assert.Null(ShapeReader.Read(Squares.Box(0, 0, 1, 1), "EPSG:3857", CoordinateSystems.Cgcs2000, violations, "parcel."));

        var violation = Assert.Single(violations);
        Assert.Equal("parcel.crs", violation.Field);
        Assert.Contains("EPSG:4490, EPSG:4513–EPSG:4554 or EPSG:4326", violation.Description);
    }

    [Fact]
    public void Area_gap_is_relative_to_the_stated_area()
    {
        var shape = Read(Squares.Box(500_000, 3_530_000, 500_100, 3_530_100), "EPSG:4549"); // 15 亩

        Assert.Equal(0.5, shape.AreaGap(10)!.Value, 12); // |15 − 10| / 10
        Assert.Equal(1 / 6.0, shape.AreaGap(18)!.Value, 12); // |15 − 18| / 18
        Assert.Null(shape.AreaGap(0));
    }

    [Fact]
    public void A_parcel_half_inside_a_red_line_square_has_a_share_of_one_half()
    {
        // Red line: 500 050–500 250 × 3 529 900–3 530 200 covers the parcel's east half, 50 m × 100 m = 5 000 m² of 10 000.
        var layer = new LayerIndex([new WKTReader().Read(Squares.Box(500_050, 3_529_900, 500_250, 3_530_200))], 4549, 40);
        var shape = Read(Squares.Box(500_000, 3_530_000, 500_100, 3_530_100), "EPSG:4549");

        Assert.Equal(0.5, layer.Share(shape.Planar), 12);
    }

    [Fact]
    public void Overlapping_features_count_once()
    {
        // Two features over the same east half, one also over the north-west quarter: inside = 5 000 + 2 500 = 7 500 m².
        var layer = new LayerIndex(
        [
            new WKTReader().Read(Squares.Box(500_050, 3_530_000, 500_100, 3_530_100)),
            new WKTReader().Read(Squares.Box(500_000, 3_530_050, 500_100, 3_530_100)),
            new WKTReader().Read(Squares.Box(500_050, 3_529_000, 500_300, 3_531_000)),
        ], 4549, 40);
        var shape = Read(Squares.Box(500_000, 3_530_000, 500_100, 3_530_100), "EPSG:4549");

        Assert.Equal(0.75, layer.Share(shape.Planar), 12);
    }

    [Fact]
    public void The_same_square_in_EPSG_4490_and_EPSG_4549_has_the_same_share()
    {
        var layer = new LayerIndex([new WKTReader().Read(Squares.Box(500_050, 3_529_900, 500_250, 3_530_200))], 4549, 40);
        var metres = Read(Squares.Box(500_000, 3_530_000, 500_100, 3_530_100), "EPSG:4549");
        var degrees = Read(Squares.BoxInDegrees(500_000, 3_530_000, 500_100, 3_530_100), "EPSG:4490");

        Assert.Equal(metres.Zone, degrees.Zone);
        Assert.Equal(layer.Share(metres.Planar), layer.Share(degrees.Planar), 1e-6);
        Assert.Equal(0.5, layer.Share(degrees.Planar), 1e-6);
        Assert.Equal(15, degrees.AreaMu, 1e-6);
    }

    [Fact]
    public void A_layer_in_degrees_overlays_a_parcel_in_metres()
    {
        var degrees = new WKTReader().Read(Squares.BoxInDegrees(500_050, 3_529_900, 500_250, 3_530_200));
        var layer = new LayerIndex([degrees], 4490, 40);
        var shape = Read(Squares.Box(500_000, 3_530_000, 500_100, 3_530_100), "EPSG:4549");

        Assert.Equal(0.5, layer.Share(shape.Planar), 1e-6);
    }

    [Fact]
    public void A_layer_collection_is_read_with_its_area_and_bad_features_are_named()
    {
        var violations = new List<FieldViolation>();
        // Two 100 m × 200 m features overlapping by 100 m × 100 m: union 30 000 m² = 45 亩.
        var layer = LayerFeatures.Read(Squares.Collection((0 + 500_000, 3_530_000, 500_100, 3_530_200), (500_000, 3_530_100, 500_100, 3_530_300)),
            "EPSG:4549", 4490, violations);
        Assert.Empty(violations);
        Assert.Equal(2, layer!.Features.Count);
        Assert.Equal(45, layer.AreaMu, 9);

        var bad = LayerFeatures.Read("""{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}]}""",
            "EPSG:4549", 4490, violations);
        Assert.Null(bad);
        var violation = Assert.Single(violations);
        Assert.Equal("geojson.features[0]", violation.Field);
    }
}
