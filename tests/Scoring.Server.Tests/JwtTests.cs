using System.Security.Cryptography;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Scoring.V1;

namespace Scoring.Server.Tests;

/// <summary>
/// A server that accepts JWT bearer tokens from an authority running on loopback: a minimal
/// OpenID Connect discovery document and JWKS, with a signing key made for the test.
/// </summary>
public sealed class JwtServerFixture : ServerFixture
{
    private readonly RSA _key = RSA.Create(2048);
    private WebApplication? _authority;

    public string Issuer { get; private set; } = "";

    protected override IEnumerable<string> ExtraArgs =>
        [$"--Auth:JwtAuthority={Issuer}", "--Auth:JwtAudience=scoring", "--Auth:JwtRequireHttpsMetadata=false", "--Auth:RequireCredentials=true"];

    public override async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _authority = builder.Build();
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_key.ExportParameters(false)) { KeyId = "test-key" });
        _authority.MapGet("/.well-known/openid-configuration", (HttpContext c) => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer,
            ["jwks_uri"] = $"{Issuer}/jwks",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        _authority.MapGet("/jwks", () => Results.Json(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } }));
        await _authority.StartAsync();
        Issuer = _authority.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        await base.InitializeAsync();
    }

    /// <summary>A token for <paramref name="subject"/> with the given roles, signed by the authority.</summary>
    public string Token(string subject, params string[] roles) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = "scoring",
        Expires = DateTime.UtcNow.AddMinutes(10),
        Claims = new Dictionary<string, object> { ["sub"] = subject, ["roles"] = roles },
        SigningCredentials = new SigningCredentials(new RsaSecurityKey(_key) { KeyId = "test-key" }, SecurityAlgorithms.RsaSha256),
    });

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_authority is not null) await _authority.DisposeAsync();
        _key.Dispose();
    }
}

public sealed class JwtTests(JwtServerFixture server) : IClassFixture<JwtServerFixture>
{
    private ScoringService.ScoringServiceClient Scoring => new(server.Channel);

    private static Metadata Bearer(string token) => new() { { "authorization", $"Bearer {token}" } };

    private static EvaluateParcelRequest Evaluate() => new() { Parcel = HandWorkedParcel.Input("JWT-1"), SkipHistory = true };

    [Fact]
    public async Task A_reader_token_evaluates_but_cannot_change_weights()
    {
        var token = server.Token("finance-bureau", "reader");
        Assert.Equal(HandWorkedParcel.Score, (await Scoring.EvaluateParcelAsync(Evaluate(), Bearer(token))).Evaluation.Score, 9);

        var ex = await Assert.ThrowsAsync<RpcException>(() => Scoring.UpdateWeightsAsync(
            new UpdateWeightsRequest { DryRun = true, Weights = new WeightTable() }, Bearer(token)).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
    }

    [Fact]
    public async Task An_admin_token_is_named_as_the_author_of_a_new_version()
    {
        var token = server.Token("planner-zhang", "admin");
        var weights = new WeightTable { Weights = { new[] { ("population", 0.05), ("land", 0.25), ("enterprise", 0.16), ("industry", 0.11), ("economy", 0.32), ("energy", 0.11) }
            .Select(w => new Weight { Group = "elements", Code = w.Item1, Weight_ = w.Item2 }) } };
        var version = (await Scoring.UpdateWeightsAsync(new UpdateWeightsRequest { Weights = weights }, Bearer(token))).ModelVersion;
        var model = (await new ModelService.ModelServiceClient(server.Channel).GetModelAsync(new GetModelRequest { Version = version }, Bearer(token))).Model;
        Assert.Equal("planner-zhang", model.Author);
    }

    [Fact]
    public async Task No_token_or_a_token_from_another_key_is_UNAUTHENTICATED()
    {
        Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() => Scoring.EvaluateParcelAsync(Evaluate()).ResponseAsync)).StatusCode);

        using var other = RSA.Create(2048);
        var forged = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = server.Issuer, Audience = "scoring", Expires = DateTime.UtcNow.AddMinutes(10),
            Claims = new Dictionary<string, object> { ["sub"] = "intruder", ["roles"] = new[] { "admin" } },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(other) { KeyId = "test-key" }, SecurityAlgorithms.RsaSha256),
        });
        Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() => Scoring.EvaluateParcelAsync(Evaluate(), Bearer(forged)).ResponseAsync)).StatusCode);
    }
}
