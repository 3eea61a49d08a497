using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Scoring.V1;

namespace Scoring.Client.Tests;

public sealed class ScoringClientTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task EvaluateAsync_returns_the_hand_worked_evaluation()
    {
        using var client = new ScoringClient(server.Address);
        var e = await client.EvaluateAsync(TestParcels.OnCurvePoints("U1"));

        Assert.Equal("U1", e.ParcelId);
        Assert.Equal(HandWorkedParcel.Score, e.Score, 9);
        Assert.Equal(Classification.Efficient, e.Classification);
        Assert.Equal(Disposition.Retained, e.Disposition);
        Assert.Equal(1.0, e.Completeness, 9);
        Assert.Equal(HandWorkedParcel.ElementScores, e.Elements.Select(el => Math.Round(el.Score, 9)));
    }

    [Fact]
    public async Task A_client_over_an_existing_channel_works_the_same()
    {
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = new ScoringClient(channel);
        var e = await client.EvaluateAsync(TestParcels.OnCurvePoints("U2"));
        Assert.Equal(HandWorkedParcel.Score, e.Score, 9);
    }

    [Fact]
    public async Task A_refused_parcel_is_INVALID_ARGUMENT()
    {
        using var client = new ScoringClient(server.Address);
        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EvaluateAsync(TestParcels.OutOfRange("U3")));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }

    [Fact]
    public async Task Unary_calls_get_the_default_deadline()
    {
        // A deadline of one tick has passed before the call is sent.
        using var client = new ScoringClient(server.Address, new ScoringClientOptions { Timeout = TimeSpan.FromTicks(1) });
        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EvaluateAsync(TestParcels.OnCurvePoints("U4")));
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);

        // The generated clients exposed by the SDK carry it too.
        ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.Scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = TestParcels.OnCurvePoints("U5") }));
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
    }

    [Fact]
    public async Task A_deadline_given_by_the_caller_wins_over_the_default()
    {
        using var client = new ScoringClient(server.Address, new ScoringClientOptions { Timeout = TimeSpan.FromTicks(1) });
        var response = await client.Scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = TestParcels.OnCurvePoints("U6") },
            deadline: DateTime.UtcNow.AddSeconds(30));
        Assert.Equal(HandWorkedParcel.Score, response.Evaluation.Score, 9);
    }

    [Fact]
    public async Task EvaluateParcel_is_retried_on_UNAVAILABLE()
    {
        var flaky = new FlakyHandler(failures: 2);
        using var client = new ScoringClient(server.Address, new ScoringClientOptions
        {
            HttpHandler = flaky,
            RetryInitialBackoff = TimeSpan.FromMilliseconds(10),
            RetryMaxBackoff = TimeSpan.FromMilliseconds(20),
        });

        var e = await client.EvaluateAsync(TestParcels.OnCurvePoints("R1"));

        Assert.Equal(HandWorkedParcel.Score, e.Score, 9);
        Assert.Equal(3, flaky.Requests); // two UNAVAILABLE answers, then the server's
    }

    [Fact]
    public async Task Retries_stop_after_MaxRetryAttempts()
    {
        var flaky = new FlakyHandler(failures: 100);
        using var client = new ScoringClient(server.Address, new ScoringClientOptions
        {
            HttpHandler = flaky,
            MaxRetryAttempts = 3,
            RetryInitialBackoff = TimeSpan.FromMilliseconds(10),
            RetryMaxBackoff = TimeSpan.FromMilliseconds(20),
        });

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EvaluateAsync(TestParcels.OnCurvePoints("R2")));
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Equal(3, flaky.Requests);
    }

    [Fact]
    public void The_retry_policy_names_the_idempotent_calls_and_only_UNAVAILABLE()
    {
        var config = ScoringChannel.CreateServiceConfig(new ScoringClientOptions());
        var method = Assert.Single(config.MethodConfigs);
        var names = method.Names.Select(n => $"{n.Service}/{n.Method}").ToHashSet();

        Assert.Contains("scoring.v1.ScoringService/EvaluateParcel", names);
        Assert.Contains("scoring.v1.ParcelService/GetParcel", names);
        Assert.Contains("scoring.v1.ModelService/ListModels", names);
        Assert.DoesNotContain("scoring.v1.ScoringService/BatchEvaluate", names);
        Assert.DoesNotContain("scoring.v1.ScoringService/UpdateWeights", names);
        Assert.DoesNotContain("scoring.v1.ParcelService/UpsertParcels", names);
        Assert.Equal([StatusCode.Unavailable], method.RetryPolicy!.RetryableStatusCodes);
        Assert.Equal(4, method.RetryPolicy.MaxAttempts);
    }

    [Fact]
    public async Task AddScoringClient_registers_a_working_client_over_the_client_factory()
    {
        var services = new ServiceCollection();
        services.AddScoringClient(o => o.Address = server.Address);
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<ScoringClient>();
        var e = await client.EvaluateAsync(TestParcels.OnCurvePoints("D1"));
        Assert.Equal(HandWorkedParcel.Score, e.Score, 9);

        var results = new List<BatchResult>();
        await foreach (var r in client.EvaluateManyAsync([TestParcels.OnCurvePoints("D2"), TestParcels.OutOfRange("D3")])) results.Add(r);
        Assert.Equal(["D2", "D3"], results.Select(r => r.ParcelId));

        var generated = provider.GetRequiredService<ScoringService.ScoringServiceClient>();
        var response = await generated.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = TestParcels.OnCurvePoints("D4") });
        Assert.Equal(HandWorkedParcel.Score, response.Evaluation.Score, 9);
    }

    [Fact]
    public async Task CreateBackup_is_not_retried_on_UNAVAILABLE()
    {
        var flaky = new FlakyHandler(failures: 1);
        using var client = new ScoringClient(server.Address, new ScoringClientOptions
        {
            HttpHandler = flaky,
            RetryInitialBackoff = TimeSpan.FromMilliseconds(10),
            RetryMaxBackoff = TimeSpan.FromMilliseconds(20),
        });

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.Operations.CreateBackupAsync(new CreateBackupRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Equal(1, flaky.Requests); // a second attempt would have reached the server and written another file
    }

    [Fact]
    public async Task A_client_made_by_the_client_factory_takes_backups_and_one_made_without_Operations_says_so()
    {
        var services = new ServiceCollection();
        services.AddScoringClient(o => o.Address = server.Address);
        await using var provider = services.BuildServiceProvider();

        var r = await provider.GetRequiredService<ScoringClient>().Operations.CreateBackupAsync(new CreateBackupRequest());
        Assert.Equal(new FileInfo(Path.Combine(server.DataDirectory, "backups", r.FileName)).Length, r.SizeBytes);

        var withoutOperations = new ScoringClient(provider.GetRequiredService<ScoringService.ScoringServiceClient>(),
            provider.GetRequiredService<ParcelService.ParcelServiceClient>(), provider.GetRequiredService<ModelService.ModelServiceClient>(),
            provider.GetRequiredService<ReportService.ReportServiceClient>());
        Assert.Throws<InvalidOperationException>(() => withoutOperations.Operations);
    }

    [Fact]
    public async Task AddScoringClient_applies_the_default_deadline()
    {
        var services = new ServiceCollection();
        services.AddScoringClient(o =>
        {
            o.Address = server.Address;
            o.Timeout = TimeSpan.FromTicks(1);
        });
        await using var provider = services.BuildServiceProvider();

        var ex = await Assert.ThrowsAsync<RpcException>(() => provider.GetRequiredService<ScoringClient>().EvaluateAsync(TestParcels.OnCurvePoints("D5")));
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
    }

    [Fact]
    public async Task The_API_key_goes_with_every_call_unary_and_streaming()
    {
        var recorder = new HeaderRecorder();
        using var client = new ScoringClient(server.Address, new ScoringClientOptions { ApiKey = "key-123", HttpHandler = recorder });

        await client.EvaluateAsync(TestParcels.OnCurvePoints("K1"));
        await foreach (var _ in client.EvaluateManyAsync([TestParcels.OnCurvePoints("K2")])) { }

        Assert.Equal(["key-123", "key-123"], recorder.ApiKeys);
    }

    /// <summary>Notes the x-api-key header of every request, then passes it on.</summary>
    private sealed class HeaderRecorder() : DelegatingHandler(new SocketsHttpHandler())
    {
        public List<string> ApiKeys { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (ApiKeys) ApiKeys.Add(request.Headers.TryGetValues("x-api-key", out var v) ? string.Join(",", v) : "(none)");
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Answers the first <c>failures</c> requests itself with a trailers-only UNAVAILABLE, then passes them to the server.</summary>
    private sealed class FlakyHandler(int failures) : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _requests) > failures) return await base.SendAsync(request, cancellationToken);
            var response = new HttpResponseMessage(HttpStatusCode.OK)
            {
                Version = HttpVersion.Version20,
                Content = new ByteArrayContent([]),
                RequestMessage = request,
            };
            response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
            response.Headers.Add("grpc-status", ((int)StatusCode.Unavailable).ToString(System.Globalization.CultureInfo.InvariantCulture));
            response.Headers.Add("grpc-message", "injected");
            return response;
        }
    }
}
