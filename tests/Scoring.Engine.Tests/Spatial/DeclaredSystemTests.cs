using ProjNet.CoordinateSystems;
using Scoring.Engine.Spatial;

namespace Scoring.Engine.Tests.Spatial;

/// <summary>The WKT a GIS file declares its system with (.prj, gpkg_spatial_ref_sys), and reading it back.</summary>
public sealed class DeclaredSystemTests
{
    public static TheoryData<int> Accepted() => [4490, 4326, 4513, 4528, 4533, 4534, 4549, 4554];

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Every_accepted_system_is_declared_with_its_EPSG_authority_and_read_back(int epsg)
    {
        var wkt = CoordinateSystems.Wkt(epsg);

        Assert.EndsWith($"AUTHORITY[\"EPSG\", \"{epsg}\"]]", wkt);
        Assert.Equal(epsg, CoordinateSystems.FromWkt(wkt));
        Assert.NotNull(new CoordinateSystemFactory().CreateFromWkt(wkt));
    }

    [Fact]
    public void A_Gauss_Kruger_zone_is_declared_with_the_EPSG_parameters()
    {
        // EPSG:4549: CGCS2000 / 3-degree Gauss-Kruger CM 120E, zone 40 without the zone number in the false easting;
        // EPSG:4528: the same zone with it, false easting 40,500,000 m.
        var cm120 = (ProjectedCoordinateSystem)new CoordinateSystemFactory().CreateFromWkt(CoordinateSystems.Wkt(4549));
        var zone40 = (ProjectedCoordinateSystem)new CoordinateSystemFactory().CreateFromWkt(CoordinateSystems.Wkt(4528));

        Assert.Equal("CGCS2000 / 3-degree Gauss-Kruger CM 120E", cm120.Name);
        Assert.Equal((120.0, 500_000.0, 1.0), (cm120.Projection.GetParameter("central_meridian").Value, cm120.Projection.GetParameter("false_easting").Value, cm120.Projection.GetParameter("scale_factor").Value));
        Assert.Equal("CGCS2000 / 3-degree Gauss-Kruger zone 40", zone40.Name);
        Assert.Equal((120.0, 40_500_000.0), (zone40.Projection.GetParameter("central_meridian").Value, zone40.Projection.GetParameter("false_easting").Value));
        Assert.Equal(6378137, cm120.GeographicCoordinateSystem.HorizontalDatum.Ellipsoid.SemiMajorAxis);
        Assert.Equal(298.257222101, cm120.GeographicCoordinateSystem.HorizontalDatum.Ellipsoid.InverseFlattening);
    }

    [Theory]
    [InlineData("PROJCS[\"CGCS2000_3_Degree_GK_CM_120E\",GEOGCS[\"GCS_China_Geodetic_Coordinate_System_2000\"]]", 4549)]
    [InlineData("GEOGCS[\"GCS_China_Geodetic_Coordinate_System_2000\",DATUM[\"D_China_2000\"]]", 4490)]
    [InlineData("PROJCS[\"CGCS2000_3_Degree_GK_Zone_40\",GEOGCS[\"GCS_China_Geodetic_Coordinate_System_2000\"]]", 4528)]
    [InlineData("PROJCS[\"WGS_1984_UTM_Zone_50N\",GEOGCS[\"GCS_WGS_1984\"],AUTHORITY[\"EPSG\",\"32650\"]]", null)]
    [InlineData("", null)]
    public void A_prj_written_by_Esri_software_is_read_by_its_name(string prj, int? expected) =>
        Assert.Equal(expected, CoordinateSystems.FromWkt(prj));
}
