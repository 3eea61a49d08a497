using Grpc.AspNetCore.Web;

namespace Scoring.Server.Security;

/// <summary>
/// Browsers: gRPC-Web (binary and text) for every unary and server-streaming RPC, on whichever endpoint the request comes
/// to (a browser comes to the REST endpoint, over HTTP/1.1), and CORS for the origins <c>Cors:AllowedOrigins</c> names.
/// None by default: then no response carries CORS headers and a browser keeps other origins' pages out.
/// </summary>
public static class BrowserAccess
{
    /// <summary>The configuration key of the allowed origins (a string array, e.g. <c>https://land.example.gov.cn</c>).</summary>
    public const string AllowedOriginsKey = "Cors:AllowedOrigins";

    // What a gRPC-Web client sends (content-type, x-grpc-web, x-user-agent, grpc-timeout) and the credentials the server reads.
    private static readonly string[] RequestHeaders = ["content-type", "x-grpc-web", "x-user-agent", "grpc-timeout", "authorization", ApiKeyHandler.Header];

    // What a browser's script may read of the answer: a unary call's status comes in the headers when it fails at once.
    private static readonly string[] ResponseHeaders = ["grpc-status", "grpc-message", "grpc-status-details-bin"];

    /// <summary>The allowed origins, checked: each <c>*</c> or a scheme, host and optional port with no path.</summary>
    public static string[] AllowedOrigins(IConfiguration configuration)
    {
        var origins = configuration.GetSection(AllowedOriginsKey).Get<string[]>() ?? [];
        foreach (var origin in origins)
        {
            var isOrigin = origin == "*" || (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                && uri.AbsolutePath == "/" && !origin.EndsWith('/') && uri.Query.Length == 0 && uri.UserInfo.Length == 0);
            if (!isOrigin)
                throw new InvalidOperationException($"{AllowedOriginsKey} holds '{origin}'; an origin is a scheme, a host and an optional port, e.g. https://land.example.gov.cn:8443 (no path, no trailing slash), or *");
        }
        return origins;
    }

    /// <summary>Registers the CORS policy of the configured origins, when there are any.</summary>
    public static IServiceCollection AddBrowserAccess(this IServiceCollection services, IConfiguration configuration)
    {
        var origins = AllowedOrigins(configuration);
        if (origins.Length == 0) return services;
        return services.AddCors(o => o.AddDefaultPolicy(p => p
            .WithOrigins(origins)
            .AllowAnyMethod()
            .WithHeaders(RequestHeaders)
            .WithExposedHeaders(ResponseHeaders)
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
    }

    /// <summary>
    /// CORS (when configured), then gRPC-Web. Place before authentication, so that a preflight, which carries no
    /// credentials, is answered; the call itself then meets the same authentication, limits and errors as over HTTP/2.
    /// </summary>
    public static IApplicationBuilder UseBrowserAccess(this IApplicationBuilder app, IConfiguration configuration)
    {
        if (AllowedOrigins(configuration).Length > 0) app.UseCors();
        return app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
    }
}
