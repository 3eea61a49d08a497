using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using Scoring.V1;

namespace Scoring.Server.Tests;

/// <summary>An open-mode server (no keys) that closes a stream after 4 s without a message and refuses a 65th open stream.</summary>
public sealed class IdleStreamServerFixture : ServerFixture
{
    /// <summary>The idle timeout the server runs with.</summary>
    public static readonly TimeSpan Idle = TimeSpan.FromSeconds(4);

    protected override IEnumerable<string> ExtraArgs =>
        [$"--Scoring:Limits:StreamIdleSeconds={Idle.TotalSeconds}", "--Scoring:Limits:QueuedStreamsPerCaller=0"];
}

/// <summary>
/// Issue 12, row 11: 64 idle BatchEvaluate streams from one caller block neither that caller's unary calls nor
/// anyone else's calls, and are closed once idle. Two real clients on loopback, one from 127.0.0.1, one from 127.0.0.2.
/// </summary>
public sealed class IdleStreamTests(IdleStreamServerFixture server) : IClassFixture<IdleStreamServerFixture>
{
    private static readonly TimeSpan Idle = IdleStreamServerFixture.Idle;

    [Fact]
    public async Task Sixty_four_idle_streams_block_no_unary_call_and_no_other_client_and_are_closed_as_STREAM_IDLE()
    {
        var a = new ScoringService.ScoringServiceClient(server.Channel);
        using var otherChannel = ChannelFrom(IPAddress.Parse("127.0.0.2"));
        var b = new ScoringService.ScoringServiceClient(otherChannel);
        var request = new EvaluateParcelRequest { Parcel = HandWorkedParcel.Input("IDLE-U"), SkipHistory = true };
        Assert.Equal(HandWorkedParcel.Score, (await a.EvaluateParcelAsync(request)).Evaluation.Score, 9); // warm up

        // Client A opens 65 streams and sends nothing: 64 fill its stream budget, the last to arrive is refused.
        var opened = Stopwatch.StartNew();
        var calls = Enumerable.Range(0, 65).Select(_ => a.BatchEvaluate()).ToList();
        var endings = calls.Select(c => Ending(c.ResponseStream)).ToList();
        var refused = await await Task.WhenAny(endings).WaitAsync(Idle);
        Assert.Equal(StatusCode.ResourceExhausted, refused.Code);
        Assert.Equal("TOO_MANY_CONCURRENT_STREAMS", refused.Reason);
        Assert.Equal("caller '127.0.0.1' has 64 streams running and 0 waiting; retry later", refused.Message);

        // A's budget of streams is full; its unary calls, and client B's calls and streams, go through at once.
        var quick = DateTime.UtcNow.AddSeconds(3);
        Assert.Equal(HandWorkedParcel.Score, (await a.EvaluateParcelAsync(request, deadline: quick)).Evaluation.Score, 9);
        Assert.Equal(HandWorkedParcel.Score, (await b.EvaluateParcelAsync(request, deadline: quick)).Evaluation.Score, 9);
        Assert.Equal(HandWorkedParcel.Score, await OneChunk(b, "IDLE-B", quick), 9);
        Assert.True(opened.Elapsed < Idle, $"the checks took {opened.Elapsed}, longer than the idle timeout");

        // The 64 idle streams are closed by the server once idle, each with DEADLINE_EXCEEDED / STREAM_IDLE.
        var closed = await Task.WhenAll(endings).WaitAsync(Idle * 3);
        var elapsed = opened.Elapsed;
        Assert.Equal(1, closed.Count(c => c.Code == StatusCode.ResourceExhausted));
        var idle = closed.Where(c => c.Code != StatusCode.ResourceExhausted).ToList();
        Assert.Equal(64, idle.Count);
        Assert.All(idle, c =>
        {
            Assert.Equal(StatusCode.DeadlineExceeded, c.Code);
            Assert.Equal("STREAM_IDLE", c.Reason);
            Assert.Equal("the stream was idle: no message for 4 s (Scoring:Limits:StreamIdleSeconds), so the server closed it; open a new stream to go on", c.Message);
        });
        Assert.InRange(elapsed, Idle, Idle * 3);
        foreach (var call in calls) call.Dispose();

        // A has its stream budget back.
        Assert.Equal(HandWorkedParcel.Score, await OneChunk(a, "IDLE-A", DateTime.UtcNow.AddSeconds(10)), 9);
    }

    [Fact]
    public async Task A_stream_that_keeps_sending_within_the_idle_timeout_stays_open_past_it()
    {
        var scoring = new ScoringService.ScoringServiceClient(server.Channel);
        using var call = scoring.BatchEvaluate();
        var started = Stopwatch.StartNew();
        var scores = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            if (i > 0) await Task.Delay(Idle * 0.6); // 2.4 s apart: under the timeout each time, 4.8 s in all
            await call.RequestStream.WriteAsync(new BatchEvaluateRequest { Parcels = { HandWorkedParcel.Input($"KEEP-{i}") }, });
            Assert.True(await call.ResponseStream.MoveNext());
            scores.Add(call.ResponseStream.Current.Results.Single().Evaluation.Score);
        }
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext());

        Assert.True(started.Elapsed > Idle, $"the stream lasted {started.Elapsed}, not longer than the idle timeout");
        Assert.All(scores, s => Assert.Equal(HandWorkedParcel.Score, s, 9));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    private sealed record Closed(StatusCode Code, string? Reason, string Message);

    // How a stream ended: its status, ErrorInfo reason and message.
    private static async Task<Closed> Ending(IAsyncStreamReader<BatchEvaluateResponse> responses)
    {
        try
        {
            while (await responses.MoveNext()) { }
            return new Closed(StatusCode.OK, null, "");
        }
        catch (RpcException e)
        {
            return new Closed(e.StatusCode, e.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason, e.Status.Detail);
        }
    }

    private static async Task<double> OneChunk(ScoringService.ScoringServiceClient client, string id, DateTime deadline)
    {
        using var call = client.BatchEvaluate(deadline: deadline);
        await call.RequestStream.WriteAsync(new BatchEvaluateRequest { Parcels = { HandWorkedParcel.Input(id) }, });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext());
        var score = call.ResponseStream.Current.Results.Single().Evaluation.Score;
        Assert.False(await call.ResponseStream.MoveNext());
        return score;
    }

    // A second client: its connections leave from another loopback address, so the server sees another caller.
    private GrpcChannel ChannelFrom(IPAddress local) => GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            ConnectCallback = async (context, token) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, token);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        },
    });
}
