using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Scoring.Client;

/// <summary>
/// Gives every call what the options say it should carry when the caller did not set it: a deadline
/// (unary or streaming) and the API key header.
/// </summary>
internal sealed class CallDefaultsInterceptor(TimeSpan? unary, TimeSpan? streaming, string? apiKey) : Interceptor
{
    /// <summary>The metadata header that carries the API key.</summary>
    public const string ApiKeyHeader = "x-api-key";

    public CallDefaultsInterceptor(ScoringClientOptions options) : this(options.Timeout, options.StreamTimeout, options.ApiKey) { }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, WithDefaults(context, unary));

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, WithDefaults(context, unary));

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, WithDefaults(context, streaming));

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(WithDefaults(context, streaming));

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(WithDefaults(context, streaming));

    private ClientInterceptorContext<TRequest, TResponse> WithDefaults<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, TimeSpan? timeout)
        where TRequest : class where TResponse : class
    {
        var options = context.Options;
        if (options.Deadline is null && timeout is { } t && t != Timeout.InfiniteTimeSpan)
            options = options.WithDeadline(DateTime.UtcNow + t);
        if (!string.IsNullOrEmpty(apiKey) && options.Headers?.Get(ApiKeyHeader) is null)
        {
            var headers = new Metadata();
            if (options.Headers is not null)
                foreach (var entry in options.Headers) headers.Add(entry);
            headers.Add(ApiKeyHeader, apiKey);
            options = options.WithHeaders(headers);
        }
        return ReferenceEquals(options.Headers, context.Options.Headers) && options.Deadline == context.Options.Deadline
            ? context
            : new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, options);
    }
}
