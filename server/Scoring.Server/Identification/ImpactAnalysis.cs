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

/// <summary>How many parcels (and how much area) move from one disposition to another.</summary>
/// <param name="From">Under the base model.</param>
/// <param name="To">Under the other model.</param>
/// <param name="Count">Parcels.</param>
/// <param name="AreaMu">Their area in 亩.</param>
public sealed record DispositionShift(Disposition From, Disposition To, int Count, double AreaMu);

/// <summary>A parcel whose classification or disposition differs between two models.</summary>
/// <param name="ParcelId">Cadastral id.</param>
/// <param name="Street">Its street; empty when it has none.</param>
/// <param name="AreaMu">Its area in 亩.</param>
/// <param name="From">Its verdict under the base model.</param>
/// <param name="To">Its verdict under the other model.</param>
public sealed record ParcelChange(string ParcelId, string Street, double AreaMu, ParcelOutcome From, ParcelOutcome To);

/// <summary>A parcel's score, classification and disposition under one model.</summary>
/// <param name="Score">Composite score.</param>
/// <param name="Classification">Classification.</param>
/// <param name="Disposition">Disposition.</param>
public readonly record struct ParcelOutcome(double Score, Classification Classification, Disposition Disposition);

/// <summary>A street's inefficient area (classification inefficient by score or veto) under two models.</summary>
/// <param name="Street">The street; empty for parcels without one.</param>
/// <param name="ParcelCount">Its parcels scored under both models.</param>
/// <param name="FromInefficientAreaMu">Under the base model, 亩.</param>
/// <param name="ToInefficientAreaMu">Under the other model, 亩.</param>
public sealed record StreetInefficientArea(string Street, int ParcelCount, double FromInefficientAreaMu, double ToInefficientAreaMu)
{
    /// <summary>The other model's area less the base model's.</summary>
    public double DeltaAreaMu => ToInefficientAreaMu - FromInefficientAreaMu;
}

/// <summary>Two models side by side over a selection of the cached parcels.</summary>
/// <param name="ParcelCount">Parcels scored under both models.</param>
/// <param name="Skipped">Parcels one of the models cannot read (values outside its ranges), left out.</param>
/// <param name="Classifications">One row per (from, to) pair that occurs, unchanged pairs included, ordered by from, then to.</param>
/// <param name="Dispositions">The same for dispositions.</param>
/// <param name="Changed">One page of the parcels whose classification or disposition differs, in parcel-id order.</param>
/// <param name="ChangedCount">All such parcels.</param>
/// <param name="Streets">Every street of the selection, in ordinal order of the name.</param>
/// <param name="MorePages">Whether changed parcels follow the page.</param>
public sealed record ModelComparison(int ParcelCount, int Skipped, IReadOnlyList<ClassificationShift> Classifications,
    IReadOnlyList<DispositionShift> Dispositions, IReadOnlyList<ParcelChange> Changed, int ChangedCount, IReadOnlyList<StreetInefficientArea> Streets,
    bool MorePages);

/// <summary>
/// What one model does to the parcels in the cache compared with another: the preview of a proposed weight change
/// (<see cref="PreviewAsync"/>), and two stored versions side by side (<see cref="CompareAsync"/>). Nothing is written.
/// </summary>
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
        var classes = new Transitions<Classification>();
        var moves = new List<ParcelShift>();
        var contested = await draws.BatchForAsync(from, cancellationToken);
        var total = 0;
        var (count, _) = await ScoreBothAsync(from, to, ParcelFilter.None, null, (cached, before, after) =>
        {
            classes.Add(before.Card.Classification, after.Card.Classification, after.Vector.AreaMu);
            if (before.Card.Classification.IsInefficient() == after.Card.Classification.IsInefficient()) return;
            total++;
            contested.Add(before.Card);
            if (moves.Count < limit)
                moves.Add(new ParcelShift(cached.ParcelId, before.Card.Classification, after.Card.Classification, before.Card.Score, after.Card.Score));
        }, cancellationToken);
        var shifts = classes.Rows((f, t, n, a) => new ClassificationShift(f, t, n, a));
        return new Impact(count, shifts, moves, total, contested.Assess().Count(r => !r.Stable));
    }

    /// <summary>
    /// Scores the cached parcels of <paramref name="selection"/> (and of <paramref name="parcelIds"/>, when given) with both
    /// models and tabulates how classification and disposition move, each street's inefficient area under each, and the
    /// parcels whose classification or disposition differs: the page of <paramref name="pageSize"/> that follows the
    /// parcel id <paramref name="afterParcelId"/> (null for the first page). Parcels that one of the models cannot read are left out.
    /// </summary>
    public async Task<ModelComparison> CompareAsync(ScoringModel from, ScoringModel to, ParcelFilter selection, IReadOnlySet<string>? parcelIds,
        string? afterParcelId, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        var classes = new Transitions<Classification>();
        var dispositions = new Transitions<Disposition>();
        var streets = new SortedDictionary<string, (int Count, double From, double To)>(StringComparer.Ordinal);
        var rest = new List<ParcelChange>();
        var changed = 0;
        var (count, skipped) = await ScoreBothAsync(from, to, selection, parcelIds, (cached, before, after) =>
        {
            var (b, a, area) = (before.Card, after.Card, after.Vector.AreaMu);
            classes.Add(b.Classification, a.Classification, area);
            dispositions.Add(b.Disposition, a.Disposition, area);
            var street = cached.Attributes.Street ?? "";
            var s = streets.GetValueOrDefault(street);
            streets[street] = (s.Count + 1, s.From + (b.Classification.IsInefficient() ? area : 0), s.To + (a.Classification.IsInefficient() ? area : 0));
            if (b.Classification == a.Classification && b.Disposition == a.Disposition) return;
            changed++;
            // A page is the changed parcels after the last one of the page before, in ordinal id order whatever order
            // the store scans in.
            if (afterParcelId is not null && string.CompareOrdinal(cached.ParcelId, afterParcelId) <= 0) return;
            rest.Add(new ParcelChange(cached.ParcelId, street, area, new(b.Score, b.Classification, b.Disposition), new(a.Score, a.Classification, a.Disposition)));
        }, cancellationToken);
        rest.Sort((x, y) => string.CompareOrdinal(x.ParcelId, y.ParcelId));
        return new ModelComparison(count, skipped, classes.Rows((f, t, n, a) => new ClassificationShift(f, t, n, a)),
            dispositions.Rows((f, t, n, a) => new DispositionShift(f, t, n, a)), rest.Take(pageSize).ToList(), changed,
            [.. streets.Select(s => new StreetInefficientArea(s.Key, s.Value.Count, s.Value.From, s.Value.To))], rest.Count > pageSize);
    }

    // Every cached parcel of the selection, in id order, scored by both models and handed on; parcels one of them cannot
    // read are counted as skipped.
    private async Task<(int Scored, int Skipped)> ScoreBothAsync(ScoringModel from, ScoringModel to, ParcelFilter selection,
        IReadOnlySet<string>? parcelIds, Action<CachedParcel, ModelPass, ModelPass> onScored, CancellationToken cancellationToken)
    {
        var before = new ModelPass(from);
        var after = new ModelPass(to);
        int scored = 0, skipped = 0;
        await foreach (var batch in parcels.StreamAllAsync(filter: selection, parts: ParcelParts.Scoring, cancellationToken: cancellationToken))
        foreach (var cached in batch)
        {
            if (parcelIds is not null && !parcelIds.Contains(cached.ParcelId)) continue;
            if (!before.Score(cached) || !after.Score(cached))
            {
                skipped++;
                continue;
            }
            scored++;
            onScored(cached, before, after);
        }
        return (scored, skipped);
    }

    // Counts and area per (from, to) pair.
    private sealed class Transitions<T> where T : struct, Enum
    {
        private readonly Dictionary<(T From, T To), (int Count, double Area)> _cells = [];

        public void Add(T from, T to, double area)
        {
            var cell = _cells.GetValueOrDefault((from, to));
            _cells[(from, to)] = (cell.Count + 1, cell.Area + area);
        }

        public List<TRow> Rows<TRow>(Func<T, T, int, double, TRow> row) =>
            [.. _cells.OrderBy(c => c.Key.From).ThenBy(c => c.Key.To).Select(c => row(c.Key.From, c.Key.To, c.Value.Count, c.Value.Area))];
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
