using System.Text.Json;
using Grpc.Core;
using Scoring.V1;

namespace Scoring.Server.Tests;

/// <summary>
/// Every input form goes through one entrance: EvaluateParcel, map-form BatchEvaluate and columnar BatchEvaluate
/// read the same parcel the same way, merge it with the cache the same way and record the same history.
/// </summary>
public sealed class OneEntranceTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private ScoringService.ScoringServiceClient Scoring => new(server.Channel);
    private ParcelService.ParcelServiceClient Cache => new(server.Channel);

    [Fact]
    public async Task The_same_parcel_through_the_three_paths_gives_three_identical_history_records()
    {
        var parcel = HandWorkedParcel.Input("ENTRANCE-1");
        parcel.IndustryCode = "3911";
        parcel.LocallyReported = false;

        var single = (await Scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = parcel, View = EvaluationView.Full })).Evaluation;
        var mapForm = await BatchAsync(new BatchEvaluateRequest { RecordHistory = true, Parcels = { parcel } });
        var columnar = await BatchAsync(new BatchEvaluateRequest { RecordHistory = true, Columns = Columns(parcel) });

        // The hand-worked parcel (Parcels.OnCurvePoints): 0.7363, efficient, retained; unit and street echoed.
        foreach (var e in new[] { single, mapForm.Single().Evaluation, columnar.Single().Evaluation })
        {
            Assert.Equal(HandWorkedParcel.Score, e.Score, 9);
            Assert.Equal(Classification.Efficient, e.Classification);
            Assert.Equal(Disposition.Retained, e.Disposition);
            Assert.Equal("jiangning-high-tech-park", e.UnitId);
            Assert.Equal("秣陵街道", e.Street);
        }

        var records = (await Cache.ListEvaluationsAsync(new ListEvaluationsRequest { ParcelId = parcel.ParcelId, PageSize = 10 })).Evaluations;
        Assert.Equal(3, records.Count);
        Assert.All(records, r => Assert.Equal(records[0].InputsJson, r.InputsJson));
        Assert.All(records, r => Assert.Equal((HandWorkedParcel.Score, Classification.Efficient, Disposition.Retained, 1.0),
            (Math.Round(r.Score, 9), r.Classification, r.Disposition, Math.Round(r.Completeness, 9))));

        using var inputs = JsonDocument.Parse(records[0].InputsJson);
        var root = inputs.RootElement;
        Assert.Equal(1, root.GetProperty("level").GetInt32());
        Assert.Equal(120, root.GetProperty("area_mu").GetDouble());
        Assert.Equal("3911", root.GetProperty("industry_code").GetString());
        Assert.Equal("jiangning-high-tech-park", root.GetProperty("unit_id").GetString());
        Assert.False(root.GetProperty("locally_reported").GetBoolean());
        Assert.False(root.TryGetProperty("redevelopment_underway", out _));
        Assert.Equal(24, root.GetProperty("indicators").EnumerateObject().Count());
        Assert.Equal(1.5, root.GetProperty("indicators").GetProperty("far").GetProperty("value").GetDouble());
        Assert.Equal("inline", root.GetProperty("indicators").GetProperty("far").GetProperty("origin").GetString());
        Assert.Equal("above_scale", root.GetProperty("categories").GetProperty("enterprise_type").GetProperty("value").GetString());
        Assert.Equal(8, root.GetProperty("vetoes").EnumerateObject().Count());
    }

    [Fact]
    public async Task Columnar_rows_are_merged_with_the_cache_like_map_form_parcels()
    {
        // The cache holds the whole parcel, sent by a tax bureau; the request gives only far (same value) and two vetoes.
        var cached = HandWorkedParcel.Input("ENTRANCE-CACHED");
        var asOf = DateTime.UtcNow.AddDays(-10).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await UpsertAsync(new UpsertParcelsRequest { Source = "tax-bureau", AsOf = asOf, Parcels = { cached } });
        var partial = new ParcelInput { ParcelId = cached.ParcelId, Indicators = { ["far"] = 1.5 }, Vetoes = { ["safety"] = true, ["nimby"] = true } };

        var mapForm = (await BatchAsync(new BatchEvaluateRequest { RecordHistory = true, View = EvaluationView.Full, Parcels = { partial } })).Single().Evaluation;
        var columnar = (await BatchAsync(new BatchEvaluateRequest { RecordHistory = true, View = EvaluationView.Full, Columns = Columns(partial) })).Single().Evaluation;

        foreach (var e in new[] { mapForm, columnar })
        {
            Assert.Equal(HandWorkedParcel.Score, e.Score, 9);
            Assert.Equal("jiangning-high-tech-park", e.UnitId); // from the cache
            var far = e.Indicators.Single(i => i.Code == "far");
            Assert.Equal((ValueOrigin.Inline, ""), (far.Origin, far.Source));
            var tax = e.Indicators.Single(i => i.Code == "total_tax");
            Assert.Equal((ValueOrigin.Cache, "tax-bureau", asOf), (tax.Origin, tax.Source, tax.AsOf));
        }
        var records = (await Cache.ListEvaluationsAsync(new ListEvaluationsRequest { ParcelId = cached.ParcelId, PageSize = 10 })).Evaluations;
        Assert.Equal(2, records.Count);
        Assert.Equal(records[0].InputsJson, records[1].InputsJson);
        using var inputs = JsonDocument.Parse(records[0].InputsJson);
        var vetoes = inputs.RootElement.GetProperty("vetoes");
        Assert.Equal("inline", vetoes.GetProperty("safety").GetProperty("origin").GetString());
        Assert.Equal("cache", vetoes.GetProperty("construction").GetProperty("origin").GetString());
        Assert.Equal(asOf, vetoes.GetProperty("construction").GetProperty("as_of").GetString());
    }

    [Fact]
    public async Task A_columnar_row_with_only_an_id_is_read_from_the_cache_or_not_found()
    {
        var cached = HandWorkedParcel.Input("ENTRANCE-BY-ID");
        await UpsertAsync(new UpsertParcelsRequest { Source = "registry", AsOf = "2025-06-30", Parcels = { cached } });
        var columns = new ParcelColumns { Rows = { new ParcelRow { ParcelId = cached.ParcelId }, new ParcelRow { ParcelId = "ENTRANCE-NOWHERE" } } };

        var results = await BatchAsync(new BatchEvaluateRequest { Columns = columns });

        Assert.Equal(HandWorkedParcel.Score, results[0].Evaluation.Score, 9);
        Assert.Equal((int)StatusCode.NotFound, results[1].Error.Code);
        Assert.Equal("ENTRANCE-NOWHERE", results[1].ParcelId);
    }

    [Fact]
    public async Task GetModel_lists_the_indicator_and_veto_definitions()
    {
        var model = (await new ModelService.ModelServiceClient(server.Channel).GetModelAsync(new GetModelRequest())).Model;

        // Table 1: 6 elements, 27 indicators (24 numeric, 3 categorical), 8 vetoes.
        Assert.Equal(["population", "land", "enterprise", "industry", "economy", "energy"], model.Elements.Select(e => e.Code));
        Assert.Equal(0.32, model.Elements.Single(e => e.Code == "economy").Weight, 12);
        Assert.Equal(27, model.Indicators.Count);
        Assert.Equal(24, model.Indicators.Count(i => i.Kind == IndicatorKind.Numeric));
        var far = model.Indicators.Single(i => i.Code == "far");
        Assert.Equal(("land", "容积率", IndicatorKind.Numeric), (far.Element, far.Name, far.Kind));
        Assert.Equal(0.25 * 0.44, far.GlobalWeight, 12);
        var density = model.Indicators.Single(i => i.Code == "building_density");
        Assert.Equal((0.0, 100.0), (density.Min, density.Max));
        var type = model.Indicators.Single(i => i.Code == "enterprise_type");
        Assert.Equal(IndicatorKind.Category, type.Kind);
        Assert.Equal(["high_tech", "specialized", "above_scale", "below_scale", "non_industrial", "none"], type.Categories.Select(c => c.Key));
        Assert.Equal(DefaultModelCodes.Vetoes.Order(), model.Vetoes.Select(v => v.Code).Order());
        Assert.Equal((0.6, 0.5, 0.1), (model.LandUseNorms.ParkMinimumShare, model.LandUseNorms.CommunityTargetShare, model.LandUseNorms.CommunityTolerance));
    }

    // One row of a columnar block carrying the parcel's maps, codes in the order the maps give them.
    private static ParcelColumns Columns(ParcelInput p)
    {
        var columns = new ParcelColumns { IndicatorCodes = { p.Indicators.Keys }, CategoryCodes = { p.Categories.Keys }, VetoCodes = { p.Vetoes.Keys } };
        var row = new ParcelRow
        {
            ParcelId = p.ParcelId, Level = p.Level, AreaMu = p.AreaMu, IndustryCode = p.IndustryCode, UnitId = p.UnitId, Street = p.Street,
            Values = { p.Indicators.Values }, Categories = { p.Categories.Values },
            Vetoes = { p.Vetoes.Values.Select(met => met ? VetoAnswer.Met : VetoAnswer.Failed) },
        };
        if (p.HasLocallyReported) row.LocallyReported = p.LocallyReported;
        columns.Rows.Add(row);
        return columns;
    }

    private async Task<List<BatchResult>> BatchAsync(BatchEvaluateRequest request)
    {
        using var call = Scoring.BatchEvaluate();
        await call.RequestStream.WriteAsync(request);
        await call.RequestStream.CompleteAsync();
        var results = new List<BatchResult>();
        await foreach (var response in call.ResponseStream.ReadAllAsync()) results.AddRange(response.Results);
        return results;
    }

    private async Task UpsertAsync(UpsertParcelsRequest request)
    {
        using var call = Cache.UpsertParcels();
        await call.RequestStream.WriteAsync(request);
        await call.RequestStream.CompleteAsync();
        await foreach (var ack in call.ResponseStream.ReadAllAsync()) Assert.Empty(ack.Errors);
    }
}
