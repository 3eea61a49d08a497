using System.Net.Http.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using Scoring.V1;
using static Scoring.Testing.SecuredServerFixture;

namespace Scoring.Server.Tests;

public sealed class OperationsTests(SecuredServerFixture server) : IClassFixture<SecuredServerFixture>
{
    private static Metadata Key(string key) => new() { { "x-api-key", key } };

    [Fact]
    public async Task The_health_service_answers_SERVING_without_credentials()
    {
        var response = await new Health.HealthClient(server.Channel).CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Reflection_lists_the_services()
    {
        using var call = new ServerReflection.ServerReflectionClient(server.Channel).ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext());
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();

        Assert.Contains("scoring.v1.ScoringService", services);
        Assert.Contains("scoring.v1.ParcelService", services);
        Assert.Contains("scoring.v1.ModelService", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }

    [Fact]
    public async Task EvaluateParcel_over_REST_JSON_returns_the_same_evaluation_as_over_gRPC()
    {
        var request = new EvaluateParcelRequest { Parcel = HandWorkedParcel.Input("REST-1"), SkipHistory = true };
        var grpc = (await new ScoringService.ScoringServiceClient(server.Channel).EvaluateParcelAsync(request, Key(ReaderKey))).Evaluation;

        using var http = new HttpClient { BaseAddress = server.RestAddress };
        using var message = new HttpRequestMessage(HttpMethod.Post, "/v1/parcels:evaluate")
        {
            Content = new StringContent(JsonFormatter.Default.Format(request), System.Text.Encoding.UTF8, "application/json"),
        };
        message.Headers.Add("x-api-key", ReaderKey);
        using var response = await http.SendAsync(message);
        var json = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, json);
        var rest = JsonParser.Default.Parse<EvaluateParcelResponse>(json).Evaluation;

        Assert.Equal(grpc, rest);
        Assert.Equal(HandWorkedParcel.Score, rest.Score, 9);
    }

    [Fact]
    public async Task Bad_input_over_REST_is_400_with_the_field_named_in_the_details()
    {
        using var http = new HttpClient { BaseAddress = server.RestAddress };
        http.DefaultRequestHeaders.Add("x-api-key", ReaderKey);
        using var response = await http.PostAsync("/v1/parcels:evaluate",
            new StringContent("""{"parcel":{"parcelId":"REST-BAD","areaMu":-1,"indicators":{"building_density":120}}}""", System.Text.Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("google.rpc.BadRequest", body);
        Assert.Contains("parcel.indicators[\\\"building_density\\\"]", body);
        Assert.Contains("parcel.area_mu", body);
        Assert.Contains("INVALID_PARCEL", body);
    }

    [Fact]
    public async Task REST_without_a_key_is_401_and_reads_map_to_GET_paths()
    {
        using var http = new HttpClient { BaseAddress = server.RestAddress };
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http.GetAsync("/v1/models/1")).StatusCode);

        http.DefaultRequestHeaders.Add("x-api-key", ReaderKey);
        var model = JsonParser.Default.Parse<GetModelResponse>(await http.GetStringAsync("/v1/models/1")).Model;
        Assert.Equal("1", model.Version);
        Assert.Equal(0.6, model.Threshold);
    }

    [Fact]
    public async Task An_OpenAPI_document_describes_the_REST_paths()
    {
        using var http = new HttpClient { BaseAddress = server.RestAddress };
        var document = await http.GetStringAsync("/swagger/v1/swagger.json");
        Assert.Contains("/v1/parcels:evaluate", document);
        Assert.Contains("/v1/models/{version}:activate", document);
    }

    [Fact]
    public async Task TLS_round_trip_with_a_certificate_made_at_run_time()
    {
        using var handler = new HttpClientHandler
        {
            // Trust exactly the certificate this test made, nothing else.
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.Thumbprint == server.Certificate.Thumbprint,
        };
        using var channel = GrpcChannel.ForAddress(server.TlsAddress, new GrpcChannelOptions { HttpHandler = handler });
        var e = (await new ScoringService.ScoringServiceClient(channel).EvaluateParcelAsync(
            new EvaluateParcelRequest { Parcel = HandWorkedParcel.Input("TLS-1"), SkipHistory = true }, Key(ReaderKey))).Evaluation;
        Assert.Equal(HandWorkedParcel.Score, e.Score, 9);
    }

    [Fact]
    public async Task Metrics_are_exposed_for_Prometheus()
    {
        await new ScoringService.ScoringServiceClient(server.Channel).EvaluateParcelAsync(
            new EvaluateParcelRequest { Parcel = HandWorkedParcel.Input("MET-1"), SkipHistory = true }, Key(ReaderKey));
        using var http = new HttpClient { BaseAddress = server.RestAddress };
        var text = await http.GetStringAsync("/metrics");
        Assert.Contains("scoring_evaluations", text);
        Assert.Contains("scoring_rpc_duration", text);
    }

    [Fact]
    public async Task A_call_whose_deadline_passes_stops_on_the_server()
    {
        var scoring = new ScoringService.ScoringServiceClient(server.Channel);
        using var call = scoring.BatchEvaluate(Key(ReaderKey), deadline: DateTime.UtcNow.AddMilliseconds(1000));
        var sent = 0;
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (true)
            {
                await call.RequestStream.WriteAsync(new BatchEvaluateRequest { RecordHistory = true, Parcels = { HandWorkedParcel.Input($"DL-{sent++}") } });
                await call.ResponseStream.MoveNext();
                await Task.Delay(20);
            }
        });
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);

        // Work stopped with the deadline: the recorded evaluations do not grow afterwards.
        var cache = new ParcelService.ParcelServiceClient(server.Channel);
        async Task<int> Recorded()
        {
            var n = 0;
            for (var i = 0; i < sent + 5; i++)
                n += (await cache.ListEvaluationsAsync(new ListEvaluationsRequest { ParcelId = $"DL-{i}" }, Key(ReaderKey))).Evaluations.Count;
            return n;
        }
        var before = await Recorded();
        await Task.Delay(300);
        Assert.Equal(before, await Recorded());
        Assert.InRange(before, 0, sent); // under load the deadline may even pass before the first chunk is answered
    }
}
