using Grpc.Core;
using Scoring.V1;

namespace Scoring.Client.Tests;

/// <summary><see cref="ScoringClient.EvaluateStoredAsync"/>: the cached parcels of a selection, evaluated on the server.</summary>
public sealed class EvaluateStoredTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task The_stored_parcels_of_a_unit_come_back_one_each_in_parcel_id_order()
    {
        using var client = new ScoringClient(server.Address);
        // Sent out of order, and a third parcel in another unit that the selection leaves out.
        await UpsertAsync(client,
            InUnit(HandWorkedParcel.Input("SDK-S2"), "sdk-stored-a"),
            InUnit(HandWorkedParcel.Input("SDK-S3"), "sdk-stored-b"),
            InUnit(HandWorkedParcel.Input("SDK-S1"), "sdk-stored-a"));

        var results = new List<BatchResult>();
        await foreach (var r in client.EvaluateStoredAsync(new EvaluateStoredRequest { UnitId = "sdk-stored-a" }))
            results.Add(r);

        Assert.Equal(["SDK-S1", "SDK-S2"], results.Select(r => r.ParcelId));
        Assert.All(results, r =>
        {
            Assert.Equal(BatchResult.OutcomeOneofCase.Evaluation, r.OutcomeCase);
            Assert.Equal(HandWorkedParcel.Score, r.Evaluation.Score, 9);
            Assert.Equal(Classification.Efficient, r.Evaluation.Classification);
            Assert.Equal("sdk-stored-a", r.Evaluation.UnitId);
            Assert.Equal(HandWorkedParcel.AreaMu, r.Evaluation.AreaMu);
        });
    }

    [Fact]
    public async Task Cancelling_mid_stream_ends_the_enumeration_with_OperationCanceledException()
    {
        using var client = new ScoringClient(server.Address);
        await UpsertAsync(client, [.. Enumerable.Range(0, 300).Select(n => InUnit(HandWorkedParcel.Input($"SDK-C{n:D3}"), "sdk-cancel"))]);
        using var cts = new CancellationTokenSource();
        var received = new List<string>();

        // One result per response: after the cancellation no result already received is left to hand out.
        await Assert.ThrowsAsync<OperationCanceledException>(async () =>
        {
            await foreach (var r in client.EvaluateStoredAsync(new EvaluateStoredRequest { UnitId = "sdk-cancel", ChunkSize = 1 }, cts.Token))
            {
                received.Add(r.ParcelId);
                if (received.Count == 5) await cts.CancelAsync();
            }
        });

        Assert.Equal(["SDK-C000", "SDK-C001", "SDK-C002", "SDK-C003", "SDK-C004"], received);
    }

    [Fact]
    public async Task The_stream_gets_the_stream_deadline_of_the_options()
    {
        using (var writer = new ScoringClient(server.Address))
            await UpsertAsync(writer, InUnit(HandWorkedParcel.Input("SDK-D1"), "sdk-deadline"));
        // A deadline of one tick has passed before the call is sent.
        using var client = new ScoringClient(server.Address, new ScoringClientOptions { StreamTimeout = TimeSpan.FromTicks(1) });

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var _ in client.EvaluateStoredAsync(new EvaluateStoredRequest { UnitId = "sdk-deadline" })) { }
        });

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
    }

    [Fact]
    public async Task A_bad_selection_ends_the_stream_with_INVALID_ARGUMENT()
    {
        using var client = new ScoringClient(server.Address);

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var _ in client.EvaluateStoredAsync(new EvaluateStoredRequest { ChunkSize = 10_001 })) { }
        });

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }

    private static ParcelInput InUnit(ParcelInput parcel, string unit)
    {
        parcel.UnitId = unit;
        return parcel;
    }

    private static async Task UpsertAsync(ScoringClient client, params ParcelInput[] parcels)
    {
        using var call = client.Parcels.UpsertParcels();
        await call.RequestStream.WriteAsync(new UpsertParcelsRequest { Source = "registry", AsOf = "2025-06-30", Parcels = { parcels } });
        await call.RequestStream.CompleteAsync();
        await foreach (var ack in call.ResponseStream.ReadAllAsync())
        {
            Assert.Empty(ack.Errors);
            Assert.Equal(parcels.Length, ack.Accepted);
        }
    }
}
