using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client.Configuration;
using Scoring.V1;

namespace Scoring.Client.Tests;

/// <summary>What EvaluateManyAsync does when its stream is lost, and the balancing policy of the channel.</summary>
public sealed class StreamResumeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("scoring-resume-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public async Task A_batch_whose_only_server_is_killed_fails_with_UNAVAILABLE_once_its_resumes_are_spent(int resumes)
    {
        await using var server = await ServerProcess.StartAsync(Path.Combine(_folder, $"scoring-{resumes}.db"));
        using var client = new ScoringClient(server.Address);
        var parcels = Enumerable.Range(0, 50_000).Select(i => HandWorkedParcel.Input(string.Create(CultureInfo.InvariantCulture, $"R-{i:D5}")));
        var received = 0;
        var failure = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var _ in client.EvaluateManyAsync(parcels, new BatchOptions { ChunkSize = 500, MaxStreamResumes = resumes }))
                if (++received == 2_000) server.Kill();
        });
        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
        Assert.InRange(received, 2_000, 49_999);
    }

    [Fact]
    public void A_negative_number_of_resumes_is_refused_before_anything_is_sent()
    {
        using var client = new ScoringClient(new Uri("http://127.0.0.1:9"));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            client.EvaluateManyAsync([HandWorkedParcel.Input()], new BatchOptions { MaxStreamResumes = -1 }));
        Assert.Equal("MaxStreamResumes", e.ParamName);
    }

    [Fact]
    public void Round_robin_puts_its_policy_in_the_service_config_and_pick_first_none()
    {
        var roundRobin = ScoringChannel.CreateServiceConfig(new ScoringClientOptions { LoadBalancingPolicy = ScoringClientOptions.RoundRobin });
        Assert.IsType<RoundRobinConfig>(Assert.Single(roundRobin.LoadBalancingConfigs));
        Assert.Empty(ScoringChannel.CreateServiceConfig(new ScoringClientOptions()).LoadBalancingConfigs);
        Assert.Empty(ScoringChannel.CreateServiceConfig(new ScoringClientOptions { LoadBalancingPolicy = ScoringClientOptions.PickFirst }).LoadBalancingConfigs);
        var unknown = Assert.Throws<ArgumentException>(() => ScoringChannel.CreateServiceConfig(new ScoringClientOptions { LoadBalancingPolicy = "random" }));
        Assert.Contains("round_robin", unknown.Message);
    }
}
