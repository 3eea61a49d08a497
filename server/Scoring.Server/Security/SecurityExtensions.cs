using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;

namespace Scoring.Server.Security;

/// <summary>Registers identity and roles: API keys, optional JWT bearer tokens, one policy per role.</summary>
internal static class SecurityExtensions
{
    public static IServiceCollection AddScoringSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        var auth = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        if (auth.IsOpen && auth.RequireCredentials)
            throw new InvalidOperationException("Auth:RequireCredentials is set but no Auth:ApiKeys and no Auth:JwtAuthority are configured: refusing to start open.");
        services.Configure<AuthOptions>(configuration.GetSection(AuthOptions.Section));

        var schemes = new List<string> { ApiKeyHandler.SchemeName };
        var builder = services.AddAuthentication(ApiKeyHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyHandler.SchemeName, null);
        if (!string.IsNullOrEmpty(auth.JwtAuthority))
        {
            builder.AddJwtBearer(o =>
            {
                o.Authority = auth.JwtAuthority;
                o.Audience = string.IsNullOrEmpty(auth.JwtAudience) ? null : auth.JwtAudience;
                o.RequireHttpsMetadata = auth.JwtRequireHttpsMetadata;
                o.MapInboundClaims = false;
                o.TokenValidationParameters.RoleClaimType = "roles";
                o.TokenValidationParameters.NameClaimType = "sub";
            });
            schemes.Add(JwtBearerDefaults.AuthenticationScheme);
        }

        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, RestAuthorizationResults>();
        services.AddAuthorization(o =>
        {
            AuthorizationPolicy Policy(params string[] roles) =>
                new AuthorizationPolicyBuilder([.. schemes]).RequireAuthenticatedUser().RequireRole(roles).Build();
            o.AddPolicy(Roles.Reader, Policy(Roles.Reader, Roles.Admin));
            o.AddPolicy(Roles.Writer, Policy(Roles.Writer, Roles.Admin));
            o.AddPolicy(Roles.Admin, Policy(Roles.Admin));
        });
        return services;
    }

    /// <summary>Says loudly at start when the service runs without credentials.</summary>
    public static void WarnIfOpen(this WebApplication app)
    {
        var auth = app.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        if (!auth.IsOpen) return;
        app.Logger.LogWarning(
            "NO CREDENTIALS CONFIGURED: the service is OPEN, every caller has every role (reader, writer, admin). " +
            "This is for local use only: configure Auth:ApiKeys (and Auth:RequireCredentials=true) before exposing it.");
    }
}
