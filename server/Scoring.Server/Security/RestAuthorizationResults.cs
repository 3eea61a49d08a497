using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Scoring.Server.Operations;

namespace Scoring.Server.Security;

/// <summary>
/// REST/JSON callers refused by authorization get a JSON google.rpc.Status body like every other REST error:
/// HTTP 401 with code 16 (UNAUTHENTICATED, reason <c>CREDENTIALS_REQUIRED</c>) and HTTP 403 with code 7
/// (PERMISSION_DENIED, reason <c>ROLE_REQUIRED</c>, naming the roles that would do). The HTTP status and
/// headers (WWW-Authenticate) are set by the authentication schemes as before; gRPC callers are answered as before.
/// </summary>
internal sealed class RestAuthorizationResults : IAuthorizationMiddlewareResultHandler
{
    /// <summary>ErrorInfo reason of a call without valid credentials.</summary>
    public const string CredentialsRequired = "CREDENTIALS_REQUIRED";

    /// <summary>ErrorInfo reason of a caller without a role the call needs.</summary>
    public const string RoleRequired = "ROLE_REQUIRED";

    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        await _default.HandleAsync(next, context, policy, authorizeResult);
        if (!(authorizeResult.Challenged || authorizeResult.Forbidden) || context.Response.HasStarted) return;
        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) ?? false) return;

        var roles = policy.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles).Distinct().ToList();
        var status = authorizeResult.Forbidden
            ? Refusal(Code.PermissionDenied, RoleRequired,
                $"caller '{context.User.Identity?.Name}' does not hold a role this call needs ({string.Join(" or ", roles)})", ("roles", string.Join(",", roles)))
            : Refusal(Code.Unauthenticated, CredentialsRequired,
                $"this call needs credentials: send a valid API key in the {ApiKeyHandler.Header} header (or an Authorization: Bearer token)");
        await StatusJson.WriteAsync(context.Response, status);
    }

    private static Google.Rpc.Status Refusal(Code code, string reason, string message, params (string Key, string Value)[] metadata)
    {
        var info = new ErrorInfo { Reason = reason, Domain = Errors.Domain };
        foreach (var (key, value) in metadata) info.Metadata[key] = value;
        return new Google.Rpc.Status { Code = (int)code, Message = message, Details = { Any.Pack(info) } };
    }
}
