using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Scoring.Testing;

/// <summary>
/// A server with API keys for each role, a gRPC endpoint (HTTP/2 cleartext), a REST endpoint
/// (HTTP/1.1) and a TLS endpoint with a certificate made at run time, and a small message limit.
/// </summary>
public sealed class SecuredServerFixture : ServerFixture
{
    /// <summary>API key of a caller in the reader role.</summary>
    public const string ReaderKey = "reader-key-7f3a";
    /// <summary>API key of a caller in the writer role.</summary>
    public const string WriterKey = "writer-key-91c2";
    /// <summary>API key of a caller in the admin role.</summary>
    public const string AdminKey = "admin-key-5d0e";
    /// <summary>The largest message the server accepts.</summary>
    public const int MaxMessageBytes = 256 * 1024;

    private readonly int _grpcPort = FreePort();
    private readonly int _restPort = FreePort();
    private readonly int _tlsPort = FreePort();

    /// <summary>The REST (HTTP/1.1) endpoint.</summary>
    public Uri RestAddress => new($"http://127.0.0.1:{_restPort}");
    /// <summary>The TLS endpoint (HTTP/1.1 and HTTP/2).</summary>
    public Uri TlsAddress => new($"https://127.0.0.1:{_tlsPort}");
    /// <summary>The TLS endpoint's self-signed certificate, made at run time.</summary>
    public X509Certificate2 Certificate { get; }
    private string CertificatePath => Path.Combine(DataDirectory, "server.pfx");

    /// <summary>Makes the certificate; the server starts in <see cref="ServerFixture.InitializeAsync"/>.</summary>
    public SecuredServerFixture()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        Directory.CreateDirectory(DataDirectory);
        File.WriteAllBytes(CertificatePath, made.Export(X509ContentType.Pfx, "test-password"));
        Certificate = X509CertificateLoader.LoadCertificate(made.Export(X509ContentType.Cert));
    }

    /// <summary>The SHA-256 of a key in lower-case hex, as the server's configuration holds it.</summary>
    public static string Digest(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    protected override IEnumerable<string> EndpointArgs =>
    [
        $"--Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:{_grpcPort}", "--Kestrel:Endpoints:Grpc:Protocols=Http2",
        $"--Kestrel:Endpoints:Rest:Url=http://127.0.0.1:{_restPort}", "--Kestrel:Endpoints:Rest:Protocols=Http1",
        $"--Kestrel:Endpoints:Tls:Url=https://127.0.0.1:{_tlsPort}", "--Kestrel:Endpoints:Tls:Protocols=Http1AndHttp2",
        $"--Kestrel:Endpoints:Tls:Certificate:Path={CertificatePath}", "--Kestrel:Endpoints:Tls:Certificate:Password=test-password",
    ];

    protected override IEnumerable<string> ExtraArgs =>
    [
        "--Auth:ApiKeys:0:Name=tax-bureau-reader", $"--Auth:ApiKeys:0:KeySha256={Digest(ReaderKey)}", "--Auth:ApiKeys:0:Roles:0=reader",
        "--Auth:ApiKeys:1:Name=tax-bureau-feed", $"--Auth:ApiKeys:1:KeySha256={Digest(WriterKey)}", "--Auth:ApiKeys:1:Roles:0=writer",
        "--Auth:ApiKeys:2:Name=planning-admin", $"--Auth:ApiKeys:2:KeySha256={Digest(AdminKey)}", "--Auth:ApiKeys:2:Roles:0=admin",
        "--Auth:RequireCredentials=true",
        $"--Scoring:Limits:MaxMessageBytes={MaxMessageBytes}",
    ];

    protected override Uri GrpcAddress(IReadOnlyCollection<string> addresses) => new($"http://127.0.0.1:{_grpcPort}");
}
