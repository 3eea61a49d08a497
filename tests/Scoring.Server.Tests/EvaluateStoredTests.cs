using Google.Rpc;
using Grpc.Core;
using Scoring.V1;

namespace Scoring.Server.Tests;

/// <summary>ParcelService.EvaluateStored: the stored district scored on the server, without sending its data.</summary>
public sealed class EvaluateStoredTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private ParcelService.ParcelServiceClient Cache => new(server.Channel);

    [Fact]
    public async Task Every_cached_parcel_of_the_selection_is_evaluated_in_id_order_in_chunks()
    {
        // Unit stored-a: three hand-worked parcels (one of them scattered); unit stored-b: one.
        var a3 = HandWorkedParcel.Input("STORED-A3");
        a3.Level = Level.Scattered;
        var b1 = HandWorkedParcel.Input("STORED-B1");
        b1.UnitId = "stored-b";
        var chunk = new UpsertParcelsRequest { Source = "registry", AsOf = "2025-06-30", Parcels = { b1, a3, HandWorkedParcel.Input("STORED-A2"), HandWorkedParcel.Input("STORED-A1") } };
        foreach (var p in chunk.Parcels.Where(p => p.UnitId != "stored-b")) p.UnitId = "stored-a";
        await UpsertAsync(chunk);

        var responses = await EvaluateStoredAsync(new EvaluateStoredRequest { UnitId = "stored-a", ChunkSize = 2, RecordHistory = true });

        Assert.Equal([2, 1], responses.Select(r => r.Results.Count));
        var results = responses.SelectMany(r => r.Results).ToList();
        Assert.Equal(["STORED-A1", "STORED-A2", "STORED-A3"], results.Select(r => r.ParcelId));
        // Park parcels score the hand-worked 0.7363; the scattered one reads the same values on the same default curves.
        Assert.All(results, r => Assert.Equal(HandWorkedParcel.Score, r.Evaluation.Score, 9));
        Assert.All(results, r => Assert.Equal("stored-a", r.Evaluation.UnitId));
        var history = await Cache.ListEvaluationsAsync(new ListEvaluationsRequest { ParcelId = "STORED-A2" });
        Assert.Single(history.Evaluations);

        var scattered = await EvaluateStoredAsync(new EvaluateStoredRequest { UnitId = "stored-a", Level = Level.Scattered });
        Assert.Equal(["STORED-A3"], scattered.SelectMany(r => r.Results).Select(r => r.ParcelId));
        var nothing = await EvaluateStoredAsync(new EvaluateStoredRequest { Street = "no such street" });
        Assert.Empty(nothing);
    }

    [Fact]
    public async Task A_full_view_names_the_cached_source_of_each_value()
    {
        await UpsertAsync(new UpsertParcelsRequest { Source = "tax-bureau", AsOf = "2025-06-30", Parcels = { WithUnit(HandWorkedParcel.Input("STORED-FULL"), "stored-full") } });

        var result = (await EvaluateStoredAsync(new EvaluateStoredRequest { UnitId = "stored-full", View = EvaluationView.Full })).Single().Results.Single();

        var tax = result.Evaluation.Indicators.Single(i => i.Code == "total_tax");
        Assert.Equal((ValueOrigin.Cache, "tax-bureau", "2025-06-30"), (tax.Origin, tax.Source, tax.AsOf));
    }

    [Fact]
    public async Task A_bad_selection_is_INVALID_ARGUMENT_and_an_unknown_model_NOT_FOUND()
    {
        var bad = await Assert.ThrowsAsync<RpcException>(() => EvaluateStoredAsync(new EvaluateStoredRequest { ChunkSize = 10_001, Level = (Level)9 }));
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        Assert.Equal(["level", "chunk_size"], bad.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field));

        var unknown = await Assert.ThrowsAsync<RpcException>(() => EvaluateStoredAsync(new EvaluateStoredRequest { ModelVersion = "999" }));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    private static ParcelInput WithUnit(ParcelInput p, string unit)
    {
        p.UnitId = unit;
        return p;
    }

    private async Task<List<BatchEvaluateResponse>> EvaluateStoredAsync(EvaluateStoredRequest request)
    {
        using var call = Cache.EvaluateStored(request);
        var responses = new List<BatchEvaluateResponse>();
        await foreach (var response in call.ResponseStream.ReadAllAsync()) responses.Add(response);
        return responses;
    }

    private async Task UpsertAsync(UpsertParcelsRequest request)
    {
        using var call = Cache.UpsertParcels();
        await call.RequestStream.WriteAsync(request);
        await call.RequestStream.CompleteAsync();
        await foreach (var ack in call.ResponseStream.ReadAllAsync()) Assert.Empty(ack.Errors);
    }
}
