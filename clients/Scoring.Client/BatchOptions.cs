using Scoring.V1;

namespace Scoring.Client;

/// <summary>How <see cref="ScoringClient.EvaluateManyAsync(IAsyncEnumerable{ParcelInput}, BatchOptions?, CancellationToken)"/> streams a batch.</summary>
public sealed record BatchOptions
{
    /// <summary>The most parcels the server accepts in one chunk.</summary>
    public const int MaxChunkSize = 10_000;

    /// <summary>Parcels per chunk sent to BatchEvaluate (default 1000, at most <see cref="MaxChunkSize"/>).</summary>
    public int ChunkSize { get; init; } = 1000;

    /// <summary>Chunks sent but not yet answered before sending waits (default 4): bounds memory on both sides.</summary>
    public int MaxChunksInFlight { get; init; } = 4;

    /// <summary>Model version for the whole batch; empty or null = the model active when the stream opens.</summary>
    public string? ModelVersion { get; init; }

    /// <summary>How much each evaluation carries (default: the server's, basic for batches).</summary>
    public EvaluationView View { get; init; } = EvaluationView.Unspecified;

    /// <summary>Whether the server writes the evaluations to each parcel's history.</summary>
    public bool RecordHistory { get; init; }

    internal void Validate()
    {
        if (ChunkSize is < 1 or > MaxChunkSize)
            throw new ArgumentOutOfRangeException(nameof(ChunkSize), ChunkSize, $"ChunkSize must be between 1 and {MaxChunkSize}");
        if (MaxChunksInFlight < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxChunksInFlight), MaxChunksInFlight, "MaxChunksInFlight must be at least 1");
    }
}
