using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using Scoring.Storage.Parcels;

namespace Scoring.Server.Identification;

/// <summary>How many parcels (and how much area) move from one classification to another.</summary>
/// <param name="From">Under the base model.</param>
/// <param name="To">Under the new model.</param>
/// <param name="Count">Parcels.</param>
/// <param name="AreaMu">Their area in 亩.</param>
public sealed record ClassificationShift(Classification From, Classification To, int Count, double AreaMu);

/// <summary>One parcel that moves into or out of the inefficient classes.</summary>
/// <param name="ParcelId">Cadastral id.</param>
/// <param name="From">Classification under the base model.</param>
/// <param name="To">Classification under the new model.</param>
/// <param name="FromScore">Score under the base model.</param>
/// <param name="ToScore">Score under the new model.</param>
public sealed record ParcelShift(string ParcelId, Classification From, Classification To, double FromScore, double ToScore);

/// <summary>What a new model would do to the cached parcels.</summary>
/// <param name="ParcelCount">Parcels evaluated under both models.</param>
/// <param name="Shifts">One row per (from, to) pair that occurs, ordered by from, then to.</param>
/// <param name="Moves">Parcels moving into or out of the inefficient classes, in cache order, capped.</param>
/// <param name="TotalMoves">All such parcels, before the cap.</param>
/// <param name="MovesAlreadyContested">Of those, the parcels whose verdict under the base model was already contested
/// (not stable under the uncertainty of its weights).</param>
public sealed record Impact(int ParcelCount, IReadOnlyList<ClassificationShift> Shifts, IReadOnlyList<ParcelShift> Moves, int TotalMoves,
    int MovesAlreadyContested);

/// <summary>What a new model would do to the parcels in the cache, compared with the base model.</summary>
public sealed class ImpactAnalysis(IParcelStore parcels, WeightDrawSource draws)
{
    /// <summary>Default cap on the moved parcels listed.</summary>
    public const int DefaultMoveLimit = 100;

    /// <summary>
    /// Scores every cached parcel with both models and tabulates how the classification moves, and how many of the moved
    /// parcels had a contested verdict under the base model already. Parcels that
    /// one of the models cannot read (values outside its ranges) are left out.
    /// </summary>
    public async Task<Impact> PreviewAsync(ScoringModel from, ScoringModel to, int moveLimit, CancellationToken cancellationToken)
    {
        var limit = moveLimit > 0 ? moveLimit : DefaultMoveLimit;
        var before = new ModelPass(from);
        var after = new ModelPass(to);
        var cells = new Dictionary<(Classification, Classification), (int Count, double Area)>();
        var moves = new List<ParcelShift>();
        var contested = await draws.BatchForAsync(from, cancellationToken);
        int count = 0, total = 0;
        await foreach (var batch in parcels.StreamAllAsync(parts: ParcelParts.Scoring, cancellationToken: cancellationToken))
        foreach (var cached in batch)
        {
            if (!before.Score(cached) || !after.Score(cached)) continue;
            count++;
            var key = (before.Card.Classification, after.Card.Classification);
            var cell = cells.GetValueOrDefault(key);
            cells[key] = (cell.Count + 1, cell.Area + after.Vector.AreaMu);
            if (before.Card.Classification.IsInefficient() == after.Card.Classification.IsInefficient()) continue;
            total++;
            contested.Add(before.Card);
            if (moves.Count < limit)
                moves.Add(new ParcelShift(cached.ParcelId, before.Card.Classification, after.Card.Classification, before.Card.Score, after.Card.Score));
        }
        var shifts = cells.OrderBy(c => c.Key.Item1).ThenBy(c => c.Key.Item2)
            .Select(c => new ClassificationShift(c.Key.Item1, c.Key.Item2, c.Value.Count, c.Value.Area)).ToList();
        return new Impact(count, shifts, moves, total, contested.Assess().Count(r => !r.Stable));
    }

    // One model's reused buffers.
    private sealed class ModelPass(ScoringModel model)
    {
        private readonly List<FieldViolation> _violations = [];
        public ParcelVector Vector { get; } = new(model, "");
        public Scorecard Card { get; } = new(model);
        private readonly CachedLayout _layout = new(model);

        public bool Score(CachedParcel cached)
        {
            _violations.Clear();
            if (!ParcelReader.ReadInto(model, cached.ToFacts(_layout), Vector, _violations)) return false;
            Evaluator.Score(Vector, Card);
            return true;
        }
    }
}
