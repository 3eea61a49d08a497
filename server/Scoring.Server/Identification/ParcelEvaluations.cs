using System.Runtime.CompilerServices;
using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using Scoring.Engine.Robustness;
using Scoring.Server.Operations;
using Scoring.Storage.Evaluations;
using Scoring.Storage.Parcels;

namespace Scoring.Server.Identification;

/// <summary>
/// The one entrance to the engine for parcels given by a caller, whatever their form (maps, columnar rows,
/// or only an id): each parcel is laid over its cached record (given values win, per indicator, per veto
/// and per attribute), read by the one reader, scored, and recorded in one history shape.
/// </summary>
public sealed class ParcelEvaluations(IParcelStore parcels, IEvaluationStore history, HistoryWriter grouped, TimeProvider time, ScoringMetrics metrics,
    Spatial.SpatialOverlay? spatial = null)
{
    /// <summary>
    /// Opens a session for the parcels of one call or stream. <paramref name="groupCommit"/> commits the
    /// history of single evaluations together with those of concurrent calls; with <paramref name="robustness"/>
    /// (a batch of <paramref name="model"/>'s draws) each chunk's parcels are also assessed under the weight draws, and
    /// the history keeps whether each verdict is contested.
    /// </summary>
    public EvaluationSession Open(ScoringModel model, bool record, bool groupCommit = false, RobustnessBatch? robustness = null) =>
        new(model, record, groupCommit, StaleBefore(model), robustness);

    /// <summary>
    /// Evaluates a chunk: one cache query for the whole chunk, then each parcel in order, told to
    /// <paramref name="sink"/>. When the session records, the chunk's history is committed before this returns,
    /// so what a caller is sent afterwards is recorded.
    /// </summary>
    public async Task EvaluateAsync(EvaluationSession session, IReadOnlyList<ParcelFacts> chunk, IEvaluationSink sink, CancellationToken cancellationToken)
    {
        var cached = await LookUpAsync(chunk, cancellationToken);
        var records = session.Record ? new List<EvaluationRecord>(chunk.Count) : null;
        var now = time.GetUtcNow();
        for (var i = 0; i < chunk.Count; i++)
        {
            var given = chunk[i]; // a columnar row's facts are made on each access
            Evaluate(session, i, given, cached?.GetValueOrDefault(given.ParcelId), sink, records, now);
        }
        await FinishAsync(session, records, sink, cancellationToken);
    }

    /// <summary>
    /// Evaluates every cached parcel matching <paramref name="selection"/>, in parcel-id order, <paramref name="chunkSize"/>
    /// at a time: each chunk is told to <paramref name="sink"/> (indexes from 0 within the chunk) and, when the session
    /// records, committed to the history; then its count is yielded, so the caller can send the chunk's results.
    /// </summary>
    public async IAsyncEnumerable<int> EvaluateStoredAsync(EvaluationSession session, ParcelFilter selection, int chunkSize, IEvaluationSink sink,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var records = session.Record ? new List<EvaluationRecord>(chunkSize) : null;
        await foreach (var batch in parcels.StreamAllAsync(chunkSize, selection, ParcelParts.Scoring, cancellationToken))
        {
            var now = time.GetUtcNow();
            for (var i = 0; i < batch.Count; i++)
                Evaluate(session, i, new ParcelFacts { ParcelId = batch[i].ParcelId }, batch[i], sink, records, now);
            await FinishAsync(session, records, sink, cancellationToken);
            yield return batch.Count;
            records?.Clear();
        }
    }

    // One parcel: laid over its cached record, read, scored, told to the sink and (when recording) kept for the history.
    private void Evaluate(EvaluationSession session, int index, ParcelFacts given, CachedParcel? cached, IEvaluationSink sink,
        List<EvaluationRecord>? records, DateTimeOffset now)
    {
        var violations = session.Violations;
        violations.Clear();
        ParcelText.Check(given, violations); // the unit and street kept with the history
        session.Spatial = null;
        if (!ParcelReader.ReadInto(session.Model, given, cached?.ToFacts(session.Cached), session.Vector, violations) || violations.Count > 0 ||
            !SpatialDerive(session, given, cached, violations))
        {
            sink.Refused(index, given.ParcelId, violations);
            return;
        }
        if (cached is null && !given.CarriesData)
        {
            sink.NotFound(index, given.ParcelId);
            return;
        }
        Evaluator.Score(session.Vector, session.Card);
        session.Classified[(int)session.Card.Classification]++;
        var parcel = new EvaluatedParcel(session, given, cached);
        if (session.Spatial is { } outcome) spatial!.Place(parcel, outcome);
        records?.Add(HistoryRecords.Create(parcel, now));
        session.Robustness?.Add(session.Card);
        sink.Evaluated(index, parcel);
    }

    // The outline laid over the layers in force (flags without an answer derived) before the parcel is scored.
    private bool SpatialDerive(EvaluationSession session, ParcelFacts given, CachedParcel? cached, List<FieldViolation> violations)
    {
        if (spatial is null) return true;
        var outcome = session.SpatialBuffer ??= new Spatial.SpatialOutcome();
        session.Spatial = outcome;
        return spatial.Derive(given, cached, session.Vector, violations, outcome);
    }

    // Counts the chunk's classifications, assesses its robustness (when wanted) and commits its history before the caller answers.
    private async Task FinishAsync(EvaluationSession session, List<EvaluationRecord>? records, IEvaluationSink sink, CancellationToken cancellationToken)
    {
        metrics.Evaluated(session.Classified);
        Array.Clear(session.Classified);
        if (session.Robustness is { Count: > 0 } batch)
        {
            var assessed = batch.Assess();
            batch.Clear();
            // The batch and the records hold the same scored parcels, in the same order.
            if (records is not null)
                for (var j = 0; j < assessed.Length; j++)
                    records[j] = records[j] with { Contested = !assessed[j].Stable, PBelowThreshold = Finite(assessed[j].PBelowThreshold) };
            sink.Assessed(assessed, batch.Draws.Method);
        }
        if (records is not { Count: > 0 }) return;
        if (session.GroupCommit && records.Count == 1) await grouped.AppendAsync(records[0], cancellationToken);
        else await history.AppendAsync([.. records], cancellationToken);
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    /// <summary>Cached values dated before this day are stale under <paramref name="model"/>.</summary>
    public DateOnly StaleBefore(ScoringModel model) =>
        DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(-model.Document.MaxValueAgeDays);

    // One query for the chunk (a one-row probe for a single parcel). Ids the reader will refuse are not looked up.
    private async Task<IReadOnlyDictionary<string, CachedParcel>?> LookUpAsync(IReadOnlyList<ParcelFacts> chunk, CancellationToken cancellationToken)
    {
        var lazy = chunk as IParcelChunk;
        if (chunk.Count == 1)
        {
            var id = lazy?.ParcelIdAt(0) ?? chunk[0].ParcelId;
            if (!IsLookupId(id)) return null;
            var one = await parcels.GetAsync(id, ParcelParts.Scoring, cancellationToken);
            metrics.CacheLookups(one is null ? 0 : 1, one is null ? 1 : 0);
            return one is null ? null : new Dictionary<string, CachedParcel>(1, StringComparer.Ordinal) { [id] = one };
        }
        var ids = new List<string>(chunk.Count);
        for (var i = 0; i < chunk.Count; i++)
        {
            var id = lazy?.ParcelIdAt(i) ?? chunk[i].ParcelId;
            if (IsLookupId(id)) ids.Add(id);
        }
        if (ids.Count == 0) return null;
        var found = await parcels.GetManyAsync(ids, ParcelParts.Scoring, cancellationToken);
        metrics.CacheLookups(found.Count, ids.Count - found.Count);
        return found.Count == 0 ? null : found;
    }

    private static bool IsLookupId(string id) => id.Length is > 0 and <= ParcelReader.MaxParcelIdLength;
}
