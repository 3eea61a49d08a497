using Google.Rpc;
using Grpc.Core;
using Scoring.V1;
using static Scoring.Server.Tests.Spatial.SpatialParcels;

namespace Scoring.Server.Tests.Spatial;

/// <summary>
/// A strip of 100 m columns along 3 530 000 N (EPSG:4549), column k = 500 000 + 100k … + 100 E. Layers: the development
/// boundary over columns 0–2; must-clear over column 3; encouraged over columns 3–4; the red line over column 5;
/// may-be-considered over column 6. Parcels of street S1 (areas from their heights: 100 m × h m = h / 6.6667 亩):
/// K-IN col 0 inefficient 15 亩; K-MUST col 3 efficient 30 亩; K-ENC col 4 inefficient 15; K-RED col 5 efficient 9;
/// K-CON col 6 efficient 15; K-OUT col 7 inefficient 30; K-OK col 8 efficient 15. Street S2: K2-MUST col 3, 500 m
/// further north, inefficient, 15 亩.
/// </summary>
public sealed class ClearanceFixture : ServerFixture
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        const double south = 3_529_000, north = 3_531_000;
        await UploadAsync(this, LayerKind.DevelopmentBoundary, (500_000, south, 500_300, north));
        await UploadAsync(this, LayerKind.ClearanceMust, (500_300, south, 500_400, north));
        await UploadAsync(this, LayerKind.ClearanceEncouraged, (500_300, south, 500_500, north));
        await UploadAsync(this, LayerKind.EcologicalRedLine, (500_500, south, 500_600, north));
        await UploadAsync(this, LayerKind.ClearanceConsidered, (500_600, south, 500_700, north));
        await UpsertAsync(this,
            S1(Inefficient("K-IN", Column(0, 100), 15)),
            S1(Efficient("K-MUST", Column(3, 200), 30)),
            S1(Inefficient("K-ENC", Column(4, 100), 15)),
            S1(Efficient("K-RED", Column(5, 60), 9)),
            S1(Efficient("K-CON", Column(6, 100), 15)),
            S1(Inefficient("K-OUT", Column(7, 200), 30)),
            S1(Efficient("K-OK", Column(8, 100), 15)),
            S2(Inefficient("K2-MUST", Column(3, 100, north: 500), 15)));
    }

    public static string Column(int k, double height, double north = 0) =>
        Squares.Box(500_000 + 100 * k, 3_530_000 + north, 500_100 + 100 * k, 3_530_000 + north + height);

    private static ParcelInput S1(ParcelInput p) { p.Street = "S1"; return p; }
    private static ParcelInput S2(ParcelInput p) { p.Street = "S2"; return p; }
}

public sealed class ClearanceTests(ClearanceFixture server) : IClassFixture<ClearanceFixture>
{
    [Theory]
    [InlineData("K-IN", ClearanceZone.None, Disposition.IdentifiedInefficient)]
    [InlineData("K-MUST", ClearanceZone.Must, Disposition.Retained)]
    [InlineData("K-ENC", ClearanceZone.Encouraged, Disposition.IdentifiedInefficient)]
    [InlineData("K-RED", ClearanceZone.Must, Disposition.EcologicalClearance)]
    [InlineData("K-CON", ClearanceZone.Considered, Disposition.Retained)]
    [InlineData("K-OUT", ClearanceZone.Considered, Disposition.IdentifiedInefficient)]
    [InlineData("K-OK", ClearanceZone.None, Disposition.Retained)]
    [InlineData("K2-MUST", ClearanceZone.Must, Disposition.IdentifiedInefficient)]
    public async Task Each_parcel_takes_the_tier_built_for_it(string id, ClearanceZone zone, Disposition disposition)
    {
        var e = await EvaluateAsync(server, new ParcelInput { ParcelId = id });

        Assert.Equal((zone, disposition), (e.ClearanceZone, e.Disposition));
    }

    [Fact]
    public async Task The_flags_behind_a_tier_are_listed_with_their_layers()
    {
        var e = await EvaluateAsync(server, new ParcelInput { ParcelId = "K-MUST" });

        Assert.Equal(
        [
            ("in_ecological_red_line", false, "ecological_red_line"), ("inside_development_boundary", false, "development_boundary"),
            ("in_clearance_must", true, "clearance_must"), ("in_clearance_encouraged", true, "clearance_encouraged"),
            ("in_clearance_considered", false, "clearance_considered"),
        ], e.SpatialFacts.Select(f => (f.Name, f.Value, f.LayerId)));
    }

    [Fact]
    public async Task Parcels_to_redevelop_outside_the_boundary_are_steered_to_ecological_restoration()
    {
        var outside = await EvaluateAsync(server, new ParcelInput { ParcelId = "K-OUT" });
        var inside = await EvaluateAsync(server, new ParcelInput { ParcelId = "K-IN" });
        var retained = await EvaluateAsync(server, new ParcelInput { ParcelId = "K-OK" });

        Assert.Equal([RedevelopmentMode.EcologicalRestoration], outside.RedevelopmentModes.Select(m => m.Mode));
        Assert.DoesNotContain(inside.RedevelopmentModes, m => m.Mode == RedevelopmentMode.EcologicalRestoration);
        Assert.Empty(retained.RedevelopmentModes);
    }

    [Fact]
    public async Task Reconciliation_matches_the_hand_computation()
    {
        var response = await new ReportService.ReportServiceClient(server.Channel).ReconcileClearanceAsync(new ReconcileClearanceRequest
        {
            Year = 2026,
            Quotas =
            {
                new StreetQuota { Street = "S1", QuotaMu = 40, ClearedParcelIds = { "K-MUST", "K-RED", "NOPE" } },
                new StreetQuota { Street = "S2", QuotaMu = 10, ClearedParcelIds = { "K2-MUST", "K-OK" } },
                new StreetQuota { Street = "S3", QuotaMu = 20 },
            },
        });

        // S1: must = K-MUST 30 + K-RED 9 = 39; encouraged K-ENC 15; considered K-CON 15 + K-OUT 30 = 45; cleared 30 + 9 = 39;
        // shortfall 40 − 39 = 1; the tiers not cleared: 15 + 45 = 60 ≥ 1, nothing to find elsewhere; 5 parcels in tiers.
        AssertStreet(response.Streets[0], "S1", 40, 39, 15, 45, 39, 1, 0, 60, 0, 0, 5);
        // S2: must = cleared = 15 ≥ 10: surplus 5, owed back 5 亩 (拆一补一); K-OK is S1's, so it does not count here.
        AssertStreet(response.Streets[1], "S2", 10, 15, 0, 0, 15, 0, 5, 0, 0, 5, 1);
        // S3: no parcels at all: the whole quota is short and must be found outside any zone.
        AssertStreet(response.Streets[2], "S3", 20, 0, 0, 0, 0, 20, 0, 0, 20, 0, 0);
        Assert.Equal(["NOPE", "K-OK"], response.UnknownParcelIds);
        Assert.Equal((70, 54, 21, 5), (response.TotalQuotaMu, Math.Round(response.TotalClearedMu, 9), Math.Round(response.TotalShortfallMu, 9),
            Math.Round(response.TotalCompensationMu, 9)));
        Assert.Equal("1", response.ModelVersion);
    }

    [Fact]
    public async Task A_repeated_street_or_a_negative_quota_is_invalid_argument_naming_the_field()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => new ReportService.ReportServiceClient(server.Channel).ReconcileClearanceAsync(new ReconcileClearanceRequest
        {
            Quotas = { new StreetQuota { Street = "S1", QuotaMu = 1 }, new StreetQuota { Street = "S1", QuotaMu = -1 } },
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal(["quotas[1].street", "quotas[1].quota_mu"], ex.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field));
    }

    private static void AssertStreet(StreetClearance s, string street, double quota, double must, double encouraged, double considered, double cleared,
        double shortfall, double surplus, double remaining, double supplementary, double compensation, int parcels)
    {
        Assert.Equal(street, s.Street);
        double[] expected = [quota, must, encouraged, considered, cleared, shortfall, surplus, remaining, supplementary, compensation];
        double[] actual = [s.QuotaMu, s.MustMu, s.EncouragedMu, s.ConsideredMu, s.ClearedMu, s.ShortfallMu, s.SurplusMu, s.RemainingZoneMu,
            s.SupplementaryNeededMu, s.CompensationMu];
        Assert.Equal(expected, actual.Select(a => Math.Round(a, 9)));
        Assert.Equal(parcels, s.ZoneParcelCount);
    }
}
