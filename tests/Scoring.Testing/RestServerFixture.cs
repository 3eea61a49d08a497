namespace Scoring.Testing;

/// <summary>A server with a gRPC endpoint (HTTP/2 cleartext) and a REST endpoint (HTTP/1.1), as deployed.</summary>
public class RestServerFixture : ServerFixture
{
    private readonly int _grpcPort = FreePort();
    private readonly int _restPort = FreePort();

    /// <summary>The REST (HTTP/1.1) endpoint: REST/JSON, the map page, gRPC-Web.</summary>
    public Uri RestAddress => new($"http://127.0.0.1:{_restPort}");

    protected override IEnumerable<string> EndpointArgs =>
    [
        $"--Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:{_grpcPort}", "--Kestrel:Endpoints:Grpc:Protocols=Http2",
        $"--Kestrel:Endpoints:Rest:Url=http://127.0.0.1:{_restPort}", "--Kestrel:Endpoints:Rest:Protocols=Http1",
    ];

    protected override Uri GrpcAddress(IReadOnlyCollection<string> addresses) => new($"http://127.0.0.1:{_grpcPort}");
}
