using System.Net;
using System.Text;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Scoring.V1;

namespace Scoring.Server.Tests;

/// <summary>
/// A server with a gRPC and a REST endpoint and CORS for one origin: the port of a test page, which is not the server's
/// own, so that a browser's call is a cross-origin one.
/// </summary>
public sealed class BrowserFixture : RestServerFixture
{
    /// <summary>The port the test page is served from.</summary>
    public int PagePort { get; } = FreePort();

    /// <summary>The origin the server allows (Cors:AllowedOrigins), the test page's.</summary>
    public string PageOrigin => $"http://127.0.0.1:{PagePort}";

    protected override IEnumerable<string> ExtraArgs => [$"--Cors:AllowedOrigins:0={PageOrigin}"];
}

/// <summary>
/// ParcelService.EvaluateParcels: a batch in one unary call, for callers that cannot stream (browsers). Every expected
/// score is the README parcel's, worked out by hand in <see cref="HandWorkedParcel"/>.
/// </summary>
public sealed class EvaluateParcelsTests(BrowserFixture server) : IClassFixture<BrowserFixture>
{
    private ParcelService.ParcelServiceClient Client => new(server.Channel);

    [Fact]
    public async Task Each_parcel_gets_its_result_in_order_and_a_bad_one_its_own_error()
    {
        var bad = HandWorkedParcel.Input("EP-2");
        bad.AreaMu = -1;
        var request = new EvaluateParcelsRequest { Parcels = { HandWorkedParcel.Input("EP-1"), bad, HandWorkedParcel.Input("EP-3") } };

        var response = await Client.EvaluateParcelsAsync(request);

        Assert.Equal(["EP-1", "EP-2", "EP-3"], response.Results.Select(r => r.ParcelId));
        foreach (var result in new[] { response.Results[0], response.Results[2] })
        {
            Assert.Equal(HandWorkedParcel.Score, result.Evaluation.Score, 6);
            Assert.Equal(HandWorkedParcel.Classification, result.Evaluation.Classification);
            Assert.Equal(HandWorkedParcel.Disposition, result.Evaluation.Disposition);
            Assert.Equal(DefaultModel.Model.Version, result.Evaluation.ModelVersion);
            // Unspecified view = basic, as BatchEvaluate's: element scores, no indicator rows.
            Assert.Equal(HandWorkedParcel.ElementScores, result.Evaluation.Elements.Select(e => Math.Round(e.Score, 3)));
            Assert.Empty(result.Evaluation.Indicators);
        }
        var error = response.Results[1].Error;
        Assert.Equal((int)Code.InvalidArgument, error.Code);
        Assert.Equal("parcels[1].area_mu", Assert.Single(error.Details.Single(d => d.Is(BadRequest.Descriptor)).Unpack<BadRequest>().FieldViolations).Field);
        Assert.Equal(DefaultModel.Model.Version, response.ModelVersion);
    }

    [Fact]
    public async Task Columnar_rows_follow_the_map_form_parcels_in_the_answer()
    {
        var request = new EvaluateParcelsRequest
        {
            Parcels = { HandWorkedParcel.Input("EPC-1") },
            Columns = BatchEvaluateTests.Columnar([HandWorkedParcel.Input("EPC-2"), HandWorkedParcel.Input("EPC-3")]),
            View = EvaluationView.Full,
            ModelVersion = DefaultModel.Model.Version,
        };

        var response = await Client.EvaluateParcelsAsync(request);

        Assert.Equal(["EPC-1", "EPC-2", "EPC-3"], response.Results.Select(r => r.ParcelId));
        Assert.All(response.Results, r => Assert.Equal(HandWorkedParcel.Score, r.Evaluation.Score, 6));
        // The full view: all 27 indicators of the default model.
        Assert.All(response.Results, r => Assert.Equal(27, r.Evaluation.Indicators.Count));
    }

    [Fact]
    public async Task More_parcels_than_a_chunk_may_carry_are_INVALID_ARGUMENT_naming_parcels()
    {
        // 5,000 map-form parcels and 5,001 rows: 10,001 in all, one over the limit of a BatchEvaluate chunk.
        var request = new EvaluateParcelsRequest { Columns = new ParcelColumns() };
        for (var i = 0; i < 5_000; i++) request.Parcels.Add(new ParcelInput { ParcelId = $"OVER-{i}" });
        for (var i = 0; i < 5_001; i++) request.Columns.Rows.Add(new ParcelRow { ParcelId = $"OVER-ROW-{i}" });

        var ex = await Assert.ThrowsAsync<RpcException>(() => Client.EvaluateParcelsAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var violation = Assert.Single(ex.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations);
        Assert.Equal("parcels", violation.Field);
        Assert.Contains("10001", violation.Description.Replace(",", ""), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_model_version_is_NOT_FOUND_as_for_one_parcel()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Client.EvaluateParcelsAsync(
            new EvaluateParcelsRequest { Parcels = { HandWorkedParcel.Input("EPV-1") }, ModelVersion = "no-such-version" }).ResponseAsync);

        Assert.Equal("MODEL_VERSION_NOT_FOUND", ex.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
    }

    [Fact]
    public async Task REST_callers_post_the_batch_to_parcels_evaluateMany()
    {
        using var http = new HttpClient { BaseAddress = server.RestAddress };
        var json = JsonFormatter.Default.Format(new EvaluateParcelsRequest { Parcels = { HandWorkedParcel.Input("EPR-1") } });

        using var response = await http.PostAsync("/v1/parcels:evaluateMany", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = JsonParser.Default.Parse<EvaluateParcelsResponse>(await response.Content.ReadAsStringAsync());
        Assert.Equal("EPR-1", Assert.Single(answer.Results).ParcelId);
        Assert.Equal(HandWorkedParcel.Score, answer.Results[0].Evaluation.Score, 6);
    }
}
