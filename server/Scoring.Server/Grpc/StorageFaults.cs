using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Scoring.Storage;

namespace Scoring.Server.Grpc;

/// <summary>
/// Turns a storage fault into its status instead of UNKNOWN: UNAVAILABLE for a read-only, damaged or missing
/// database, RESOURCE_EXHAUSTED for a full one, each with its ErrorInfo reason. In a stream the fault ends the
/// stream with that status; what was acknowledged before it is committed.
/// </summary>
internal sealed class StorageFaults(IServiceProvider services, ILogger<StorageFaults> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (Fault(e) is { } fault)
        {
            throw Status(fault, context);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception e) when (Fault(e) is { } fault)
        {
            throw Status(fault, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (Fault(e) is { } fault)
        {
            throw Status(fault, context);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception e) when (Fault(e) is { } fault)
        {
            throw Status(fault, context);
        }
    }

    /// <summary>ErrorInfo reason of a read-only database.</summary>
    public const string ReadOnlyReason = "STORAGE_READ_ONLY";

    /// <summary>ErrorInfo reason of a damaged database.</summary>
    public const string CorruptReason = "STORAGE_CORRUPT";

    /// <summary>ErrorInfo reason of a full database.</summary>
    public const string FullReason = "STORAGE_FULL";

    /// <summary>ErrorInfo reason of a database deleted, replaced or not to be opened.</summary>
    public const string MissingReason = "STORAGE_MISSING";

    /// <summary>The status code and ErrorInfo reason of each fault.</summary>
    public static (Code Code, string Reason) CodeOf(StorageFault fault) => fault switch
    {
        StorageFault.ReadOnly => (Code.Unavailable, ReadOnlyReason),
        StorageFault.Corrupt => (Code.Unavailable, CorruptReason),
        StorageFault.Full => (Code.ResourceExhausted, FullReason),
        _ => (Code.Unavailable, MissingReason),
    };

    // Only failures that are storage faults; the database is resolved here, never before a call has failed.
    private StorageFaultException? Fault(Exception e) =>
        e is RpcException or OperationCanceledException ? null : services.GetRequiredService<IScoringDatabase>().Classify(e);

    private RpcException Status(StorageFaultException fault, ServerCallContext context)
    {
        logger.LogWarning("{Method}: storage fault {Fault}: {Message}", context.Method, fault.Fault, fault.Message);
        var (code, reason) = CodeOf(fault.Fault);
        return RichErrors.Of(code, reason, fault.Message).ToRpcException();
    }
}
