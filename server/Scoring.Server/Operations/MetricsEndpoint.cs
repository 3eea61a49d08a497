namespace Scoring.Server.Operations;

/// <summary>The <c>Scoring:Metrics</c> configuration section: who may read <c>GET /metrics</c>, and on which port.</summary>
public sealed class MetricsOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Scoring:Metrics";

    /// <summary>
    /// The role a caller needs to read the metrics (<c>reader</c>, <c>writer</c> or <c>admin</c>); empty (the default)
    /// leaves them open to anyone who reaches the port.
    /// </summary>
    public string Role { get; set; } = "";

    /// <summary>
    /// When set, the metrics answer only on connections to this local port, and that port answers nothing else;
    /// the port itself is an ordinary Kestrel endpoint (e.g. <c>Kestrel:Endpoints:Metrics:Url=http://0.0.0.0:9464</c>).
    /// </summary>
    public int? Port { get; set; }
}

/// <summary>Maps the Prometheus endpoint with the <see cref="MetricsOptions"/>.</summary>
internal static class MetricsEndpoint
{
    /// <summary>The path of the metrics.</summary>
    public const string Path = "/metrics";

    /// <summary>With a metrics port: /metrics answers only there, and nothing else answers there (HTTP 404 either way).</summary>
    public static IApplicationBuilder UseMetricsPort(this IApplicationBuilder app, MetricsOptions options) => options.Port is not { } port ? app : app.Use(async (context, next) =>
    {
        var onMetricsPort = context.Connection.LocalPort == port;
        if (onMetricsPort != (context.Request.Path == Path))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        await next();
    });

    /// <summary>Maps <c>GET /metrics</c>, open or behind <see cref="MetricsOptions.Role"/>.</summary>
    public static void MapMetrics(this WebApplication app, MetricsOptions options)
    {
        var endpoint = app.MapPrometheusScrapingEndpoint(Path);
        if (string.IsNullOrEmpty(options.Role))
        {
            endpoint.AllowAnonymous();
            return;
        }
        if (options.Role is not (Security.Roles.Reader or Security.Roles.Writer or Security.Roles.Admin))
            throw new InvalidOperationException($"{MetricsOptions.Section}:Role is '{options.Role}'; use reader, writer or admin (or leave it empty for open metrics).");
        endpoint.RequireAuthorization(options.Role);
    }
}
