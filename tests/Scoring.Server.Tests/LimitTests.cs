using Google.Rpc;
using Grpc.Core;
using Scoring.V1;

namespace Scoring.Server.Tests;

/// <summary>A server that lets one caller run one call at a time, with none waiting.</summary>
public sealed class OneCallServerFixture : ServerFixture
{
    protected override IEnumerable<string> ExtraArgs =>
        ["--Scoring:Limits:MaxConcurrentCallsPerCaller=1", "--Scoring:Limits:QueuedCallsPerCaller=0"];
}

public sealed class LimitTests(OneCallServerFixture server) : IClassFixture<OneCallServerFixture>
{
    [Fact]
    public async Task A_caller_over_its_concurrency_limit_is_RESOURCE_EXHAUSTED_with_details_and_served_again_after()
    {
        var scoring = new ScoringService.ScoringServiceClient(server.Channel);
        var request = new EvaluateParcelRequest { Parcel = HandWorkedParcel.Input("LIMIT-1"), SkipHistory = true };

        using (var open = scoring.BatchEvaluate())
        {
            // The open stream holds the caller's only slot.
            await open.RequestStream.WriteAsync(new BatchEvaluateRequest { Parcels = { HandWorkedParcel.Input("LIMIT-0") } });
            Assert.True(await open.ResponseStream.MoveNext());

            var ex = await Assert.ThrowsAsync<RpcException>(() => scoring.EvaluateParcelAsync(request).ResponseAsync);
            Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
            var status = ex.GetRpcStatus()!;
            Assert.Equal("TOO_MANY_CONCURRENT_CALLS", status.GetDetail<ErrorInfo>().Reason);
            Assert.Contains("1 running", status.GetDetail<QuotaFailure>().Violations.Single().Description);

            await open.RequestStream.CompleteAsync();
            Assert.False(await open.ResponseStream.MoveNext());
        }

        Assert.Equal(HandWorkedParcel.Score, (await scoring.EvaluateParcelAsync(request)).Evaluation.Score, 9);
    }
}
