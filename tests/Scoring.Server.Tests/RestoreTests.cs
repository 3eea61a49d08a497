using Grpc.Core;
using Scoring.V1;

namespace Scoring.Server.Tests;

public sealed class RestoreTests : IDisposable
{
    private const int ChunkSize = 50;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "scoring-restore-" + Guid.NewGuid().ToString("N"));

    // Chunk c, parcel i: an area and values that name both, so a value from another chunk cannot pass.
    private static ParcelInput Parcel(int c, int i) => new()
    {
        ParcelId = $"R{c:D4}-{i:D2}",
        Level = Level.Community,
        AreaMu = c * 100 + i + 1,
        Indicators = { ["far"] = 1 + i / 100.0, ["total_tax"] = 1000 + c },
        Vetoes = { ["safety"] = i % 2 == 0 },
    };

    [Fact]
    public async Task A_snapshot_taken_under_ingest_restores_every_parcel_acknowledged_before_the_backup_call()
    {
        var original = Path.Combine(_directory, "live", "scoring.db");
        Directory.CreateDirectory(Path.GetDirectoryName(original)!);
        var acknowledged = 0;
        int before, afterBackup;
        CreateBackupResponse backup;

        await using (var server = await ServerProcess.StartAsync(original))
        {
            using var stop = new CancellationTokenSource();
            var ingest = Task.Run(async () =>
            {
                using var call = new ParcelService.ParcelServiceClient(server.Channel).UpsertParcels();
                for (var c = 0; !stop.IsCancellationRequested; c++)
                {
                    var chunk = new UpsertParcelsRequest { Source = "tax-bureau", AsOf = "2025-06-30" };
                    for (var i = 0; i < ChunkSize; i++) chunk.Parcels.Add(Parcel(c, i));
                    await call.RequestStream.WriteAsync(chunk);
                    Assert.True(await call.ResponseStream.MoveNext());
                    Assert.Equal(ChunkSize, call.ResponseStream.Current.Accepted);
                    Volatile.Write(ref acknowledged, c + 1);
                }
                await call.RequestStream.CompleteAsync();
            });
            while (Volatile.Read(ref acknowledged) < 10) await Task.Delay(10);

            before = Volatile.Read(ref acknowledged);
            backup = await new OperationsService.OperationsServiceClient(server.Channel).CreateBackupAsync(new CreateBackupRequest());
            afterBackup = Volatile.Read(ref acknowledged);
            // Ingest goes on after the backup; then the server stops without a shutdown.
            while (Volatile.Read(ref acknowledged) < afterBackup + 5) await Task.Delay(10);
            await stop.CancelAsync();
            await ingest;
            server.Kill();
        }

        Assert.Equal(Path.Combine(_directory, "live", "backups"), backup.Directory);
        var restored = Path.Combine(_directory, "restored", "scoring.db");
        Directory.CreateDirectory(Path.GetDirectoryName(restored)!);
        File.Copy(Path.Combine(backup.Directory, backup.FileName), restored);
        Assert.False(File.Exists(restored + "-wal"));

        await using (var server = await ServerProcess.StartAsync(restored))
        {
            var parcels = new ParcelService.ParcelServiceClient(server.Channel);
            for (var c = 0; c < before; c++)
            for (var i = 0; i < ChunkSize; i++)
            {
                var expected = Parcel(c, i);
                var p = (await parcels.GetParcelAsync(new GetParcelRequest { ParcelId = expected.ParcelId })).Parcel;
                Assert.Equal(expected.ParcelId, p.Attributes.ParcelId);
                Assert.Equal(Level.Community, p.Attributes.Level);
                Assert.Equal(expected.AreaMu, p.Attributes.AreaMu);
                Assert.Equal(expected.Indicators["far"], p.Attributes.Indicators["far"]);
                Assert.Equal(expected.Indicators["total_tax"], p.Attributes.Indicators["total_tax"]);
                Assert.Equal(expected.Vetoes["safety"], p.Attributes.Vetoes["safety"]);
                Assert.All(p.Values, v => Assert.Equal(("tax-bureau", "2025-06-30"), (v.Source, v.AsOf)));
            }

            // Each chunk is one transaction: the snapshot holds whole chunks, none acknowledged after the call returned but one.
            var count = 0;
            var token = "";
            do
            {
                var page = await parcels.ListParcelsAsync(new ListParcelsRequest { PageSize = 1000, PageToken = token });
                count += page.Parcels.Count;
                token = page.NextPageToken;
            } while (token.Length > 0);
            Assert.Equal(0, count % ChunkSize);
            Assert.InRange(count / ChunkSize, before, afterBackup + 1);
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
