using System.Diagnostics;
using Grpc.Core;
using Scoring.V1;

namespace Scoring.Benchmarks;

/// <summary>What an <see cref="IngestLoad"/> stored while it ran.</summary>
internal readonly record struct IngestLoadOutcome(long Chunks, long Parcels, long Values, long Errors, TimeSpan Elapsed)
{
    /// <summary>Values stored per second.</summary>
    public double ValuesRate => Values / Elapsed.TotalSeconds;
}

/// <summary>
/// One UpsertParcels stream run flat out in the background: the given chunks are cycled, with
/// <c>window</c> chunks written ahead of the responses, until <see cref="StopAsync"/>.
/// </summary>
internal sealed class IngestLoad
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<IngestLoadOutcome> _run;

    private IngestLoad(ParcelService.ParcelServiceClient client, IReadOnlyList<UpsertParcelsRequest> chunks, int window) =>
        _run = Task.Run(() => RunAsync(client, chunks, window, _stop.Token));

    /// <summary>Starts the stream.</summary>
    public static IngestLoad Start(ParcelService.ParcelServiceClient client, IReadOnlyList<UpsertParcelsRequest> chunks, int window) =>
        new(client, chunks, window);

    /// <summary>Stops writing, waits for the responses to the chunks in flight, and says what was stored.</summary>
    public async Task<IngestLoadOutcome> StopAsync()
    {
        await _stop.CancelAsync();
        try
        {
            return await _run;
        }
        finally
        {
            _stop.Dispose();
        }
    }

    private static async Task<IngestLoadOutcome> RunAsync(ParcelService.ParcelServiceClient client, IReadOnlyList<UpsertParcelsRequest> chunks,
        int window, CancellationToken stop)
    {
        using var failed = new CancellationTokenSource();
        using var call = client.UpsertParcels(cancellationToken: failed.Token);
        using var slots = new SemaphoreSlim(window);
        var started = Stopwatch.GetTimestamp();
        var reader = Task.Run(async () =>
        {
            long answered = 0, parcels = 0, values = 0, errors = 0;
            try
            {
                while (await call.ResponseStream.MoveNext(CancellationToken.None))
                {
                    var r = call.ResponseStream.Current;
                    (answered, parcels, values, errors) = (answered + 1, parcels + r.Accepted, values + r.ValuesWritten, errors + r.Errors.Count);
                    slots.Release();
                }
            }
            catch
            {
                await failed.CancelAsync();
                throw;
            }
            return (answered, parcels, values, errors);
        });
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stop, failed.Token);
        try
        {
            for (var k = 0; ; k++)
            {
                await slots.WaitAsync(either.Token);
                // Not cancelled by the stop: cancelling a write would cancel the call and lose the answers in flight.
                await call.RequestStream.WriteAsync(chunks[k % chunks.Count]);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !failed.IsCancellationRequested)
        {
            // Stopped: the chunks written are answered before the stream ends.
        }
        catch (OperationCanceledException) when (failed.IsCancellationRequested)
        {
            await reader; // rethrows why the responses stopped
        }
        await call.RequestStream.CompleteAsync();
        var (chunksAnswered, stored, valuesStored, refused) = await reader;
        return new IngestLoadOutcome(chunksAnswered, stored, valuesStored, refused, Stopwatch.GetElapsedTime(started));
    }
}

/// <summary>Samples a file's size at a fixed interval in the background and keeps the largest.</summary>
internal sealed class FileSizeSampler
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;
    private long _largest, _samples;

    private FileSizeSampler(string path, TimeSpan interval) => _run = Task.Run(() => RunAsync(path, interval));

    /// <summary>Starts sampling <paramref name="path"/> (a missing file counts as 0 bytes).</summary>
    public static FileSizeSampler Start(string path, TimeSpan interval) => new(path, interval);

    /// <summary>Stops sampling; the largest size seen in bytes and how many samples were taken.</summary>
    public async Task<(long LargestBytes, long Samples)> StopAsync()
    {
        await _stop.CancelAsync();
        await _run;
        _stop.Dispose();
        return (_largest, _samples);
    }

    /// <summary>The file's size now, 0 when it does not exist.</summary>
    public static long SizeOf(string path)
    {
        try
        {
            var file = new FileInfo(path);
            return file.Exists ? file.Length : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private async Task RunAsync(string path, TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        do
        {
            _largest = Math.Max(_largest, SizeOf(path));
            _samples++;
        }
        while (await WaitAsync(timer));
    }

    private async Task<bool> WaitAsync(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stop.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
