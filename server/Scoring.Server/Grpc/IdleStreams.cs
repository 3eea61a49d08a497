using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Scoring.Server.Operations;

namespace Scoring.Server.Grpc;

/// <summary>
/// Closes a client stream (BatchEvaluate, UpsertParcels) that sends no message for
/// <c>Scoring:Limits:StreamIdleSeconds</c>: DEADLINE_EXCEEDED with ErrorInfo <c>STREAM_IDLE</c>. Only the
/// wait for the client's next message counts; the time the server spends on a chunk does not.
/// </summary>
internal sealed class IdleStreams(LimitOptions limits, ILogger<IdleStreams> logger) : Interceptor
{
    /// <summary>ErrorInfo reason of a stream closed for idleness.</summary>
    public const string Reason = "STREAM_IDLE";

    private TimeSpan Idle => TimeSpan.FromSeconds(limits.StreamIdleSeconds);

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(new IdleReader<TRequest>(requestStream, Idle, context, logger), context);

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(new IdleReader<TRequest>(requestStream, Idle, context, logger), responseStream, context);

    private sealed class IdleReader<T>(IAsyncStreamReader<T> inner, TimeSpan idle, ServerCallContext context, ILogger logger) : IAsyncStreamReader<T>
    {
        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timer.CancelAfter(idle);
            try
            {
                return await inner.MoveNext(timer.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException && timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                var seconds = idle.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
                logger.LogInformation("{Method} by {Caller}: closed after {Seconds} s without a message", context.Method, context.CallerName(), seconds);
                throw RichErrors.Of(Code.DeadlineExceeded, Reason,
                    $"the stream was idle: no message for {seconds} s ({LimitOptions.Section}:StreamIdleSeconds), so the server closed it; open a new stream to go on",
                    ("idle_seconds", seconds)).ToRpcException();
            }
        }
    }
}
