using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using Scoring.Server.Parcels;
using Scoring.Storage.Parcels;
using Scoring.V1;

namespace Scoring.Server.Models;

/// <summary>What a new model would do to the parcels in the cache, compared with the base model.</summary>
internal sealed class ImpactAnalysis(ParcelStore parcels)
{
    /// <summary>Default cap on the moved parcels listed.</summary>
    public const int DefaultMoveLimit = 100;

    /// <summary>Evaluates every cached parcel with both models and tabulates how the classification moves.</summary>
    public async Task<ImpactPreview> PreviewAsync(ScoringModel from, ScoringModel to, int moveLimit, CancellationToken cancellationToken)
    {
        var limit = moveLimit > 0 ? moveLimit : DefaultMoveLimit;
        var cells = new Dictionary<(Engine.Evaluation.Classification, Engine.Evaluation.Classification), (int Count, double Area)>();
        var preview = new ImpactPreview();
        var empty = new ParcelInput();
        await foreach (var cached in parcels.StreamAllAsync(cancellationToken: cancellationToken))
        {
            empty.ParcelId = cached.ParcelId;
            var before = Evaluate(from, PreparedParcel.Merge(from, empty, cached));
            var after = Evaluate(to, PreparedParcel.Merge(to, empty, cached));
            if (before is null || after is null) continue; // cached data the model cannot read (e.g. out of its ranges)
            preview.ParcelCount++;
            var key = (before.Classification, after.Classification);
            var cell = cells.GetValueOrDefault(key);
            cells[key] = (cell.Count + 1, cell.Area + after.AreaMu);
            if (IsInefficient(before.Classification) == IsInefficient(after.Classification)) continue;
            preview.TotalMoves++;
            if (preview.Moves.Count < limit)
                preview.Moves.Add(new ParcelMove
                {
                    ParcelId = cached.ParcelId,
                    From = (V1.Classification)(int)before.Classification,
                    To = (V1.Classification)(int)after.Classification,
                    FromScore = before.Score,
                    ToScore = after.Score,
                });
        }
        foreach (var ((f, t), (count, area)) in cells.OrderBy(c => c.Key.Item1).ThenBy(c => c.Key.Item2))
            preview.Transitions.Add(new ClassificationTransition { From = (V1.Classification)(int)f, To = (V1.Classification)(int)t, Count = count, AreaMu = area });
        return preview;
    }

    /// <summary>The classes the paper counts as inefficient: a failed veto or a score below the line.</summary>
    public static bool IsInefficient(Engine.Evaluation.Classification c) =>
        c is Engine.Evaluation.Classification.InefficientScore or Engine.Evaluation.Classification.InefficientVeto;

    private static EvaluationResult? Evaluate(ScoringModel model, PreparedParcel parcel) =>
        ParcelAssessor.Assess(model, parcel.Facts, "").Result;
}
