using Grpc.Core;
using Scoring.V1;

namespace Scoring.Server.Tests;

public sealed class ReportTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Roll_ups_by_level_unit_and_street_match_sums_worked_out_by_hand()
    {
        // A small district. Scores as worked out in HandWorkedParcel (0.7363); C has every economy
        // indicator at utility 0, so economy drops from 0.700 to 0 and the score by 0.32·0.7 = 0.224 → 0.5123.
        var a = HandWorkedParcel.Input("R-A"); a.UnitId = "U1"; a.Street = "S1"; a.AreaMu = 100; // EFFICIENT, RETAINED
        var b = HandWorkedParcel.Input("R-B"); b.UnitId = "U1"; b.Street = "S1"; b.AreaMu = 50;  // INEFFICIENT_VETO, IDENTIFIED_INEFFICIENT
        b.Vetoes["safety"] = false;
        var c = HandWorkedParcel.Input("R-C"); c.UnitId = "U2"; c.Street = "S2"; c.AreaMu = 30; c.Level = Level.Community;
        foreach (var (code, v) in new[] { ("total_output", 100.0), ("total_tax", 5.0), ("output_per_mu", 0.0), ("tax_per_mu", 0.0), ("net_profit", 0.0), ("total_assets", 500.0), ("debt_ratio", 100.0) })
            c.Indicators[code] = v;
        c.InEcologicalRedLine = true;                                                             // INEFFICIENT_SCORE, ECOLOGICAL_CLEARANCE
        var d = HandWorkedParcel.Input("R-D"); d.UnitId = ""; d.Street = "S2"; d.AreaMu = 20; d.Level = Level.Scattered;
        d.RedevelopmentUnderway = true;                                                           // EFFICIENT, REDEVELOPMENT_UNDERWAY

        var cache = new ParcelService.ParcelServiceClient(server.Channel);
        using (var upsert = cache.UpsertParcels())
        {
            await upsert.RequestStream.WriteAsync(new UpsertParcelsRequest
            {
                Source = "planning-bureau", AsOf = "2026-01-01",
                Units =
                {
                    new Scoring.V1.ManagementUnit { UnitId = "U1", Name = "江宁高新园", Level = Level.Park, TotalAreaMu = 1000, IndustrialAreaMu = 700 },
                    new Scoring.V1.ManagementUnit { UnitId = "U2", Name = "湖熟工业社区", Level = Level.Community, TotalAreaMu = 400, IndustrialAreaMu = 260 },
                },
            });
            await upsert.RequestStream.CompleteAsync();
            while (await upsert.ResponseStream.MoveNext()) { }
        }
        var scoring = new ScoringService.ScoringServiceClient(server.Channel);
        using (var batch = scoring.BatchEvaluate())
        {
            // A is evaluated twice: only its latest evaluation counts.
            await batch.RequestStream.WriteAsync(new BatchEvaluateRequest { Parcels = { a, b }, RecordHistory = true });
            await batch.RequestStream.WriteAsync(new BatchEvaluateRequest { Parcels = { c, d, a } });
            await batch.RequestStream.CompleteAsync();
            while (await batch.ResponseStream.MoveNext()) { }
        }

        var summary = await new ReportService.ReportServiceClient(server.Channel).SummarizeEvaluationsAsync(new SummarizeEvaluationsRequest());

        Assert.Equal("1", summary.ModelVersion);
        // Total: area 200; mean (170·0.7363 + 30·0.5123) / 200 = (125.171 + 15.369) / 200 = 0.7027;
        // inefficient B and C: 2 parcels, 80 亩, share 0.4.
        AssertGroup(summary.Total, "", 4, 200, 0.7027, 2, 80);
        Assert.Equal(0.4, summary.Total.InefficientAreaShare, 9);
        Assert.Equal([(Classification.Efficient, 2), (Classification.InefficientScore, 1), (Classification.InefficientVeto, 1)],
            summary.Total.Classifications.Select(x => (x.Classification, x.Count)));
        Assert.Equal([(Disposition.Retained, 1), (Disposition.IdentifiedInefficient, 1), (Disposition.EcologicalClearance, 1), (Disposition.RedevelopmentUnderway, 1)],
            summary.Total.Dispositions.Select(x => (x.Disposition, x.Count)));

        Assert.Equal(["LEVEL_PARK", "LEVEL_COMMUNITY", "LEVEL_SCATTERED"], summary.ByLevel.Select(g => g.Key));
        AssertGroup(summary.ByLevel[0], "LEVEL_PARK", 2, 150, HandWorkedParcel.Score, 1, 50);
        AssertGroup(summary.ByLevel[1], "LEVEL_COMMUNITY", 1, 30, 0.5123, 1, 30);
        AssertGroup(summary.ByLevel[2], "LEVEL_SCATTERED", 1, 20, HandWorkedParcel.Score, 0, 0);

        Assert.Equal(["", "U1", "U2"], summary.ByUnit.Select(g => g.Key));
        AssertGroup(summary.ByUnit[1], "U1", 2, 150, HandWorkedParcel.Score, 1, 50);
        // U1, a park: 700 / 1000 = 70 % > 60 % meets the norm; U2, a community: 260 / 400 = 65 %, 15 points from 50 % > 10: fails.
        Assert.Equal(0.7, summary.ByUnit[1].LandUse.IndustrialShare, 9);
        Assert.True(summary.ByUnit[1].LandUse.MeetsNorm);
        Assert.Equal(0.65, summary.ByUnit[2].LandUse.IndustrialShare, 9);
        Assert.False(summary.ByUnit[2].LandUse.MeetsNorm);
        Assert.Null(summary.ByUnit[0].LandUse);

        // S2: C and D, area 50, mean (30·0.5123 + 20·0.7363) / 50 = (15.369 + 14.726) / 50 = 0.6019.
        Assert.Equal(["S1", "S2"], summary.ByStreet.Select(g => g.Key));
        AssertGroup(summary.ByStreet[1], "S2", 2, 50, 0.6019, 1, 30);
    }

    [Fact]
    public async Task Unknown_model_version_is_NOT_FOUND()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            new ReportService.ReportServiceClient(server.Channel).SummarizeEvaluationsAsync(new SummarizeEvaluationsRequest { ModelVersion = "77" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    private static void AssertGroup(EvaluationGroupSummary g, string key, int count, double area, double mean, int inefficient, double inefficientArea)
    {
        Assert.Equal(key, g.Key);
        Assert.Equal(count, g.ParcelCount);
        Assert.Equal(area, g.AreaMu, 9);
        Assert.Equal(mean, g.MeanScore, 9);
        Assert.Equal(inefficient, g.InefficientCount);
        Assert.Equal(inefficientArea, g.InefficientAreaMu, 9);
    }
}
