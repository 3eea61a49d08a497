using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Scoring.Server.Security;

/// <summary>One configured API key: who it is, the SHA-256 of the key (hex), and its roles.</summary>
public sealed class ApiKeyEntry
{
    /// <summary>The caller's name, used in logs and audit records.</summary>
    public string Name { get; set; } = "";
    /// <summary>Hex SHA-256 digest of the key; the key itself is never configured or logged.</summary>
    public string KeySha256 { get; set; } = "";
    /// <summary>reader, writer and/or admin.</summary>
    public List<string> Roles { get; set; } = [];
}

/// <summary>The <c>Auth</c> configuration section.</summary>
public sealed class AuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Auth";
    /// <summary>Accepted API keys (<c>Auth:ApiKeys:0:Name</c>, …).</summary>
    public List<ApiKeyEntry> ApiKeys { get; set; } = [];
    /// <summary>Refuse to start without credentials configured (no open mode).</summary>
    public bool RequireCredentials { get; set; }
    /// <summary>JWT bearer tokens: the issuer's authority URL; empty = not accepted.</summary>
    public string JwtAuthority { get; set; } = "";
    /// <summary>JWT bearer tokens: the expected audience.</summary>
    public string JwtAudience { get; set; } = "";
    /// <summary>JWT bearer tokens: require the authority's metadata over HTTPS (turn off only for a local test authority).</summary>
    public bool JwtRequireHttpsMetadata { get; set; } = true;

    /// <summary>Whether any credential scheme is configured; otherwise the service runs open.</summary>
    public bool IsOpen => ApiKeys.Count == 0 && string.IsNullOrEmpty(JwtAuthority);
}

/// <summary>
/// Authenticates callers by the <c>x-api-key</c> metadata header against the configured digests.
/// With no credentials configured, every caller is the local user with every role (open mode).
/// </summary>
internal sealed class ApiKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IOptions<AuthOptions> auth) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "ApiKey";
    /// <summary>The metadata header carrying the key.</summary>
    public const string Header = "x-api-key";

    private readonly Dictionary<string, ApiKeyEntry> _byDigest = auth.Value.ApiKeys
        .ToDictionary(k => k.KeySha256.Trim().ToLowerInvariant(), StringComparer.Ordinal);

    // Tickets are immutable once made: one per caller, not one per call.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Name, string Roles), AuthenticateResult> Tickets = new();

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (auth.Value.IsOpen)
            return Task.FromResult(Success("local", [Roles.Reader, Roles.Writer, Roles.Admin]));
        if (!Request.Headers.TryGetValue(Header, out var values) || values.Count == 0)
            return Task.FromResult(AuthenticateResult.NoResult()); // a bearer token may still authenticate
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(values[0] ?? "")));
        // Look up by digest, then compare in constant time so the lookup leaks nothing about near misses.
        if (_byDigest.TryGetValue(digest, out var entry) &&
            CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(digest), Encoding.ASCII.GetBytes(entry.KeySha256.Trim().ToLowerInvariant())))
            return Task.FromResult(Success(entry.Name, entry.Roles));
        return Task.FromResult(AuthenticateResult.Fail("the API key is not valid"));
    }

    private static AuthenticateResult Success(string name, IReadOnlyList<string> roles) =>
        Tickets.GetOrAdd((name, string.Join(',', roles)), _ =>
        {
            var claims = new List<Claim> { new(ClaimTypes.Name, name) };
            claims.AddRange(roles.Select(r => new Claim(ClaimTypes.Role, r)));
            return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
        });
}
