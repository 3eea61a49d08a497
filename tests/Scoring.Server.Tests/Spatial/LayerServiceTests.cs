using Google.Rpc;
using Grpc.Core;
using Scoring.V1;
using static Scoring.Server.Tests.Spatial.SpatialParcels;

namespace Scoring.Server.Tests.Spatial;

public sealed class LayerServiceTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private LayerService.LayerServiceClient Layers => new(server.Channel);

    [Fact]
    public async Task Versions_are_immutable_and_the_newest_is_the_one_overlays_use()
    {
        // Main urban area v1 covers the parcel 500 000–500 100 (share 1); v2 covers only its west quarter (share 0.25).
        var parcel = Efficient("L-P", Squares.Box(500_000, 3_530_000, 500_100, 3_530_100), 15);
        var v1 = await UploadAsync(server, LayerKind.MainUrbanArea, (499_000, 3_529_000, 501_000, 3_531_000));
        var before = await EvaluateAsync(server, parcel);
        var v2 = await UploadAsync(server, LayerKind.MainUrbanArea, (499_000, 3_529_000, 500_025, 3_531_000));
        var after = await EvaluateAsync(server, parcel);

        Assert.Equal(("main_urban_area", 1, 1, true), (v1.LayerId, v1.Version, v1.FeatureCount, v1.InForce));
        // 2 000 m × 2 000 m = 4 000 000 m² = 6 000 亩; v2 1 025 m × 2 000 m = 2 050 000 m² = 3 075 亩.
        Assert.Equal(6000, v1.AreaMu, 6);
        Assert.Equal((2, 3075.0), (v2.Version, Math.Round(v2.AreaMu, 6)));
        Assert.Equal(("in_main_urban_area", true, 1, 1.0), Fact(before));
        Assert.Equal(("in_main_urban_area", false, 2, 0.25), Fact(after));

        var versions = await Layers.ListLayersAsync(new ListLayersRequest { LayerId = "main_urban_area" });
        Assert.Equal([(2, true), (1, false)], versions.Layers.Select(l => (l.Version, l.InForce)));
        var first = await Layers.GetLayerAsync(new GetLayerRequest { LayerId = "main_urban_area", Version = 1 });
        Assert.Equal((LayerKind.MainUrbanArea, "EPSG:4549", "test layer"), (first.Kind, first.Crs, first.Note));
        Assert.Equal(Squares.Collection((499_000, 3_529_000, 501_000, 3_531_000)), first.Geojson);
        Assert.Contains(versions.Layers, l => l.Author.Length > 0);
    }

    [Fact]
    public async Task An_unknown_layer_is_not_found()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Layers.GetLayerAsync(new GetLayerRequest { LayerId = "lakes" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.Equal("LAYER_NOT_FOUND", ex.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
    }

    [Fact]
    public async Task A_bad_upload_is_invalid_argument_naming_each_field()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Layers.UploadLayerAsync(new UploadLayerRequest
        {
            Kind = LayerKind.Unspecified, Name = "", Geojson = "{}", Note = "",
        }).ResponseAsync);
        var crs = await Assert.ThrowsAsync<RpcException>(() => Layers.UploadLayerAsync(new UploadLayerRequest
        {
            Kind = LayerKind.EcologicalRedLine, Name = "红线", Crs = "EPSG:3857", Geojson = Squares.Collection((0, 0, 1, 1)), Note = "n",
        }).ResponseAsync);
        var lines = await Assert.ThrowsAsync<RpcException>(() => Layers.UploadLayerAsync(new UploadLayerRequest
        {
            Kind = LayerKind.EcologicalRedLine, Name = "红线", Geojson = "{\"type\":\"Polygon\",\"coordinates\":[]}", Note = "n",
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal(["kind", "name", "note"], ex.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field));
        Assert.Equal("INVALID_LAYER", ex.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
        Assert.Equal("crs", Assert.Single(crs.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
        Assert.Equal("geojson", Assert.Single(lines.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
        Assert.Empty((await Layers.ListLayersAsync(new ListLayersRequest { LayerId = "ecological_red_line" })).Layers);
    }

    private static (string, bool, int, double) Fact(Evaluation e)
    {
        var f = Assert.Single(e.SpatialFacts);
        return (f.Name, f.Value, f.LayerVersion, Math.Round(f.OverlapShare, 9));
    }
}

public sealed class LayerRoleTests(SecuredServerFixture server) : IClassFixture<SecuredServerFixture>
{
    private static Metadata Key(string key) => new() { { "x-api-key", key } };

    [Fact]
    public async Task Uploading_a_layer_takes_the_admin_role_and_reading_the_reader_role()
    {
        var layers = new LayerService.LayerServiceClient(server.Channel);
        var request = new UploadLayerRequest { Kind = LayerKind.DevelopmentBoundary, Name = "开发边界", Crs = "EPSG:4549", Geojson = Squares.Collection((0, 0, 100, 100)), Note = "2026 plan" };

        var refused = await Assert.ThrowsAsync<RpcException>(() => layers.UploadLayerAsync(request, Key(SecuredServerFixture.WriterKey)).ResponseAsync);
        var stored = await layers.UploadLayerAsync(request, Key(SecuredServerFixture.AdminKey));
        var listed = await layers.ListLayersAsync(new ListLayersRequest(), Key(SecuredServerFixture.ReaderKey));

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Equal("planning-admin", stored.Author);
        Assert.Equal([("development_boundary", 1)], listed.Layers.Select(l => (l.LayerId, l.Version)));
    }
}
