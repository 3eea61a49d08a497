using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Grpc.Core;
using Scoring.V1;

namespace Scoring.Client;

/// <summary>
/// One run of EvaluateManyAsync: a producer that chunks the input (in map or, with
/// <see cref="BatchOptions.Columnar"/>, columnar form laid out by the model's definitions, fetched once
/// before the first chunk) and waits while <see cref="BatchOptions.MaxChunksInFlight"/> chunks are
/// unanswered; a writer per BatchEvaluate stream that sends the chunks; and a receiver (the caller's
/// enumeration) that puts each answer in input order, checks it against the chunk it answers and frees its slot.
/// When the connection is lost mid-run (the replica died, the proxy dropped the stream), the receiver opens a new
/// stream, which re-sends the unanswered chunks first, under the same model version (see
/// <see cref="BatchOptions.MaxStreamResumes"/>); every parcel is still answered once, in input order.
/// </summary>
internal sealed class BatchEvaluation(ScoringClient client, IAsyncEnumerable<ParcelInput> parcels, BatchOptions options)
{
    // Chunks made and not yet answered, oldest first; the server answers them in order.
    private readonly ConcurrentQueue<SentChunk> _unanswered = new();
    // Chunks made and not yet written to the current stream (a new stream skips those it re-sent).
    private readonly Channel<SentChunk> _ready = Channel.CreateUnbounded<SentChunk>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    // Used by the producer only; made from the model's definitions when the first columnar chunk is made.
    private ColumnarChunkEncoder? _encoder;
    private readonly SemaphoreSlim _window = new(options.MaxChunksInFlight, options.MaxChunksInFlight);
    // Why the producer stopped early, other than cancellation: the input threw, or the model could not be read.
    private volatile Exception? _producerFailure;
    // Why the current stream's writer stopped early, other than cancellation.
    private volatile Exception? _writerFailure;
    // The model version the run is evaluated under, once known: a re-opened stream names it, so that an activation
    // in between does not change the model in mid-run.
    private volatile string? _modelVersion = string.IsNullOrEmpty(options.ModelVersion) ? null : options.ModelVersion;

    public async IAsyncEnumerable<BatchResult> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producing = ProduceAsync(stop);
        var completed = false;
        try
        {
            for (var resumes = 0; ; resumes++)
            {
                using var stream = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                using var call = client.Scoring.BatchEvaluate(cancellationToken: stream.Token);
                _writerFailure = null;
                var writing = WriteAsync(call.RequestStream, resend: resumes > 0, stream);
                // A chunk's results may come in several responses (each but the last marked chunk_continues).
                var gathered = new List<BatchResult>();
                Received received;
                while ((received = await ReceiveAsync(call.ResponseStream, cancellationToken, stream.Token, resumes).ConfigureAwait(false)) == Received.Response)
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
                // This stream is over: ended by the server, or interrupted (then its partial answer is dropped and
                // its unanswered chunks go again on the next stream).
                await stream.CancelAsync().ConfigureAwait(false);
                await writing.ConfigureAwait(false);
                if (received == Received.Interrupted)
                {
                    await Task.Delay(ResumeDelay(resumes), cancellationToken).ConfigureAwait(false);
                    continue;
                }
                break;
            }
            await producing.ConfigureAwait(false);
            if (_producerFailure is { } failure) ExceptionDispatchInfo.Throw(failure);
            if (!_unanswered.IsEmpty)
                throw new InvalidOperationException($"the server ended the batch with {_unanswered.Count} chunk(s) unanswered");
            completed = true;
        }
        finally
        {
            if (!completed)
            {
                // The caller stopped early, cancelled, or something failed: end the call and the producer.
                await stop.CancelAsync().ConfigureAwait(false);
                await producing.ConfigureAwait(false);
            }
        }
    }

    private enum Received { Response, End, Interrupted }

    // The wait before re-opening a stream: 100 ms, doubling per resume, at most 2 s.
    private static TimeSpan ResumeDelay(int resumes) => TimeSpan.FromMilliseconds(Math.Min(2000, 100 << Math.Min(resumes, 5)));

    // Whether a failed stream may be re-opened: the connection or the replica behind it went away. Reading tells it as a
    // status; writing may tell it as the transport's own error (the proxy reset the stream, the connection closed).
    private static bool Resumable(Exception e) => e switch
    {
        RpcException rpc => rpc.StatusCode is StatusCode.Unavailable or StatusCode.Internal,
        HttpProtocolException or HttpRequestException or IOException => true,
        _ => e.InnerException is { } inner && Resumable(inner),
    };

    private async Task<Received> ReceiveAsync(IAsyncStreamReader<BatchEvaluateResponse> responses, CancellationToken caller,
        CancellationToken stream, int resumes)
    {
        var mayResume = resumes < options.MaxStreamResumes;
        try
        {
            return await responses.MoveNext(stream).ConfigureAwait(false) ? Received.Response : Received.End;
        }
        catch (Exception e) when (e is OperationCanceledException || e is RpcException { StatusCode: StatusCode.Cancelled })
        {
            if (caller.IsCancellationRequested) throw new OperationCanceledException("the batch was cancelled", e, caller);
            if (_producerFailure is { } failure) ExceptionDispatchInfo.Throw(failure);
            if (_writerFailure is { } lost && Resumable(lost) && mayResume && _producerFailure is null) return Received.Interrupted;
            // A connection lost while writing is told as reading would have told it.
            if (_writerFailure is { } writerFailure and not RpcException && Resumable(writerFailure))
                throw new RpcException(new Status(StatusCode.Unavailable, "the connection to the server was lost: " + writerFailure.Message, writerFailure));
            if (_writerFailure is { } failed) ExceptionDispatchInfo.Throw(failed);
            throw;
        }
        catch (RpcException e) when (Resumable(e) && mayResume && !caller.IsCancellationRequested && _producerFailure is null)
        {
            return Received.Interrupted;
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
            if (_modelVersion is null && results[i].Evaluation is { ModelVersion.Length: > 0 } evaluation) _modelVersion = evaluation.ModelVersion;
        }
        return results;
    }

    // Chunks the input into _unanswered and _ready, for the whole run. Never throws: a failure is kept for the
    // receiver, and the run is stopped so the receiver wakes.
    private async Task ProduceAsync(CancellationTokenSource stop)
    {
        var token = stop.Token;
        long sequence = 0;
        try
        {
            var chunk = new List<ParcelInput>(Math.Min(options.ChunkSize, 1024));
            await foreach (var parcel in parcels.WithCancellation(token).ConfigureAwait(false))
            {
                if (parcel is null) throw new ArgumentException("the parcels contain null", nameof(parcels));
                chunk.Add(parcel);
                if (chunk.Count < options.ChunkSize) continue;
                await MakeChunkAsync(chunk, sequence++, token).ConfigureAwait(false);
                chunk = new List<ParcelInput>(chunk.Count);
            }
            if (chunk.Count > 0) await MakeChunkAsync(chunk, sequence, token).ConfigureAwait(false);
            _ready.Writer.TryComplete();
        }
        catch (Exception) when (token.IsCancellationRequested)
        {
            // Stopped by the caller or the receiver; nothing to report.
            _ready.Writer.TryComplete();
        }
        catch (Exception e)
        {
            _producerFailure = e;
            _ready.Writer.TryComplete();
            await stop.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task MakeChunkAsync(List<ParcelInput> parcelsOfChunk, long sequence, CancellationToken token)
    {
        var request = new BatchEvaluateRequest();
        int[]? answerOrder = null;
        if (options.Columnar)
        {
            // The run keeps the model whose codes lay out every chunk's rows.
            _encoder ??= new ColumnarChunkEncoder(await client.GetModelAsync(options.ModelVersion, token).ConfigureAwait(false));
            _modelVersion = _encoder.ModelVersion;
            answerOrder = _encoder.Encode(parcelsOfChunk, request);
        }
        else
        {
            request.Parcels.AddRange(parcelsOfChunk);
        }
        await _window.WaitAsync(token).ConfigureAwait(false);
        var made = new SentChunk(sequence, parcelsOfChunk, answerOrder, request);
        _unanswered.Enqueue(made);
        _ready.Writer.TryWrite(made);
    }

    // Writes one stream's chunks: after an interruption first the chunks still unanswered, then those the producer
    // makes. The first chunk of a stream names the model version, view and history setting. Never throws: a failure
    // is kept for the receiver, and the stream is cancelled so the receiver wakes.
    private async Task WriteAsync(IClientStreamWriter<BatchEvaluateRequest> requests, bool resend, CancellationTokenSource stream)
    {
        var token = stream.Token;
        try
        {
            var first = true;
            var resent = -1L;
            if (resend)
            {
                foreach (var chunk in _unanswered.ToArray())
                {
                    await requests.WriteAsync(Opening(chunk.Request, ref first), token).ConfigureAwait(false);
                    resent = chunk.Sequence;
                }
            }
            await foreach (var chunk in _ready.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                if (chunk.Sequence <= resent) continue;
                await requests.WriteAsync(Opening(chunk.Request, ref first), token).ConfigureAwait(false);
            }
            if (_producerFailure is null) await requests.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception) when (token.IsCancellationRequested)
        {
            // Stopped by the receiver; nothing to report.
        }
        catch (Exception e)
        {
            _writerFailure = e;
            await stream.CancelAsync().ConfigureAwait(false);
        }
    }

    // The stream's first chunk carries its settings (the server reads them from the first chunk only); a shallow copy,
    // so that a chunk re-sent later on another stream goes out as made.
    private BatchEvaluateRequest Opening(BatchEvaluateRequest chunk, ref bool first)
    {
        if (!first) return chunk;
        first = false;
        var opening = new BatchEvaluateRequest
        {
            ModelVersion = _modelVersion ?? "", View = options.View, RecordHistory = options.RecordHistory, Columns = chunk.Columns,
        };
        opening.Parcels.AddRange(chunk.Parcels);
        return opening;
    }

    /// <summary>
    /// A chunk made: its place in the run, its parcels in input order, when the server answers them in another order
    /// (a columnar chunk with some parcels left in map form) the input index of each answer, and the message sent.
    /// </summary>
    private sealed record SentChunk(long Sequence, IReadOnlyList<ParcelInput> Parcels, int[]? AnswerOrder, BatchEvaluateRequest Request);
}
