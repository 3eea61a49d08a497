using System.Diagnostics;
using Google.Rpc;
using Grpc.Core;
using Scoring.V1;

namespace Scoring.Client.Tests;

public sealed class EvaluateManyTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private ScoringClient NewClient() => new(server.Address);

    private static async IAsyncEnumerable<ParcelInput> Mixed(int count, Func<int, bool> bad)
    {
        for (var n = 0; n < count; n++)
        {
            yield return bad(n) ? TestParcels.OutOfRange($"P{n:D6}") : TestParcels.OnCurvePoints($"P{n:D6}");
            if (n % 1000 == 0) await Task.Yield();
        }
    }

    [Fact]
    public async Task Twenty_five_thousand_parcels_in_chunks_of_1000_come_back_one_each_in_input_order_with_refusals_in_place()
    {
        const int count = 25_000, chunk = 1000;
        static bool Bad(int n) => n % 7 == 3;
        using var client = NewClient();

        var results = new List<BatchResult>(count);
        await foreach (var r in client.EvaluateManyAsync(Mixed(count, Bad), new BatchOptions { ChunkSize = chunk }))
            results.Add(r);

        Assert.Equal(count, results.Count);
        for (var n = 0; n < count; n++)
        {
            var r = results[n];
            Assert.Equal($"P{n:D6}", r.ParcelId);
            if (Bad(n))
            {
                // The refusal reaches the caller as this parcel's result; the stream goes on.
                Assert.Equal(BatchResult.OutcomeOneofCase.Error, r.OutcomeCase);
                Assert.Equal((int)Code.InvalidArgument, r.Error.Code);
                var violation = Assert.Single(r.Error.GetDetail<BadRequest>().FieldViolations);
                Assert.Equal($"parcels[{n % chunk}].indicators[\"green_ratio\"]", violation.Field);
            }
            else
            {
                Assert.Equal(BatchResult.OutcomeOneofCase.Evaluation, r.OutcomeCase);
                Assert.Equal(HandWorkedParcel.Score, r.Evaluation.Score, 9);
                Assert.Equal(Classification.Efficient, r.Evaluation.Classification);
            }
        }
        // 25,000 parcels, every 7th from the 4th on refused: n ≡ 3 (mod 7) for n < 25,000 → ⌊(24,999 − 3) / 7⌋ + 1 = 3,571.
        Assert.Equal(3571, results.Count(r => r.OutcomeCase == BatchResult.OutcomeOneofCase.Error));
    }

    [Theory]
    [InlineData(7, 1)]      // one parcel per chunk
    [InlineData(2345, 500)] // a short last chunk of 345
    [InlineData(10, 10_000)]
    public async Task Any_chunk_size_keeps_the_order_and_the_count(int count, int chunk)
    {
        using var client = NewClient();
        var ids = new List<string>();
        await foreach (var r in client.EvaluateManyAsync(Mixed(count, n => n % 3 == 0), new BatchOptions { ChunkSize = chunk, MaxChunksInFlight = 2 }))
            ids.Add(r.ParcelId);
        Assert.Equal(Enumerable.Range(0, count).Select(n => $"P{n:D6}"), ids);
    }

    [Fact]
    public async Task A_refused_parcel_between_good_ones_does_not_end_the_stream()
    {
        using var client = NewClient();
        ParcelInput[] parcels = [TestParcels.OnCurvePoints("A"), TestParcels.OutOfRange("B"), TestParcels.OnCurvePoints("C")];

        var results = new List<BatchResult>();
        await foreach (var r in client.EvaluateManyAsync(parcels)) results.Add(r);

        Assert.Equal(["A", "B", "C"], results.Select(r => r.ParcelId));
        Assert.Equal(BatchResult.OutcomeOneofCase.Evaluation, results[0].OutcomeCase);
        Assert.Equal(BatchResult.OutcomeOneofCase.Error, results[1].OutcomeCase);
        Assert.Equal(BatchResult.OutcomeOneofCase.Evaluation, results[2].OutcomeCase);
        Assert.Equal(HandWorkedParcel.Score, results[2].Evaluation.Score, 9);
    }

    [Fact]
    public async Task No_parcels_give_no_results()
    {
        using var client = NewClient();
        var count = 0;
        await foreach (var _ in client.EvaluateManyAsync(Array.Empty<ParcelInput>())) count++;
        Assert.Equal(0, count);
    }

    [Fact]
    public async Task Cancelling_after_the_first_results_ends_an_endless_stream_promptly()
    {
        using var client = NewClient();
        var source = new TestParcels.Endless();
        using var cts = new CancellationTokenSource();
        var received = 0;
        var clock = new Stopwatch();

        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var _ in client.EvaluateManyAsync(source.Parcels(), new BatchOptions { ChunkSize = 100 }, cts.Token))
            {
                if (++received == 10)
                {
                    clock.Start();
                    await cts.CancelAsync();
                }
            }
        });
        clock.Stop();

        Assert.True(ex is OperationCanceledException || ex is RpcException { StatusCode: StatusCode.Cancelled }, $"ended with {ex}");
        Assert.Equal(10, received);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the stream took {clock.Elapsed} to end after cancellation");
    }

    [Fact]
    public async Task Cancelling_while_waiting_for_the_server_ends_the_stream_promptly()
    {
        using var client = NewClient();
        var source = new TestParcels.Endless();
        using var cts = new CancellationTokenSource();
        await using var e = client.EvaluateManyAsync(source.Parcels(), new BatchOptions { ChunkSize = 100 }, cts.Token).GetAsyncEnumerator();
        Assert.True(await e.MoveNextAsync());

        cts.CancelAfter(TimeSpan.FromMilliseconds(50));
        var clock = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAnyAsync<Exception>(async () => { while (await e.MoveNextAsync()) await Task.Delay(1); });

        Assert.True(ex is OperationCanceledException || ex is RpcException { StatusCode: StatusCode.Cancelled }, $"ended with {ex}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the stream took {clock.Elapsed} to end after cancellation");
    }

    [Fact]
    public async Task A_slow_reader_holds_the_sender_to_the_chunks_in_flight()
    {
        using var client = NewClient();
        var source = new TestParcels.Endless();
        const int chunk = 100, inFlight = 4;
        await using var e = client.EvaluateManyAsync(source.Parcels(), new BatchOptions { ChunkSize = chunk, MaxChunksInFlight = inFlight })
            .GetAsyncEnumerator();

        Assert.True(await e.MoveNextAsync());
        await Task.Delay(TimeSpan.FromSeconds(1));

        // The reader took one result, so one answer freed one slot: at most inFlight + 1 chunks were sent,
        // and one more was filled and waits for a slot. Without backpressure the sender would have taken
        // the endless source far beyond that in a second.
        Assert.InRange(source.Taken, chunk, (inFlight + 2) * chunk);
    }

    [Fact]
    public async Task Breaking_out_early_stops_taking_parcels()
    {
        using var client = NewClient();
        var source = new TestParcels.Endless();
        var received = 0;
        await foreach (var _ in client.EvaluateManyAsync(source.Parcels(), new BatchOptions { ChunkSize = 50 }))
            if (++received == 5) break;

        var taken = source.Taken;
        await Task.Delay(300);
        Assert.Equal(taken, source.Taken);
    }

    [Fact]
    public async Task An_input_that_throws_ends_the_stream_with_its_exception()
    {
        using var client = NewClient();
        static async IAsyncEnumerable<ParcelInput> Failing()
        {
            for (var n = 0; n < 250; n++) yield return TestParcels.OnCurvePoints($"F{n}");
            await Task.Yield();
            throw new InvalidDataException("row 251 is broken");
        }

        var received = 0;
        var ex = await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            await foreach (var _ in client.EvaluateManyAsync(Failing(), new BatchOptions { ChunkSize = 100 })) received++;
        });
        Assert.Equal("row 251 is broken", ex.Message);
        Assert.InRange(received, 0, 250);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // columnar: the model's definitions are read first, and that read fails
    public async Task An_unknown_model_version_ends_the_stream_with_NOT_FOUND(bool columnar)
    {
        using var client = NewClient();
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var _ in client.EvaluateManyAsync([TestParcels.OnCurvePoints("X")],
                new BatchOptions { ModelVersion = "no-such-version", Columnar = columnar })) { }
        });
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public void Chunk_sizes_outside_1_to_10000_are_refused_before_any_call()
    {
        using var client = NewClient();
        Assert.Throws<ArgumentOutOfRangeException>(() => client.EvaluateManyAsync(Array.Empty<ParcelInput>(), new BatchOptions { ChunkSize = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => client.EvaluateManyAsync(Array.Empty<ParcelInput>(), new BatchOptions { ChunkSize = 10_001 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => client.EvaluateManyAsync(Array.Empty<ParcelInput>(), new BatchOptions { MaxChunksInFlight = 0 }));
    }
}
