using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Grpc.Core;
using Scoring.V1;

namespace Scoring.Client;

/// <summary>
/// One BatchEvaluate stream: a sender that chunks the input (in map or, with
/// <see cref="BatchOptions.Columnar"/>, columnar form laid out by the model's definitions, fetched once
/// before the first chunk) and waits while <see cref="BatchOptions.MaxChunksInFlight"/> chunks are
/// unanswered, and a receiver (the caller's enumeration) that puts each answer in input order, checks it
/// against the chunk it answers and frees its slot.
/// </summary>
internal sealed class BatchEvaluation(ScoringClient client, IAsyncEnumerable<ParcelInput> parcels, BatchOptions options)
{
    // Chunks sent and not yet answered, oldest first; the server answers them in order.
    private readonly ConcurrentQueue<SentChunk> _unanswered = new();
    // Used by the sender only; made from the model's definitions when the first columnar chunk goes.
    private ColumnarChunkEncoder? _encoder;
    private readonly SemaphoreSlim _window = new(options.MaxChunksInFlight, options.MaxChunksInFlight);
    // Why the sender stopped early, other than cancellation: the input threw, or a write failed.
    private volatile Exception? _senderFailure;

    public async IAsyncEnumerable<BatchResult> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var call = client.Scoring.BatchEvaluate(cancellationToken: stop.Token);
        var sending = SendAsync(call.RequestStream, stop);
        var completed = false;
        try
        {
            // A chunk's results may come in several responses (each but the last marked chunk_continues).
            var gathered = new List<BatchResult>();
            while (await ReceiveAsync(call.ResponseStream, cancellationToken, stop.Token).ConfigureAwait(false))
            {
                var response = call.ResponseStream.Current;
                gathered.AddRange(response.Results);
                if (response.ChunkContinues) continue;
                var results = InInputOrder(gathered, response.ChunkError);
                gathered = [];
                _window.Release();
                for (var i = 0; i < results.Count; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    yield return results[i];
                }
            }
            await sending.ConfigureAwait(false);
            if (_senderFailure is { } failure) ExceptionDispatchInfo.Throw(failure);
            if (!_unanswered.IsEmpty)
                throw new InvalidOperationException($"the server ended the batch with {_unanswered.Count} chunk(s) unanswered");
            completed = true;
        }
        finally
        {
            if (!completed)
            {
                // The caller stopped early, cancelled, or something failed: end the call and the sender.
                await stop.CancelAsync().ConfigureAwait(false);
                await sending.ConfigureAwait(false);
            }
        }
    }

    private async Task<bool> ReceiveAsync(IAsyncStreamReader<BatchEvaluateResponse> responses, CancellationToken caller, CancellationToken stop)
    {
        try
        {
            return await responses.MoveNext(stop).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException || e is RpcException { StatusCode: StatusCode.Cancelled })
        {
            if (caller.IsCancellationRequested) throw new OperationCanceledException("the batch was cancelled", e, caller);
            if (_senderFailure is { } failure) ExceptionDispatchInfo.Throw(failure);
            throw;
        }
    }

    // The answer's results in the order of the chunk's input, checked against the parcels sent. A chunk refused as a
    // whole gives each of its parcels that refusal.
    private IReadOnlyList<BatchResult> InInputOrder(List<BatchResult> answered, Google.Rpc.Status? chunkError)
    {
        if (!_unanswered.TryDequeue(out var chunk))
            throw new InvalidOperationException("the server answered more chunks than were sent");
        var sent = chunk.Parcels;
        if (chunkError is not null && answered.Count == 0)
            return [.. sent.Select(p => new BatchResult { ParcelId = p.ParcelId, Error = chunkError })];
        IReadOnlyList<BatchResult> results = answered;
        if (results.Count != sent.Count)
            throw new InvalidOperationException($"the server answered a chunk of {sent.Count} parcels with {results.Count} results");
        if (chunk.AnswerOrder is { } order)
        {
            var reordered = new BatchResult[order.Length];
            for (var i = 0; i < order.Length; i++) reordered[order[i]] = results[i];
            results = reordered;
        }
        for (var i = 0; i < results.Count; i++)
        {
            if (!string.Equals(results[i].ParcelId, sent[i].ParcelId, StringComparison.Ordinal))
                throw new InvalidOperationException(
                    $"result {i} of a chunk is for parcel '{results[i].ParcelId}', but parcel '{sent[i].ParcelId}' was sent there");
        }
        return results;
    }

    // Never throws: a failure is kept for the receiver, and the call is cancelled so the receiver wakes.
    private async Task SendAsync(IClientStreamWriter<BatchEvaluateRequest> requests, CancellationTokenSource stop)
    {
        var token = stop.Token;
        try
        {
            var chunk = FirstChunk();
            await foreach (var parcel in parcels.WithCancellation(token).ConfigureAwait(false))
            {
                if (parcel is null) throw new ArgumentException("the parcels contain null", nameof(parcels));
                chunk.Parcels.Add(parcel);
                if (chunk.Parcels.Count < options.ChunkSize) continue;
                await SendChunkAsync(requests, chunk, token).ConfigureAwait(false);
                chunk = new BatchEvaluateRequest();
            }
            if (chunk.Parcels.Count > 0) await SendChunkAsync(requests, chunk, token).ConfigureAwait(false);
            await requests.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception) when (token.IsCancellationRequested)
        {
            // Stopped by the caller or the receiver; nothing to report.
        }
        catch (Exception e)
        {
            _senderFailure = e;
            await stop.CancelAsync().ConfigureAwait(false);
        }
    }

    private BatchEvaluateRequest FirstChunk() => new()
    {
        // Read from the first chunk only, and fixed for the whole stream.
        ModelVersion = options.ModelVersion ?? "",
        View = options.View,
        RecordHistory = options.RecordHistory,
    };

    private async Task SendChunkAsync(IClientStreamWriter<BatchEvaluateRequest> requests, BatchEvaluateRequest chunk, CancellationToken token)
    {
        var sent = new SentChunk(chunk.Parcels, null);
        if (options.Columnar)
        {
            // The first chunk names the stream's model: the version whose codes lay out every chunk's rows.
            var first = _encoder is null;
            _encoder ??= new ColumnarChunkEncoder(await client.GetModelAsync(options.ModelVersion, token).ConfigureAwait(false));
            // The parcels were gathered in the chunk's map form; send them as columns instead.
            var columnar = new BatchEvaluateRequest
            {
                ModelVersion = first ? _encoder.ModelVersion : "", View = chunk.View, RecordHistory = chunk.RecordHistory,
            };
            sent = sent with { AnswerOrder = _encoder.Encode(chunk.Parcels, columnar) };
            chunk = columnar;
        }
        await _window.WaitAsync(token).ConfigureAwait(false);
        _unanswered.Enqueue(sent);
        await requests.WriteAsync(chunk, token).ConfigureAwait(false);
    }

    /// <summary>
    /// A chunk sent: its parcels in input order and, when the server answers them in another order
    /// (a columnar chunk with some parcels left in map form), the input index of each answer.
    /// </summary>
    private sealed record SentChunk(IReadOnlyList<ParcelInput> Parcels, int[]? AnswerOrder);
}
