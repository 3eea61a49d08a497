using Grpc.Core;
using Scoring.V1;

namespace Scoring.Server.Tests;

public sealed class DurabilityTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "scoring-kill-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Everything_acknowledged_survives_kill_9_and_a_restart()
    {
        Directory.CreateDirectory(_directory);
        var database = Path.Combine(_directory, "scoring.db");
        var acknowledged = new List<string>();

        await using (var server = await ServerProcess.StartAsync(database))
        {
            var client = new ParcelService.ParcelServiceClient(server.Channel);
            using var call = client.UpsertParcels();
            for (var c = 0; c < 20; c++)
            {
                var chunk = new UpsertParcelsRequest { Source = "kill-test", AsOf = "2025-06-30" };
                for (var i = 0; i < 50; i++) chunk.Parcels.Add(HandWorkedParcel.Input($"K{c:D2}-{i:D2}"));
                await call.RequestStream.WriteAsync(chunk);
                Assert.True(await call.ResponseStream.MoveNext());
                Assert.Equal(50, call.ResponseStream.Current.Accepted);
                acknowledged.AddRange(chunk.Parcels.Select(p => p.ParcelId));
            }
            // Killed with the stream still open and no shutdown: only what was acknowledged counts.
            server.Kill();
        }

        await using (var restarted = await ServerProcess.StartAsync(database))
        {
            var client = new ParcelService.ParcelServiceClient(restarted.Channel);
            var seen = new List<string>();
            var token = "";
            do
            {
                var page = await client.ListParcelsAsync(new ListParcelsRequest { PageSize = 1000, PageToken = token });
                seen.AddRange(page.Parcels.Select(p => p.Attributes.ParcelId));
                token = page.NextPageToken;
            } while (token.Length > 0);
            Assert.Equal(acknowledged.Order(StringComparer.Ordinal), seen);

            var scoring = new ScoringService.ScoringServiceClient(restarted.Channel);
            var e = (await scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = new ParcelInput { ParcelId = acknowledged[^1] } })).Evaluation;
            Assert.Equal(HandWorkedParcel.Score, e.Score, 9); // every value of the last acknowledged parcel is there
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
