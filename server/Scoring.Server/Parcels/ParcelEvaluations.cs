using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using Scoring.Storage.Evaluations;
using Scoring.Storage.Parcels;
using Scoring.V1;

namespace Scoring.Server.Parcels;

/// <summary>Fills parcels from the indicator cache before evaluation and records evaluations in the history.</summary>
internal sealed class ParcelEvaluations(ParcelStore parcels, EvaluationStore history, HistoryWriter single, TimeProvider time,
    Operations.ScoringMetrics metrics)
{
    /// <summary>One parcel, merged with its cached record when the cache holds it.</summary>
    public async Task<PreparedParcel> PrepareAsync(ScoringModel model, ParcelInput parcel, CancellationToken cancellationToken)
    {
        var cached = IsLookupId(parcel.ParcelId) ? await parcels.GetAsync(parcel.ParcelId, cancellationToken) : null;
        metrics.CacheLookups(cached is null ? 0 : 1, cached is null ? 1 : 0);
        return PreparedParcel.Merge(model, parcel, cached);
    }

    /// <summary>A chunk of parcels, merged with their cached records; one cache query for the whole chunk.</summary>
    public async Task<PreparedParcel[]> PrepareManyAsync(ScoringModel model, IReadOnlyList<ParcelInput> chunk, CancellationToken cancellationToken)
    {
        var ids = new List<string>(chunk.Count);
        foreach (var p in chunk)
            if (IsLookupId(p.ParcelId)) ids.Add(p.ParcelId);
        var cached = await parcels.GetManyAsync(ids, cancellationToken);
        metrics.CacheLookups(cached.Count, ids.Count - cached.Count);
        var prepared = new PreparedParcel[chunk.Count];
        for (var i = 0; i < chunk.Count; i++)
            prepared[i] = PreparedParcel.Merge(model, chunk[i], cached.GetValueOrDefault(chunk[i].ParcelId));
        return prepared;
    }

    /// <summary>Cached values dated before this day are stale under <paramref name="model"/>.</summary>
    public DateOnly StaleBefore(ScoringModel model) =>
        DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(-model.Document.MaxValueAgeDays);

    /// <summary>Appends one evaluation to the history, committed together with concurrent ones.</summary>
    public Task RecordAsync(PreparedParcel parcel, Verdict result, CancellationToken cancellationToken) =>
        single.AppendAsync(parcel.ToRecord(result, time.GetUtcNow()), cancellationToken);

    /// <summary>Appends evaluations to the history in one transaction.</summary>
    public Task RecordAsync(IEnumerable<(PreparedParcel Parcel, Verdict Result)> evaluations, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return history.AppendAsync([.. evaluations.Select(e => e.Parcel.ToRecord(e.Result, now))], cancellationToken);
    }

    /// <summary>Appends ready-made history records in one transaction.</summary>
    public Task AppendAsync(IReadOnlyList<Storage.Evaluations.EvaluationRecord> records, CancellationToken cancellationToken) =>
        history.AppendAsync(records, cancellationToken);

    /// <summary>The service's clock.</summary>
    public DateTimeOffset Now => time.GetUtcNow();

    // Ids that fail validation are reported by the parcel reader; they are not looked up.
    private static bool IsLookupId(string id) => id.Length is > 0 and <= ParcelReader.MaxParcelIdLength;
}
