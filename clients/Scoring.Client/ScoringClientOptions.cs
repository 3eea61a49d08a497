namespace Scoring.Client;

/// <summary>Where the Scoring service is and how calls to it behave: deadlines, retries, message sizes.</summary>
public sealed class ScoringClientOptions
{
    /// <summary>The default address of a local server: <c>http://localhost:5080</c>.</summary>
    public static readonly Uri DefaultAddress = new("http://localhost:5080");

    /// <summary>The balancing policy that spreads calls over every replica an address resolves to, <c>round_robin</c>.</summary>
    public const string RoundRobin = "round_robin";

    /// <summary>The default balancing policy: all calls to the first address that answers, <c>pick_first</c>.</summary>
    public const string PickFirst = "pick_first";

    /// <summary>
    /// The server's address; <c>http://</c> speaks HTTP/2 cleartext. <c>dns:///host:port</c> resolves the host through
    /// DNS to every replica (e.g. a Kubernetes headless Service) and speaks cleartext to each; with
    /// <see cref="LoadBalancingPolicy"/> <c>round_robin</c> the calls are spread over them.
    /// </summary>
    public Uri Address { get; set; } = DefaultAddress;

    /// <summary>Deadline of every unary call that sets none itself (default 30 s); null for no deadline.</summary>
    public TimeSpan? Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Deadline of every streaming call that sets none itself (default none: a batch may run for hours).</summary>
    public TimeSpan? StreamTimeout { get; set; }

    /// <summary>API key sent as the <c>x-api-key</c> header of every call, when the server requires one; null for none.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Attempts of an idempotent call that fails with UNAVAILABLE, the first included (default 4; 1 turns retries off).</summary>
    public int MaxRetryAttempts { get; set; } = 4;

    /// <summary>Upper bound of the randomised wait before the first retry (default 0.2 s); it grows ×2 per retry.</summary>
    public TimeSpan RetryInitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Upper bound of the randomised wait before any retry (default 2 s).</summary>
    public TimeSpan RetryMaxBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Largest message the client accepts (default 64 MiB: a chunk of full evaluations is large).</summary>
    public int MaxReceiveMessageSize { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// How calls are spread over the addresses the server's name resolves to: <see cref="PickFirst"/> (default, null) or
    /// <see cref="RoundRobin"/>. gRPC keeps one HTTP/2 connection per address and multiplexes calls on it, so a
    /// TCP balancer in front of replicas pins a client to one of them: give a <c>dns:///</c> address naming every
    /// replica and <c>round_robin</c>, or an L7 proxy that speaks gRPC. A stream stays on the replica it started on.
    /// </summary>
    public string? LoadBalancingPolicy { get; set; }

    /// <summary>HTTP handler of a channel the client creates itself from <see cref="Address"/>; null for the default (not used by AddScoringClient, whose factory owns its handlers).</summary>
    public HttpMessageHandler? HttpHandler { get; set; }
}
