using System.Threading.Channels;
using Scoring.Storage.Evaluations;

namespace Scoring.Server.Identification;

/// <summary>
/// Group commit for single evaluations: records from concurrent EvaluateParcel calls are written
/// together in one transaction, and each call returns once the transaction holding its record has
/// committed. Under load this turns one write transaction per call into one per group.
/// </summary>
public sealed class HistoryWriter : IAsyncDisposable
{
    // As many as still go ahead of ingest chunks in the writer's queue.
    private const int MaxGroup = Storage.ScoringDatabase.SmallWriteRows;

    private readonly IEvaluationStore _history;
    private readonly ILogger<HistoryWriter> _logger;
    private readonly Channel<(EvaluationRecord Record, TaskCompletionSource Committed)> _queue =
        Channel.CreateUnbounded<(EvaluationRecord, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    public HistoryWriter(IEvaluationStore history, ILogger<HistoryWriter> logger)
    {
        _history = history;
        _logger = logger;
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>Queues a record; the task completes when it is committed.</summary>
    public Task AppendAsync(EvaluationRecord record, CancellationToken cancellationToken)
    {
        var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((record, committed))) throw new ObjectDisposedException(nameof(HistoryWriter));
        return committed.Task.WaitAsync(cancellationToken);
    }

    private async Task WriteAsync()
    {
        var group = new List<(EvaluationRecord Record, TaskCompletionSource Committed)>(MaxGroup);
        while (await _queue.Reader.WaitToReadAsync())
        {
            group.Clear();
            while (group.Count < MaxGroup && _queue.Reader.TryRead(out var item)) group.Add(item);
            try
            {
                await _history.AppendAsync([.. group.Select(g => g.Record)]);
                foreach (var g in group) g.Committed.TrySetResult();
            }
            catch (Exception e)
            {
                // A storage fault is named by its message (and answered to every caller); anything else gets its trace.
                if (e is Storage.StorageFaultException) _logger.LogError("Could not record {Count} evaluations in the history: {Fault}", group.Count, e.Message);
                else _logger.LogError(e, "Could not record {Count} evaluations in the history", group.Count);
                foreach (var g in group) g.Committed.TrySetException(e);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }
}
