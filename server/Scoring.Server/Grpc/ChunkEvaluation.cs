using Google.Protobuf.Collections;
using Scoring.Engine.Evaluation;
using Scoring.Server.Identification;
using Scoring.V1;

namespace Scoring.Server.Grpc;

/// <summary>
/// One chunk of parcels (map-form parcels, then columnar rows) evaluated into its <see cref="ChunkResults"/>: what
/// BatchEvaluate does for each chunk of its stream and EvaluateParcels for its one chunk.
/// </summary>
internal static class ChunkEvaluation
{
    /// <summary>The most parcels one chunk may carry (a BatchEvaluate chunk, an EvaluateParcels request).</summary>
    public const int MaxChunkParcels = 10_000;

    /// <summary>Parcels in a chunk: its map-form parcels and its columnar rows.</summary>
    public static int Size(RepeatedField<ParcelInput> parcels, ParcelColumns? columns) => parcels.Count + (columns?.Rows.Count ?? 0);

    /// <summary>The violation (naming <c>parcels</c>) of a chunk over <see cref="MaxChunkParcels"/>, or null; <paramref name="what"/> says which chunk.</summary>
    public static FieldViolation? OverLimit(int size, string what) => size > MaxChunkParcels
        ? new FieldViolation("parcels", $"{what} carries {size} parcels; at most {MaxChunkParcels} are allowed per chunk")
        : null;

    /// <summary>Evaluates the chunk in <paramref name="session"/>; <paramref name="results"/> then holds its answer, in order.</summary>
    public static async Task EvaluateAsync(ParcelEvaluations evaluations, EvaluationSession session, RepeatedField<ParcelInput> parcels,
        ParcelColumns? columns, ChunkResults results, ChunkBuffers buffers, CancellationToken token)
    {
        using (var facts = new ChunkFacts(parcels, columns, session.Model, buffers))
        {
            results.Start(parcels.Count);
            await evaluations.EvaluateAsync(session, facts, results, token);
        }
    }
}
