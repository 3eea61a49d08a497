using Google.Rpc;
using Grpc.Core;
using Scoring.V1;

namespace Scoring.Server.Tests;

public sealed class BatchEvaluateTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private ScoringService.ScoringServiceClient Client => new(server.Channel);

    [Fact]
    public async Task Many_chunks_with_bad_items_give_one_result_per_parcel_in_order()
    {
        const int chunks = 20, perChunk = 50;
        using var call = Client.BatchEvaluate();
        var expected = new List<(string Id, bool Bad)>();
        var reader = Task.Run(async () =>
        {
            var results = new List<BatchResult>();
            await foreach (var response in call.ResponseStream.ReadAllAsync()) results.AddRange(response.Results);
            return results;
        });
        for (var c = 0; c < chunks; c++)
        {
            var request = new BatchEvaluateRequest();
            for (var i = 0; i < perChunk; i++)
            {
                var n = c * perChunk + i;
                var parcel = Parcels.OnCurvePoints($"P{n:D5}");
                var bad = n % 7 == 3;
                if (bad) parcel.Indicators["green_ratio"] = -5;
                request.Parcels.Add(parcel);
                expected.Add((parcel.ParcelId, bad));
            }
            await call.RequestStream.WriteAsync(request);
        }
        await call.RequestStream.CompleteAsync();
        var results = await reader;

        Assert.Equal(expected.Select(e => e.Id), results.Select(r => r.ParcelId));
        for (var i = 0; i < results.Count; i++)
        {
            if (expected[i].Bad)
            {
                Assert.Equal(BatchResult.OutcomeOneofCase.Error, results[i].OutcomeCase);
                Assert.Equal((int)Code.InvalidArgument, results[i].Error.Code);
                var badRequest = results[i].Error.Details.Single(d => d.Is(BadRequest.Descriptor)).Unpack<BadRequest>();
                Assert.Equal($"parcels[{i % perChunk}].indicators[\"green_ratio\"]", Assert.Single(badRequest.FieldViolations).Field);
            }
            else
            {
                Assert.Equal(0.7363, results[i].Evaluation.Score, 9); // as worked out in Parcels.OnCurvePoints
                Assert.Equal(Classification.Efficient, results[i].Evaluation.Classification);
            }
        }
    }

    [Fact]
    public async Task Batch_results_equal_EvaluateParcel_in_full_view()
    {
        var parcel = Parcels.OnCurvePoints("P-equal");
        parcel.Indicators.Remove("far");
        parcel.Vetoes["construction"] = false;
        var single = (await Client.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = parcel })).Evaluation;

        using var call = Client.BatchEvaluate();
        await call.RequestStream.WriteAsync(new BatchEvaluateRequest { Parcels = { parcel }, View = EvaluationView.Full });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Equal(single, call.ResponseStream.Current.Results.Single().Evaluation);
    }

    [Fact]
    public async Task Oversized_chunk_is_INVALID_ARGUMENT()
    {
        using var call = Client.BatchEvaluate();
        var request = new BatchEvaluateRequest();
        var parcel = new ParcelInput { ParcelId = "x" };
        for (var i = 0; i < 10_001; i++) request.Parcels.Add(parcel);
        await call.RequestStream.WriteAsync(request);
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("parcels", ex.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Single().Field);
    }
}
