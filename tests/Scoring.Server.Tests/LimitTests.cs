using Google.Rpc;
using Grpc.Core;
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
