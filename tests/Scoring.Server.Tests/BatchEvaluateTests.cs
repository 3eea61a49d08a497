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
                var parcel = HandWorkedParcel.Input($"P{n:D5}");
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
                Assert.Equal(HandWorkedParcel.Score, results[i].Evaluation.Score, 9);
                Assert.Equal(Classification.Efficient, results[i].Evaluation.Classification);
            }
        }
    }

    [Fact]
    public async Task Batch_results_equal_EvaluateParcel_in_full_view()
    {
        var parcel = HandWorkedParcel.Input("P-equal");
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
    public async Task Oversized_chunk_is_refused_with_its_own_INVALID_ARGUMENT()
    {
        using var call = Client.BatchEvaluate();
        var request = new BatchEvaluateRequest();
        var parcel = new ParcelInput { ParcelId = "x" };
        for (var i = 0; i < 10_001; i++) request.Parcels.Add(parcel);
        await call.RequestStream.WriteAsync(request);
        Assert.True(await call.ResponseStream.MoveNext());
        var refused = call.ResponseStream.Current;
        Assert.Empty(refused.Results);
        Assert.Equal((int)Google.Rpc.Code.InvalidArgument, refused.ChunkError.Code);
        Assert.Equal("parcels", refused.ChunkError.GetDetail<BadRequest>().FieldViolations.Single().Field);
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext());
    }

    internal static ParcelColumns Columnar(IEnumerable<ParcelInput> parcels)
    {
        var first = HandWorkedParcel.Input();
        var columns = new ParcelColumns
        {
            IndicatorCodes = { first.Indicators.Keys },
            CategoryCodes = { first.Categories.Keys },
            VetoCodes = { first.Vetoes.Keys },
        };
        foreach (var p in parcels)
        {
            var row = new ParcelRow { ParcelId = p.ParcelId, Level = p.Level, AreaMu = p.AreaMu, UnitId = p.UnitId, Street = p.Street };
            row.Values.AddRange(columns.IndicatorCodes.Select(c => p.Indicators.TryGetValue(c, out var v) ? v : double.NaN));
            row.Categories.AddRange(columns.CategoryCodes.Select(c => p.Categories.TryGetValue(c, out var k) ? k : ""));
            row.Vetoes.AddRange(columns.VetoCodes.Select(c => p.Vetoes.TryGetValue(c, out var m) ? (m ? VetoAnswer.Met : VetoAnswer.Failed) : VetoAnswer.Unspecified));
            if (p.HasInEcologicalRedLine) row.InEcologicalRedLine = p.InEcologicalRedLine;
            columns.Rows.Add(row);
        }
        return columns;
    }

    [Fact]
    public async Task Columnar_rows_evaluate_exactly_as_the_same_parcels_in_map_form()
    {
        var parcels = new List<ParcelInput>();
        for (var i = 0; i < 6; i++)
        {
            var p = HandWorkedParcel.Input($"COL-{i}");
            if (i == 1) p.Indicators.Remove("far");
            if (i == 2) p.Vetoes["nimby"] = false;
            if (i == 3) p.Categories.Remove("enterprise_type");
            if (i == 4) p.InEcologicalRedLine = true;
            if (i == 5) p.Vetoes.Remove("safety");
            parcels.Add(p);
        }
        using var call = Client.BatchEvaluate();
        await call.RequestStream.WriteAsync(new BatchEvaluateRequest { Parcels = { parcels } });
        await call.RequestStream.WriteAsync(new BatchEvaluateRequest { Columns = Columnar(parcels) });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext());
        var mapForm = call.ResponseStream.Current.Results.Select(r => r.Evaluation).ToList();
        Assert.True(await call.ResponseStream.MoveNext());
        var columnar = call.ResponseStream.Current.Results.Select(r => r.Evaluation).ToList();

        Assert.Equal(mapForm, columnar);
        Assert.Equal(HandWorkedParcel.Score, columnar[0].Score, 9);
        Assert.Equal(["nimby"], columnar[2].FailedVetoes);
        Assert.Equal(Disposition.EcologicalClearance, columnar[4].Disposition);
        Assert.Equal(Classification.Review, columnar[5].Classification); // unknown veto: at best REVIEW
    }

    [Fact]
    public async Task A_bad_columnar_row_gets_its_own_error_after_the_map_form_parcels()
    {
        var good = HandWorkedParcel.Input("MIX-1");
        var columns = Columnar([HandWorkedParcel.Input("MIX-2"), HandWorkedParcel.Input("MIX-3")]);
        var farIndex = columns.IndicatorCodes.IndexOf("far");
        columns.Rows[0].Values[farIndex] = -1;

        using var call = Client.BatchEvaluate();
        await call.RequestStream.WriteAsync(new BatchEvaluateRequest { Parcels = { good }, Columns = columns });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext());
        var results = call.ResponseStream.Current.Results;

        Assert.Equal(["MIX-1", "MIX-2", "MIX-3"], results.Select(r => r.ParcelId));
        Assert.Equal(BatchResult.OutcomeOneofCase.Evaluation, results[0].OutcomeCase);
        var field = results[1].Error.Details.Single(d => d.Is(BadRequest.Descriptor)).Unpack<BadRequest>().FieldViolations.Single();
        Assert.Equal($"columns.rows[0].values[{farIndex}]", field.Field);
        Assert.Contains("far", field.Description);
        Assert.Equal(HandWorkedParcel.Score, results[2].Evaluation.Score, 9);
    }

    [Fact]
    public async Task A_cancelled_stream_ends_promptly_and_leaves_whole_chunks_in_the_history()
    {
        using var cts = new CancellationTokenSource();
        var call = Client.BatchEvaluate(cancellationToken: cts.Token);
        const int perChunk = 200;
        Task Send(int c) => call.RequestStream.WriteAsync(new BatchEvaluateRequest
        {
            RecordHistory = true,
            Parcels = { Enumerable.Range(0, perChunk).Select(i => HandWorkedParcel.Input($"CANCEL-{c}-{i}")) },
        });
        await Send(0);
        Assert.True(await call.ResponseStream.MoveNext());
        await Send(1);
        cts.Cancel();
        var started = DateTime.UtcNow;
        var ex = await Assert.ThrowsAnyAsync<Exception>(async () => { while (await call.ResponseStream.MoveNext()) { } });
        Assert.True(ex is RpcException { StatusCode: StatusCode.Cancelled } or OperationCanceledException, ex.ToString());
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(2));
        call.Dispose();

        // The first chunk is in the history; the second either wholly or not at all.
        var cache = new ParcelService.ParcelServiceClient(server.Channel);
        async Task<int> Recorded(int c)
        {
            var n = 0;
            for (var i = 0; i < perChunk; i++)
                n += (await cache.ListEvaluationsAsync(new ListEvaluationsRequest { ParcelId = $"CANCEL-{c}-{i}" })).Evaluations.Count;
            return n;
        }
        Assert.Equal(perChunk, await Recorded(0));
        Assert.Contains(await Recorded(1), new[] { 0, perChunk });

        // The server goes on serving.
        var e = (await Client.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = HandWorkedParcel.Input("AFTER-CANCEL") })).Evaluation;
        Assert.Equal(HandWorkedParcel.Score, e.Score, 9);
    }

    [Fact]
    public async Task Batch_results_in_the_basic_view_equal_EvaluateParcel_in_the_basic_view()
    {
        var parcel = HandWorkedParcel.Input("P-basic");
        parcel.Vetoes.Remove("nimby");
        var single = (await Client.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = parcel, View = EvaluationView.Basic, SkipHistory = true })).Evaluation;

        using var call = Client.BatchEvaluate();
        await call.RequestStream.WriteAsync(new BatchEvaluateRequest { Parcels = { parcel } });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Equal(single, call.ResponseStream.Current.Results.Single().Evaluation);
        Assert.Equal(Classification.Review, single.Classification); // an unanswered veto: at best REVIEW
    }
}
