using System.Threading.RateLimiting;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Microsoft.AspNetCore.RateLimiting;

namespace Scoring.Server.Operations;

/// <summary>The <c>Scoring:Limits</c> configuration section.</summary>
public sealed class LimitOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Scoring:Limits";
    /// <summary>The largest message a call may send, in bytes.</summary>
    public int MaxMessageBytes { get; set; } = 16 * 1024 * 1024;
    /// <summary>Unary calls one caller may have running at once.</summary>
    public int MaxConcurrentCallsPerCaller { get; set; } = 64;
    /// <summary>Unary calls of one caller that may wait for a slot before being refused.</summary>
    public int QueuedCallsPerCaller { get; set; } = 256;
    /// <summary>Streams (BatchEvaluate, UpsertParcels, EvaluateStored, …) one caller may have open at once; a budget apart from unary calls.</summary>
    public int MaxConcurrentStreamsPerCaller { get; set; } = 64;
    /// <summary>Streams of one caller that may wait for a slot before being refused.</summary>
    public int QueuedStreamsPerCaller { get; set; }
    /// <summary>Seconds a client stream may go without a message before the server closes it.</summary>
    public double StreamIdleSeconds { get; set; } = 60;
}

/// <summary>The ErrorInfo domain of every error this service raises (the contract's proto package).</summary>
internal static class Errors
{
    /// <summary>The domain.</summary>
    public const string Domain = "scoring.v1";
}

/// <summary>Per-caller concurrency limits, and RESOURCE_EXHAUSTED errors with details for every limit.</summary>
internal static class Limits
{
    /// <summary>The rate-limiting policy applied to the gRPC services.</summary>
    public const string PerCaller = "per-caller";

    private const string ReasonTooMany = "TOO_MANY_CONCURRENT_CALLS";
    private const string ReasonTooManyStreams = "TOO_MANY_CONCURRENT_STREAMS";
    private const string ReasonTooLarge = "MESSAGE_TOO_LARGE";

    public static IServiceCollection AddScoringLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var limits = configuration.GetSection(LimitOptions.Section).Get<LimitOptions>() ?? new LimitOptions();
        if (limits.MaxConcurrentCallsPerCaller < 1 || limits.MaxConcurrentStreamsPerCaller < 1 || limits.QueuedCallsPerCaller < 0 || limits.QueuedStreamsPerCaller < 0)
            throw new InvalidOperationException($"{LimitOptions.Section}: MaxConcurrentCallsPerCaller and MaxConcurrentStreamsPerCaller must be at least 1, the queue lengths at least 0.");
        if (!(limits.StreamIdleSeconds > 0))
            throw new InvalidOperationException($"{LimitOptions.Section}:StreamIdleSeconds must be a positive number of seconds, got {limits.StreamIdleSeconds}.");
        var open = (configuration.GetSection(Security.AuthOptions.Section).Get<Security.AuthOptions>() ?? new Security.AuthOptions()).IsOpen;
        services.AddSingleton(limits);
        services.AddRateLimiter(o =>
        {
            // Unary calls and streams have separate budgets, so a caller's open (or idle) streams never hold up its unary calls.
            o.AddPolicy(PerCaller, context =>
            {
                var budget = Budget.Of(context, open);
                return RateLimitPartition.GetConcurrencyLimiter(budget, b => b.IsStream
                    ? new ConcurrencyLimiterOptions { PermitLimit = limits.MaxConcurrentStreamsPerCaller, QueueLimit = limits.QueuedStreamsPerCaller }
                    : new ConcurrencyLimiterOptions { PermitLimit = limits.MaxConcurrentCallsPerCaller, QueueLimit = limits.QueuedCallsPerCaller });
            });
            o.OnRejected = (context, _) =>
            {
                var budget = Budget.Of(context.HttpContext, open);
                var (running, queued, reason, what, setting) = budget.IsStream
                    ? (limits.MaxConcurrentStreamsPerCaller, limits.QueuedStreamsPerCaller, ReasonTooManyStreams, "streams", "MaxConcurrentStreamsPerCaller")
                    : (limits.MaxConcurrentCallsPerCaller, limits.QueuedCallsPerCaller, ReasonTooMany, "unary calls", "MaxConcurrentCallsPerCaller");
                return WriteRefusalAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, Exhausted(reason,
                    $"caller '{budget.Caller}' has {running} {what} running and {queued} waiting; retry later",
                    $"concurrent {what} of {budget.Caller}", $"at most {running} running, {queued} queued ({LimitOptions.Section}:{setting})"));
            };
        });
        return services;
    }

    /// <summary>
    /// One caller's budget of one kind. The caller is the authenticated name; in open mode (no credentials
    /// configured, every caller "local") it is the remote IP address, so one client cannot lock out another.
    /// </summary>
    internal readonly record struct Budget(string Caller, bool IsStream)
    {
        public static Budget Of(HttpContext context, bool open)
        {
            var type = context.GetEndpoint()?.Metadata.GetMetadata<global::Grpc.AspNetCore.Server.GrpcMethodMetadata>()?.Method.Type;
            var isStream = type is not null and not global::Grpc.Core.MethodType.Unary;
            var address = context.Connection.RemoteIpAddress is { } ip ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString() : "unknown address";
            var name = context.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } n } ? n : null;
            return new Budget(open || name is null ? address : name, isStream);
        }
    }

    /// <summary>
    /// grpc-dotnet refuses an over-size message with RESOURCE_EXHAUSTED but no details; this adds a
    /// QuotaFailure and an ErrorInfo naming the limit, so clients can tell it from other quotas.
    /// </summary>
    public static IApplicationBuilder UseMessageSizeDetails(this IApplicationBuilder app, int maxMessageBytes) => app.Use(async (context, next) =>
    {
        await next();
        if (!context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) ?? true) return;
        var trailers = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseTrailersFeature>()?.Trailers;
        var headers = context.Response.HasStarted ? null : context.Response.Headers;
        var target = headers is not null && headers.ContainsKey("grpc-status") ? headers : trailers;
        if (target is null || target["grpc-status"] != "8" || target.ContainsKey("grpc-status-details-bin")) return;
        var message = Uri.UnescapeDataString(target["grpc-message"].ToString());
        if (!message.Contains("message size", StringComparison.OrdinalIgnoreCase) && !message.Contains("exceeds the maximum", StringComparison.OrdinalIgnoreCase)) return;
        var status = Exhausted(ReasonTooLarge, message, "message size", $"at most {maxMessageBytes} bytes per message (Scoring:Limits:MaxMessageBytes)");
        target["grpc-status-details-bin"] = Convert.ToBase64String(status.ToByteArray()).TrimEnd('=');
    });

    /// <summary>
    /// REST/JSON requests get the gRPC message limit as their body limit (Kestrel's own default is 30,000,000 bytes):
    /// a larger body is HTTP 413 with the same QuotaFailure and ErrorInfo MESSAGE_TOO_LARGE as gRPC's RESOURCE_EXHAUSTED,
    /// as a JSON google.rpc.Status. A body sent without a length is read up to the limit first.
    /// </summary>
    public static IApplicationBuilder UseRestBodyLimit(this IApplicationBuilder app, int maxMessageBytes) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) ?? false)
        {
            await next();
            return;
        }
        if (request.ContentLength is { } length && length > maxMessageBytes)
        {
            await WriteTooLargeAsync(context, $"the request body is {length} bytes; at most {maxMessageBytes} are allowed", maxMessageBytes);
            return;
        }
        if (request.ContentLength is null && (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? false))
        {
            // No length given (chunked): read at most one byte past the limit, then hand the buffered body on.
            var buffered = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                buffered.Write(chunk, 0, read);
                if (buffered.Length > maxMessageBytes)
                {
                    await WriteTooLargeAsync(context, $"the request body is more than {maxMessageBytes} bytes; at most {maxMessageBytes} are allowed", maxMessageBytes);
                    return;
                }
            }
            buffered.Position = 0;
            request.Body = buffered;
            request.ContentLength = buffered.Length;
        }
        await next();
    });

    private static async Task WriteTooLargeAsync(HttpContext context, string message, int maxMessageBytes)
    {
        var status = Exhausted(ReasonTooLarge, message, "message size", $"at most {maxMessageBytes} bytes per message (Scoring:Limits:MaxMessageBytes)");
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        await StatusJson.WriteAsync(context.Response, status);
    }

    private static Google.Rpc.Status Exhausted(string reason, string message, string subject, string description) => new()
    {
        Code = (int)Code.ResourceExhausted,
        Message = message,
        Details =
        {
            Any.Pack(new QuotaFailure { Violations = { new QuotaFailure.Types.Violation { Subject = subject, Description = description } } }),
            Any.Pack(new ErrorInfo { Reason = reason, Domain = Errors.Domain }),
        },
    };

    /// <summary>
    /// Until the models are loaded, every call but health, reflection and metrics is answered UNAVAILABLE
    /// (a status clients retry), REST calls with 503.
    /// </summary>
    public static IApplicationBuilder UseStartingGate(this IApplicationBuilder app)
    {
        var readiness = app.ApplicationServices.GetRequiredService<Models.Readiness>();
        return app.Use(async (context, next) =>
        {
            var path = context.Request.Path.Value ?? "";
            if (readiness.IsReady || path.StartsWith("/grpc.", StringComparison.Ordinal) || path.StartsWith("/swagger", StringComparison.Ordinal) || path == "/metrics" || path == "/")
            {
                await next();
                return;
            }
            var status = new Google.Rpc.Status
            {
                Code = (int)Code.Unavailable,
                Message = "the service is starting: the database is being opened and the models loaded; retry shortly",
                Details = { Any.Pack(new ErrorInfo { Reason = "STARTING", Domain = Errors.Domain }) },
            };
            await WriteRefusalAsync(context, StatusCodes.Status503ServiceUnavailable, status);
        });
    }

    // A refusal before the call reaches its service: to a gRPC caller as a trailers-only response, to a REST caller as
    // the HTTP status with the JSON google.rpc.Status body every other REST error has.
    private static async ValueTask WriteRefusalAsync(HttpContext context, int httpStatus, Google.Rpc.Status status)
    {
        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) ?? false)
        {
            await WriteTrailersOnly(context.Response, status);
            return;
        }
        context.Response.StatusCode = httpStatus;
        await StatusJson.WriteAsync(context.Response, status);
    }

    private static ValueTask WriteTrailersOnly(Microsoft.AspNetCore.Http.HttpResponse response, Google.Rpc.Status status)
    {
        // A gRPC "trailers-only" response: HTTP 200 with the status in the headers.
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = status.Code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Uri.EscapeDataString(status.Message);
        response.Headers["grpc-status-details-bin"] = Convert.ToBase64String(status.ToByteArray()).TrimEnd('=');
        return ValueTask.CompletedTask;
    }
}
