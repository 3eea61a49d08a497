using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;

namespace Scoring.Client;

/// <summary>Channels to the Scoring service, set up with the retry policy of its idempotent calls.</summary>
public static class ScoringChannel
{
    /// <summary>
    /// The calls that change nothing (or nothing twice) and so are retried on UNAVAILABLE, as
    /// (service, method) pairs. Streams and writes are never retried.
    /// </summary>
    public static IReadOnlyList<(string Service, string Method)> IdempotentMethods { get; } =
    [
        ("scoring.v1.ScoringService", "EvaluateParcel"),
        ("scoring.v1.ParcelService", "GetParcel"),
        ("scoring.v1.ParcelService", "ListParcels"),
        ("scoring.v1.ParcelService", "ListEvaluations"),
        ("scoring.v1.ParcelService", "ListValueHistory"),
        ("scoring.v1.ParcelService", "ListUnits"),
        ("scoring.v1.ModelService", "GetModel"),
        ("scoring.v1.ModelService", "ListModels"),
        ("scoring.v1.ModelService", "ExportModel"),
        ("scoring.v1.ModelService", "ListAuditRecords"),
        ("scoring.v1.ModelService", "GetLabels"),
        ("scoring.v1.ReportService", "SummarizeEvaluations"),
    ];

    /// <summary>A channel to <paramref name="address"/> with the retry policy and message limits of <paramref name="options"/>.</summary>
    public static GrpcChannel Create(Uri address, ScoringClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        var channelOptions = new GrpcChannelOptions();
        Configure(channelOptions, options ?? new ScoringClientOptions());
        // A resolver address (dns:///host:port) names no scheme to take TLS from: its replicas speak cleartext.
        if (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps) channelOptions.Credentials = ChannelCredentials.Insecure;
        return GrpcChannel.ForAddress(address, channelOptions);
    }

    /// <summary>Applies the retry policy, message limits and HTTP handler of <paramref name="options"/> to channel options.</summary>
    public static void Configure(GrpcChannelOptions channelOptions, ScoringClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(channelOptions);
        ArgumentNullException.ThrowIfNull(options);
        channelOptions.ServiceConfig = CreateServiceConfig(options);
        channelOptions.MaxReceiveMessageSize = options.MaxReceiveMessageSize;
        if (options.HttpHandler is not null) channelOptions.HttpHandler = options.HttpHandler;
    }

    /// <summary>
    /// The gRPC service config: the balancing policy of <see cref="ScoringClientOptions.LoadBalancingPolicy"/>, and retry
    /// <see cref="IdempotentMethods"/> on UNAVAILABLE with exponential backoff.
    /// </summary>
    /// <exception cref="ArgumentException">The balancing policy is neither <c>pick_first</c> nor <c>round_robin</c>.</exception>
    public static ServiceConfig CreateServiceConfig(ScoringClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new ServiceConfig();
        switch (options.LoadBalancingPolicy)
        {
            case null or "" or ScoringClientOptions.PickFirst: break;
            case ScoringClientOptions.RoundRobin: config.LoadBalancingConfigs.Add(new RoundRobinConfig()); break;
            default:
                throw new ArgumentException(
                    $"LoadBalancingPolicy '{options.LoadBalancingPolicy}' is not known: use {ScoringClientOptions.PickFirst} or {ScoringClientOptions.RoundRobin}",
                    nameof(options));
        }
        if (options.MaxRetryAttempts <= 1) return config;

        var method = new MethodConfig
        {
            RetryPolicy = new RetryPolicy
            {
                MaxAttempts = options.MaxRetryAttempts,
                InitialBackoff = options.RetryInitialBackoff,
                MaxBackoff = options.RetryMaxBackoff,
                BackoffMultiplier = 2,
                RetryableStatusCodes = { StatusCode.Unavailable },
            },
        };
        foreach (var (service, name) in IdempotentMethods)
            method.Names.Add(new MethodName { Service = service, Method = name });
        config.MethodConfigs.Add(method);
        return config;
    }
}
