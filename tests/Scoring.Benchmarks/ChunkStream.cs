using System.Diagnostics;
using Grpc.Core;
using Scoring.V1;

namespace Scoring.Benchmarks;

/// <summary>The outcome of one stream: how many results came back, how many were errors, and how long it took.</summary>
internal readonly record struct StreamOutcome(long Parcels, long Results, long Errors, TimeSpan Elapsed)
{
    /// <summary>Parcels per second.</summary>
    public double Rate => Parcels / Elapsed.TotalSeconds;
}

/// <summary>
/// A pipelined BatchEvaluate-shaped stream: up to <c>window</c> chunks written ahead of the
/// responses, which a second task reads as they arrive.
/// </summary>
internal static class ChunkStream
{
    /// <summary>Streams <paramref name="chunks"/> chunks and waits for every response.</summary>
    /// <param name="open">Opens the call (real server or pass-through, typed or raw).</param>
    /// <param name="chunks">Chunks to send.</param>
    /// <param name="chunkAt">The k-th chunk (pre-built, or built now).</param>
    /// <param name="count">Results and errors in one response.</param>
    /// <param name="parcels">Parcels sent in all, to check one result per parcel.</param>
    /// <param name="window">Chunks in flight.</param>
    public static async Task<StreamOutcome> RunAsync<TRequest, TResponse>(
        Func<CallOptions, AsyncDuplexStreamingCall<TRequest, TResponse>> open,
        int chunks, Func<int, TRequest> chunkAt, Func<TResponse, (int Results, int Errors)> count, long parcels, int window)
        where TRequest : class where TResponse : class
    {
        using var failed = new CancellationTokenSource();
        using var call = open(new CallOptions(cancellationToken: failed.Token));
        using var slots = new SemaphoreSlim(window);
        var started = Stopwatch.GetTimestamp();
        var reader = Task.Run(async () =>
        {
            long results = 0, errors = 0;
            try
            {
                while (await call.ResponseStream.MoveNext(CancellationToken.None))
                {
                    var (r, e) = count(call.ResponseStream.Current);
                    results += r;
                    errors += e;
                    slots.Release();
                }
            }
            catch
            {
                await failed.CancelAsync();
                throw;
            }
            return (results, errors);
        });
        try
        {
            for (var k = 0; k < chunks; k++)
            {
                await slots.WaitAsync(failed.Token);
                await call.RequestStream.WriteAsync(chunkAt(k), failed.Token);
            }
            await call.RequestStream.CompleteAsync();
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException or InvalidOperationException)
        {
            // The call failed: the reader's exception says why (or the count check below does).
        }
        var (total, errorCount) = await reader;
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (total != parcels) throw new InvalidOperationException($"{parcels} parcels sent but {total} results came back");
        return new StreamOutcome(parcels, total, errorCount, elapsed);
    }

    /// <summary>Results and errors of a parsed response.</summary>
    public static (int Results, int Errors) Count(BatchEvaluateResponse response)
    {
        var errors = 0;
        foreach (var r in response.Results)
            if (r.OutcomeCase != BatchResult.OutcomeOneofCase.Evaluation) errors++;
        return (response.Results.Count, errors);
    }

    /// <summary>
    /// Results and errors of a serialised BatchEvaluateResponse, skimmed without parsing: field 1
    /// (results) counted, and a result with field 3 (error) counted as an error.
    /// </summary>
    public static (int Results, int Errors) Count(byte[] response)
    {
        var span = response.AsSpan();
        int pos = 0, results = 0, errors = 0;
        while (pos < span.Length)
        {
            var tag = Varint(span, ref pos);
            var length = Skip(span, ref pos, tag);
            if (tag >> 3 != 1 || length < 0) continue;
            results++;
            var item = span.Slice(pos - length, length);
            for (var p = 0; p < item.Length;)
            {
                var t = Varint(item, ref p);
                Skip(item, ref p, t);
                if (t >> 3 == 3) { errors++; break; }
            }
        }
        return (results, errors);
    }

    // Moves past one field's value; the length of a length-delimited one, else -1.
    private static int Skip(ReadOnlySpan<byte> span, ref int pos, ulong tag)
    {
        switch (tag & 7)
        {
            case 0: Varint(span, ref pos); return -1;
            case 1: pos += 8; return -1;
            case 5: pos += 4; return -1;
            case 2:
                var length = (int)Varint(span, ref pos);
                pos += length;
                return length;
            default: throw new InvalidDataException($"wire type {tag & 7} in a BatchEvaluateResponse");
        }
    }

    private static ulong Varint(ReadOnlySpan<byte> span, ref int pos)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = span[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
    }
}
