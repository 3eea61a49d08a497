using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Scoring.Server.Operations;

namespace Scoring.Server.Grpc;

/// <summary>
/// Logs every call with the caller's name (never the key) and its parcel count, and records its
/// duration. Unary evaluations log at Debug: at thousands a second they would drown the rest.
/// </summary>
internal sealed class CallObserver(ILogger<CallObserver> logger, ScoringMetrics metrics) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        TResponse response = default!;
        await Observe(context, async () => response = await continuation(request, context), () => ParcelCount(request));
        return response;
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var counting = new CountingWriter<TResponse>(responseStream);
        return Observe(context, () => continuation(request, counting, context), () => counting.Parcels);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var counting = new CountingReader<TRequest>(requestStream, metrics, context.Method);
        return Observe(context, () => continuation(counting, responseStream, context), () => counting.Parcels);
    }

    private async Task Observe(ServerCallContext context, Func<Task> call, Func<int> parcels)
    {
        var started = Stopwatch.GetTimestamp();
        var status = StatusCode.OK;
        try
        {
            await call();
        }
        catch (RpcException e)
        {
            status = e.StatusCode;
            throw;
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            status = context.Deadline <= DateTime.UtcNow ? StatusCode.DeadlineExceeded : StatusCode.Cancelled;
            throw;
        }
        catch
        {
            status = StatusCode.Unknown;
            throw;
        }
        finally
        {
            Finish(context, parcels(), status, started);
        }
    }

    private void Finish(ServerCallContext context, int parcels, StatusCode status, long started)
    {
        var elapsed = Stopwatch.GetElapsedTime(started);
        metrics.Rpc(context.Method, status.ToString(), elapsed);
        var level = context.Method.EndsWith("/EvaluateParcel", StringComparison.Ordinal) && status == StatusCode.OK ? LogLevel.Debug : LogLevel.Information;
        if (!logger.IsEnabled(level)) return;
        logger.Log(level, "{Method} by {Caller}: {Parcels} parcels, {Status} in {ElapsedMs:0.0} ms",
            context.Method, context.CallerName(), parcels, status, elapsed.TotalMilliseconds);
    }

    private static int ParcelCount(object request) => request switch
    {
        V1.EvaluateParcelRequest => 1,
        _ => 0,
    };

    // Counts the results a server stream (EvaluateStored) sends.
    private sealed class CountingWriter<T>(IServerStreamWriter<T> inner) : IServerStreamWriter<T>
    {
        public int Parcels { get; private set; }

        public WriteOptions? WriteOptions
        {
            get => inner.WriteOptions;
            set => inner.WriteOptions = value;
        }

        public Task WriteAsync(T message) => WriteAsync(message, CancellationToken.None);

        public Task WriteAsync(T message, CancellationToken cancellationToken)
        {
            if (message is V1.BatchEvaluateResponse response) Parcels += response.Results.Count;
            return inner.WriteAsync(message, cancellationToken);
        }
    }

    private sealed class CountingReader<T>(IAsyncStreamReader<T> inner, ScoringMetrics metrics, string method) : IAsyncStreamReader<T>
    {
        public int Parcels { get; private set; }
        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (!await inner.MoveNext(cancellationToken)) return false;
            var count = inner.Current switch
            {
                V1.BatchEvaluateRequest b => b.Parcels.Count + (b.Columns?.Rows.Count ?? 0),
                V1.UpsertParcelsRequest u => u.Parcels.Count,
                _ => 0,
            };
            Parcels += count;
            if (method.EndsWith("/BatchEvaluate", StringComparison.Ordinal)) metrics.BatchParcels(count);
            return true;
        }
    }
}
