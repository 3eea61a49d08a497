namespace Scoring.Storage;

/// <summary>How much a write holds the single writer, for its place in the <see cref="WriteQueue"/>.</summary>
internal enum WriteSize
{
    /// <summary>An ingest chunk or a recorded batch: may hold the writer for tens of milliseconds.</summary>
    Large,

    /// <summary>A few rows (a group of recorded single evaluations, a model activation, a health probe).</summary>
    Small,
}

/// <summary>
/// The turn order of one database file's single writer: a lock with two queues. Small writes waiting when a turn
/// ends all go before the next large write, so a recorded evaluation waits for at most the one large write already
/// running; large writes take every other turn, so a steady flow of small writes never starves ingest either.
/// First come, first served within each size. One writer at a time, so SQLITE_BUSY cannot arise in this process.
/// </summary>
internal sealed class WriteQueue
{
    private readonly object _gate = new();
    private readonly LinkedList<TaskCompletionSource> _small = new();
    private readonly LinkedList<TaskCompletionSource> _large = new();
    private bool _held;
    // Whether the last turn was a large write's, and how many small writes the current small turn still lets in
    // (those waiting when it began; later ones wait for the large write queued before them).
    private bool _lastLarge;
    private int _smallTurn;

    /// <summary>Writes waiting for their turn (not counting the one that holds the writer).</summary>
    public int Waiting
    {
        get
        {
            lock (_gate) return _small.Count + _large.Count;
        }
    }

    /// <summary>Waits for the writer's turn; the caller must <see cref="Release"/> it.</summary>
    public Task EnterAsync(WriteSize size, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        LinkedListNode<TaskCompletionSource> node;
        lock (_gate)
        {
            if (!_held)
            {
                _held = true;
                _lastLarge = size == WriteSize.Large;
                _smallTurn = 0;
                return Task.CompletedTask;
            }
            node = (size == WriteSize.Small ? _small : _large).AddLast(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
        if (cancellationToken.CanBeCanceled)
        {
            // A cancelled waiter leaves the queue; one already given the turn keeps it (and releases it as usual).
            var registration = cancellationToken.Register(() =>
            {
                lock (_gate)
                {
                    if (node.List is null) return;
                    node.List.Remove(node);
                }
                node.Value.TrySetCanceled(cancellationToken);
            });
            node.Value.Task.ContinueWith(static (_, r) => ((CancellationTokenRegistration)r!).Dispose(), registration,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        return node.Value.Task;
    }

    /// <summary>Waits (blocking) for the writer's turn, as a small write.</summary>
    public void Enter() => EnterAsync(WriteSize.Small, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Takes the writer only if it is free and nobody waits; true when taken.</summary>
    public bool TryEnter()
    {
        lock (_gate)
        {
            if (_held) return false;
            _held = true;
            return true;
        }
    }

    /// <summary>Ends the current turn and hands the writer to the next write, if any.</summary>
    public void Release()
    {
        TaskCompletionSource next;
        lock (_gate)
        {
            if (!_held) throw new InvalidOperationException("The writer is not held.");
            _smallTurn = Math.Min(_smallTurn, _small.Count);
            LinkedList<TaskCompletionSource> from;
            if (_small.Count > 0 && (_smallTurn > 0 || _lastLarge || _large.Count == 0))
            {
                // A new small turn lets in every small write waiting now.
                if (_smallTurn == 0) _smallTurn = _small.Count;
                _smallTurn--;
                _lastLarge = false;
                from = _small;
            }
            else if (_large.Count > 0)
            {
                _lastLarge = true;
                from = _large;
            }
            else
            {
                _held = false;
                return;
            }
            next = from.First!.Value;
            from.RemoveFirst();
        }
        // Outside the lock: the waiter's continuation runs asynchronously anyway. Removed from its queue under the
        // lock, so a cancellation arriving now no longer touches it and this always succeeds.
        next.TrySetResult();
    }
}
