using Grpc.Net.Client;
using Scoring.V1;
using static Scoring.Server.Tests.Spatial.SpatialParcels;

namespace Scoring.Server.Tests.Spatial;

public sealed class LayerReplicaTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_second_replica_overlays_with_the_layer_versions_uploaded_through_the_first()
    {
        var (b, channelB) = await server.StartReplicaAsync("--Spatial:RefreshSeconds=0.2");
        await using var replica = b;
        using var channel = channelB;
        var parcel = Efficient("REP-L", Squares.Box(500_000, 3_530_000, 500_100, 3_530_100), 15);

        // v1 through A covers the parcel's east half; v2 through A covers all of it.
        await UploadAsync(server, LayerKind.EcologicalRedLine, (500_050, 3_529_000, 500_300, 3_531_000));
        Assert.Equal((1, 0.5), await FactOnB(channelB, parcel, version: 1));
        await UploadAsync(server, LayerKind.EcologicalRedLine, (499_000, 3_529_000, 500_300, 3_531_000));
        Assert.Equal((2, 1.0), await FactOnB(channelB, parcel, version: 2));

        await b.StopAsync();
    }

    // Waits (at most 5 s) until replica B overlays with the given version, then returns its version and share.
    private static async Task<(int, double)> FactOnB(GrpcChannel channel, ParcelInput parcel, int version)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        SpatialFact? fact;
        do
        {
            await Task.Delay(100);
            fact = (await EvaluateAsync(new GrpcChannelHolder(channel), parcel)).SpatialFacts.SingleOrDefault();
        } while (fact?.LayerVersion != version && DateTime.UtcNow < deadline);
        return (fact?.LayerVersion ?? 0, Math.Round(fact?.OverlapShare ?? -1, 9));
    }
}
