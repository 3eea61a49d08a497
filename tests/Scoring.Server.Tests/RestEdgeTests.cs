using System.Net;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Scoring.V1;
using static Scoring.Testing.SecuredServerFixture;

namespace Scoring.Server.Tests;

/// <summary>
/// A server with API keys (as <see cref="SecuredServerFixture"/>), a gRPC port, a REST port, a metrics port that serves
/// only /metrics to admins, and a 1 MiB message limit.
/// </summary>
public sealed class RestEdgeFixture : ServerFixture
{
    /// <summary>The message (and REST body) limit.</summary>
    public const int MaxMessageBytes = 1 << 20;

    private readonly int _grpcPort = FreePort();
    private readonly int _restPort = FreePort();
    private readonly int _metricsPort = FreePort();

    /// <summary>The REST (HTTP/1.1) endpoint.</summary>
    public Uri RestAddress => new($"http://127.0.0.1:{_restPort}");

    /// <summary>The metrics endpoint.</summary>
    public Uri MetricsAddress => new($"http://127.0.0.1:{_metricsPort}");

    protected override IEnumerable<string> EndpointArgs =>
    [
        $"--Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:{_grpcPort}", "--Kestrel:Endpoints:Grpc:Protocols=Http2",
        $"--Kestrel:Endpoints:Rest:Url=http://127.0.0.1:{_restPort}", "--Kestrel:Endpoints:Rest:Protocols=Http1",
        $"--Kestrel:Endpoints:Metrics:Url=http://127.0.0.1:{_metricsPort}", "--Kestrel:Endpoints:Metrics:Protocols=Http1",
    ];

    protected override IEnumerable<string> ExtraArgs =>
    [
        "--Auth:ApiKeys:0:Name=tax-bureau-reader", $"--Auth:ApiKeys:0:KeySha256={Digest(ReaderKey)}", "--Auth:ApiKeys:0:Roles:0=reader",
        "--Auth:ApiKeys:1:Name=planning-admin", $"--Auth:ApiKeys:1:KeySha256={Digest(AdminKey)}", "--Auth:ApiKeys:1:Roles:0=admin",
        $"--Scoring:Limits:MaxMessageBytes={MaxMessageBytes}",
        "--Scoring:Metrics:Role=admin", $"--Scoring:Metrics:Port={_metricsPort}",
    ];

    protected override Uri GrpcAddress(IReadOnlyCollection<string> addresses) => new($"http://127.0.0.1:{_grpcPort}");
}

/// <summary>Rows 2, 10, 12 and 13 of issue 12 over REST/JSON, with real HTTP requests.</summary>
public sealed class RestEdgeTests(RestEdgeFixture server) : IClassFixture<RestEdgeFixture>
{
    private HttpClient Rest(string? key = null)
    {
        var http = new HttpClient { BaseAddress = server.RestAddress };
        if (key is not null) http.DefaultRequestHeaders.Add("x-api-key", key);
        return http;
    }

    // The JSON google.rpc.Status of a REST error: its code, message, and each detail by its @type.
    private static async Task<(int Code, string Message, Dictionary<string, JsonElement> Details)> StatusOf(HttpResponseMessage response)
    {
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        var details = root.TryGetProperty("details", out var list)
            ? list.EnumerateArray().ToDictionary(d => d.GetProperty("@type").GetString()!, d => d.Clone())
            : [];
        return (root.GetProperty("code").GetInt32(), root.GetProperty("message").GetString()!, details);
    }

    private const string QuotaFailureType = "type.googleapis.com/google.rpc.QuotaFailure";
    private const string ErrorInfoType = "type.googleapis.com/google.rpc.ErrorInfo";
    private const string BadRequestType = "type.googleapis.com/google.rpc.BadRequest";

    [Fact]
    public async Task A_foreign_page_token_over_REST_is_400_naming_page_token_on_every_paged_path()
    {
        using var http = Rest(ReaderKey);
        foreach (var path in new[] { "/v1/units", "/v1/parcels", "/v1/parcels/PT-1/evaluations", "/v1/models", "/v1/auditRecords" })
        {
            using var response = await http.GetAsync(path + "?pageToken=!!!");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var (code, _, details) = await StatusOf(response);
            Assert.Equal((int)Code.InvalidArgument, code);
            Assert.Equal("page_token", details[BadRequestType].GetProperty("fieldViolations")[0].GetProperty("field").GetString());
        }
    }

    [Fact]
    public async Task A_REST_body_over_the_gRPC_message_limit_is_413_with_the_QuotaFailure_and_ErrorInfo_of_RESOURCE_EXHAUSTED()
    {
        using var http = Rest(ReaderKey);
        var parcel = HandWorkedParcel.Input("REST-BIG");
        parcel.Name = new string('x', RestEdgeFixture.MaxMessageBytes);
        var json = JsonFormatter.Default.Format(new EvaluateParcelRequest { Parcel = parcel, SkipHistory = true });

        using var sized = await http.PostAsync("/v1/parcels:evaluate", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, sized.StatusCode);
        var (code, message, details) = await StatusOf(sized);
        Assert.Equal((int)Code.ResourceExhausted, code);
        Assert.Equal($"the request body is {Encoding.UTF8.GetByteCount(json)} bytes; at most {RestEdgeFixture.MaxMessageBytes} are allowed", message);
        Assert.Equal($"at most {RestEdgeFixture.MaxMessageBytes} bytes per message (Scoring:Limits:MaxMessageBytes)",
            details[QuotaFailureType].GetProperty("violations")[0].GetProperty("description").GetString());
        Assert.Equal("MESSAGE_TOO_LARGE", details[ErrorInfoType].GetProperty("reason").GetString());

        // The same body without a length (chunked) is refused alike.
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/v1/parcels:evaluate")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json))) { Headers = { ContentType = new("application/json") } },
        };
        chunked.Headers.TransferEncodingChunked = true;
        using var unsized = await http.SendAsync(chunked);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, unsized.StatusCode);
        Assert.Equal("MESSAGE_TOO_LARGE", (await StatusOf(unsized)).Details[ErrorInfoType].GetProperty("reason").GetString());

        // A body just under the limit is served.
        parcel.Name = "";
        parcel.Geometry = new string(' ', RestEdgeFixture.MaxMessageBytes - 10_000);
        using var fits = await http.PostAsync("/v1/parcels:evaluate",
            new StringContent(JsonFormatter.Default.Format(new EvaluateParcelRequest { Parcel = parcel, SkipHistory = true }), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
    }

    [Fact]
    public async Task REST_without_a_key_is_401_and_with_too_low_a_role_403_each_with_a_JSON_status()
    {
        using (var anonymous = Rest())
        using (var response = await anonymous.GetAsync("/v1/models/1"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var (code, message, details) = await StatusOf(response);
            Assert.Equal((int)Code.Unauthenticated, code);
            Assert.Contains("x-api-key", message);
            Assert.Equal("CREDENTIALS_REQUIRED", details[ErrorInfoType].GetProperty("reason").GetString());
        }
        using (var wrongKey = Rest("not-a-key"))
        using (var response = await wrongKey.GetAsync("/v1/models/1"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal((int)Code.Unauthenticated, (await StatusOf(response)).Code);
        }
        using (var reader = Rest(ReaderKey))
        using (var response = await reader.PostAsync("/v1/backups", new StringContent("{}", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            var (code, message, details) = await StatusOf(response);
            Assert.Equal((int)Code.PermissionDenied, code);
            Assert.Equal("caller 'tax-bureau-reader' does not hold a role this call needs (admin)", message);
            Assert.Equal("ROLE_REQUIRED", details[ErrorInfoType].GetProperty("reason").GetString());
        }

        // gRPC callers are answered as before.
        var e = await Assert.ThrowsAsync<RpcException>(() => new ModelService.ModelServiceClient(server.Channel).GetModelAsync(new GetModelRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
    }

    [Fact]
    public async Task Metrics_set_behind_the_admin_role_on_their_own_port_answer_only_admins_there_and_nothing_elsewhere()
    {
        using (var anonymous = new HttpClient { BaseAddress = server.MetricsAddress })
        using (var response = await anonymous.GetAsync("/metrics"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal((int)Code.Unauthenticated, (await StatusOf(response)).Code);
        }
        using var reader = new HttpClient { BaseAddress = server.MetricsAddress };
        reader.DefaultRequestHeaders.Add("x-api-key", ReaderKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync("/metrics")).StatusCode);

        using var admin = new HttpClient { BaseAddress = server.MetricsAddress };
        admin.DefaultRequestHeaders.Add("x-api-key", AdminKey);
        var text = await admin.GetStringAsync("/metrics");
        Assert.Contains("# TYPE", text);
        // The metrics port serves nothing else, and the REST port no metrics.
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/v1/models/1")).StatusCode);
        using var rest = Rest(AdminKey);
        Assert.Equal(HttpStatusCode.NotFound, (await rest.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await rest.GetAsync("/v1/models/1")).StatusCode);
    }
}

/// <summary>Roll-ups sum areas with compensation, on a server of their own (the roll-up covers the whole database).</summary>
public sealed class RollUpSumTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_roll_up_sums_areas_with_compensation_and_refused_huge_areas_never_reach_it()
    {
        var scoring = new ScoringService.ScoringServiceClient(server.Channel);
        using (var call = scoring.BatchEvaluate())
        {
            // One parcel of 100,000 亩 (the bound) and 1,000 of 1e-12 亩 each. Adding 1e-12 to 100,000 one at a time is
            // lost in rounding (half an ulp of 1e5 is 7.3e-12), so a plain sum stays 100000; the exact sum is
            // 100000.000000001.
            var chunk = new BatchEvaluateRequest { RecordHistory = true };
            var big = HandWorkedParcel.Input("SUM-BIG");
            big.AreaMu = 100_000;
            chunk.Parcels.Add(big);
            for (var i = 0; i < 1000; i++)
            {
                var tiny = HandWorkedParcel.Input($"SUM-{i:0000}");
                tiny.AreaMu = 1e-12;
                chunk.Parcels.Add(tiny);
            }
            // Three parcels of 1.7e308 亩: refused, so never summed.
            for (var i = 0; i < 3; i++)
            {
                var huge = HandWorkedParcel.Input($"SUM-HUGE-{i}");
                huge.AreaMu = 1.7e308;
                chunk.Parcels.Add(huge);
            }
            await call.RequestStream.WriteAsync(chunk);
            await call.RequestStream.CompleteAsync();
            Assert.True(await call.ResponseStream.MoveNext());
            Assert.Equal(1001, call.ResponseStream.Current.Results.Count(r => r.OutcomeCase == BatchResult.OutcomeOneofCase.Evaluation));
            Assert.All(call.ResponseStream.Current.Results.TakeLast(3), r => Assert.Equal((int)Code.InvalidArgument, r.Error.Code));
        }

        var total = (await new ReportService.ReportServiceClient(server.Channel).SummarizeEvaluationsAsync(new SummarizeEvaluationsRequest())).Total;
        Assert.Equal(1001, total.ParcelCount);
        Assert.True(double.IsFinite(total.AreaMu));
        Assert.NotEqual(100_000, total.AreaMu);
        Assert.Equal(100_000.000000001, total.AreaMu, 1e-10);
        // Every parcel scores the hand-worked 0.7363, so the area-weighted mean does too.
        Assert.Equal(HandWorkedParcel.Score, total.MeanScore, 9);
    }
}
