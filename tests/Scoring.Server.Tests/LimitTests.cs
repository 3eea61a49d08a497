using Google.Rpc;
using Grpc.Core;
using Google.Protobuf;
using Scoring.V1;

namespace Scoring.Server.Tests;

/// <summary>A server that lets one caller run one unary call and keep one stream open at a time, with none waiting.</summary>
public sealed class OneCallServerFixture : ServerFixture
{
    protected override IEnumerable<string> ExtraArgs =>
    [
        "--Scoring:Limits:MaxConcurrentCallsPerCaller=1", "--Scoring:Limits:QueuedCallsPerCaller=0",
        "--Scoring:Limits:MaxConcurrentStreamsPerCaller=1", "--Scoring:Limits:QueuedStreamsPerCaller=0",
    ];
}

public sealed class LimitTests(OneCallServerFixture server) : IClassFixture<OneCallServerFixture>
{
    [Fact]
    public async Task An_open_stream_leaves_unary_calls_free_and_a_second_stream_is_RESOURCE_EXHAUSTED_with_details()
    {
        var scoring = new ScoringService.ScoringServiceClient(server.Channel);
        var request = new EvaluateParcelRequest { Parcel = HandWorkedParcel.Input("LIMIT-1"), SkipHistory = true };

        using (var open = scoring.BatchEvaluate())
        {
            // The open stream holds the caller's only stream slot (its answer shows it is running).
            await open.RequestStream.WriteAsync(new BatchEvaluateRequest { Parcels = { HandWorkedParcel.Input("LIMIT-0") } });
            Assert.True(await open.ResponseStream.MoveNext());

            // Unary calls have their own budget: the open stream does not hold them up.
            var unary = await scoring.EvaluateParcelAsync(request, deadline: DateTime.UtcNow.AddSeconds(10));
            Assert.Equal(HandWorkedParcel.Score, unary.Evaluation.Score, 9);

            using var second = scoring.BatchEvaluate();
            var ex = await Assert.ThrowsAsync<RpcException>(() => second.ResponseStream.MoveNext());
            Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
            var status = ex.GetRpcStatus()!;
            Assert.Equal("TOO_MANY_CONCURRENT_STREAMS", status.GetDetail<ErrorInfo>().Reason);
            var violation = status.GetDetail<QuotaFailure>().Violations.Single();
            // Open mode: the caller is told apart by its address.
            Assert.Equal("concurrent streams of 127.0.0.1", violation.Subject);
            Assert.Equal("at most 1 running, 0 queued (Scoring:Limits:MaxConcurrentStreamsPerCaller)", violation.Description);

            await open.RequestStream.CompleteAsync();
            Assert.False(await open.ResponseStream.MoveNext());
        }

        // The slot is free again.
        using var again = scoring.BatchEvaluate();
        await again.RequestStream.WriteAsync(new BatchEvaluateRequest { Parcels = { HandWorkedParcel.Input("LIMIT-2") } });
        await again.RequestStream.CompleteAsync();
        Assert.True(await again.ResponseStream.MoveNext());
        Assert.Equal(HandWorkedParcel.Score, again.ResponseStream.Current.Results.Single().Evaluation.Score, 9);
    }
}

/// <summary>One unary call per caller and none waiting, open mode, with a gRPC port and a REST port.</summary>
public sealed class OneCallRestFixture : RestServerFixture
{
    protected override IEnumerable<string> ExtraArgs => ["--Scoring:Limits:MaxConcurrentCallsPerCaller=1", "--Scoring:Limits:QueuedCallsPerCaller=0"];
}

public sealed class RestLimitTests(OneCallRestFixture server) : IClassFixture<OneCallRestFixture>
{
    [Fact]
    public async Task A_REST_call_over_the_callers_budget_is_429_with_a_JSON_status_naming_the_quota()
    {
        // One call at a time, none waiting: of many REST calls sent at once by one caller, some are refused.
        using var rest = new HttpClient { BaseAddress = server.RestAddress };
        var json = JsonFormatter.Default.Format(new EvaluateParcelRequest { Parcel = HandWorkedParcel.Input("REST-LIMIT"), SkipHistory = true });
        HttpResponseMessage? refused = null;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (refused is null && DateTime.UtcNow < deadline)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ =>
                rest.PostAsync("/v1/parcels:evaluate", new StringContent(json, System.Text.Encoding.UTF8, "application/json"))));
            refused = answers.FirstOrDefault(a => a.StatusCode == System.Net.HttpStatusCode.TooManyRequests);
            Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { System.Net.HttpStatusCode.OK, System.Net.HttpStatusCode.TooManyRequests }));
        }

        Assert.NotNull(refused);
        Assert.Equal("application/json", refused.Content.Headers.ContentType?.MediaType);
        using var body = System.Text.Json.JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal((int)Code.ResourceExhausted, body.RootElement.GetProperty("code").GetInt32());
        Assert.Equal("caller '127.0.0.1' has 1 unary calls running and 0 waiting; retry later", body.RootElement.GetProperty("message").GetString());
        var details = body.RootElement.GetProperty("details").EnumerateArray().ToList();
        Assert.Contains(details, d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.ErrorInfo"
            && d.GetProperty("reason").GetString() == "TOO_MANY_CONCURRENT_CALLS");
        Assert.Contains(details, d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.QuotaFailure");
    }

    [Fact]
    public async Task A_gRPC_Web_call_over_the_callers_budget_is_RESOURCE_EXHAUSTED_as_over_HTTP_2()
    {
        // The same budget on the REST port for gRPC-Web: of many calls sent at once by one caller, some are refused.
        using var channel = GrpcWebTests.GrpcWebChannel(server.RestAddress, global::Grpc.Net.Client.Web.GrpcWebMode.GrpcWeb);
        var client = new ParcelService.ParcelServiceClient(channel);
        var request = new EvaluateParcelsRequest { Parcels = { Enumerable.Range(0, 50).Select(i => HandWorkedParcel.Input($"WEB-LIMIT-{i}")) } };
        RpcException? refused = null;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (refused is null && DateTime.UtcNow < deadline)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 32).Select(async _ =>
            {
                try
                {
                    await client.EvaluateParcelsAsync(request);
                    return null;
                }
                catch (RpcException e)
                {
                    return e;
                }
            }));
            Assert.All(answers, a => Assert.True(a is null || a.StatusCode == StatusCode.ResourceExhausted, a?.Status.ToString()));
            refused = answers.FirstOrDefault(a => a is not null);
        }

        Assert.NotNull(refused);
        Assert.Equal("caller '127.0.0.1' has 1 unary calls running and 0 waiting; retry later", refused.Status.Detail);
        Assert.Equal("TOO_MANY_CONCURRENT_CALLS", refused.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
    }
}
