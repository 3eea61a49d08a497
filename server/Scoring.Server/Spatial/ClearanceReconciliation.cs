using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using Scoring.Engine.Spatial;
using Scoring.Server.Identification;
using Scoring.Storage.Parcels;

namespace Scoring.Server.Spatial;

/// <summary>One street's annual clearance task.</summary>
/// <param name="Street">The street as parcels carry it.</param>
/// <param name="QuotaMu">Area to clear this year, 亩.</param>
/// <param name="ClearedParcelIds">Parcels of the street already cleared this year.</param>
public sealed record StreetQuota(string Street, double QuotaMu, IReadOnlyList<string> ClearedParcelIds);

/// <summary>One street's reconciliation (every figure in 亩).</summary>
/// <param name="Street">The street.</param>
/// <param name="QuotaMu">Its quota.</param>
/// <param name="MustMu">Area of its parcels in the must tier.</param>
/// <param name="EncouragedMu">In the encouraged tier.</param>
/// <param name="ConsideredMu">In the may-be-considered tier.</param>
/// <param name="ClearedMu">Area of its parcels already cleared.</param>
/// <param name="ShortfallMu">max(0, quota − cleared).</param>
/// <param name="SurplusMu">max(0, cleared − quota).</param>
/// <param name="RemainingZoneMu">Tier area not yet cleared.</param>
/// <param name="SupplementaryNeededMu">max(0, shortfall − remaining): land to find outside the zones.</param>
/// <param name="CompensationMu">拆一补一: the surplus, owed back one for one as land quota.</param>
/// <param name="ZoneParcelCount">Parcels of the street in a tier.</param>
public sealed record StreetClearance(string Street, double QuotaMu, double MustMu, double EncouragedMu, double ConsideredMu, double ClearedMu,
    double ShortfallMu, double SurplusMu, double RemainingZoneMu, double SupplementaryNeededMu, double CompensationMu, int ZoneParcelCount);

/// <summary>The whole reconciliation.</summary>
/// <param name="ModelVersion">The model whose rule placed the parcels.</param>
/// <param name="Streets">One per quota, in order.</param>
/// <param name="UnknownParcelIds">Cleared ids the cache does not hold in that street.</param>
public sealed record ClearanceReport(string ModelVersion, IReadOnlyList<StreetClearance> Streets, IReadOnlyList<string> UnknownParcelIds);

/// <summary>
/// The paper's annual clearance task (section 4.2.3 (3)): each street's cached parcels are placed in their clearance tiers
/// by the model's rule (evaluated now, not recorded), the area it has already cleared is set against its quota, what is
/// still short is taken from its tiers (must first) or, past them, from land it must find elsewhere, and a surplus is
/// owed back one for one (拆一补一).
/// </summary>
public sealed class ClearanceReconciliation(ParcelEvaluations evaluations, IParcelStore parcels)
{
    private const int ChunkSize = 1000;

    /// <summary>Reconciles <paramref name="quotas"/> (streets distinct) under <paramref name="model"/>.</summary>
    public async Task<ClearanceReport> ReconcileAsync(ScoringModel model, IReadOnlyList<StreetQuota> quotas, CancellationToken cancellationToken)
    {
        var streets = new List<StreetClearance>(quotas.Count);
        var unknown = new List<string>();
        foreach (var quota in quotas)
        {
            var cleared = quota.ClearedParcelIds.Distinct(StringComparer.Ordinal).ToList();
            IReadOnlyDictionary<string, CachedParcel> found = cleared.Count == 0 ? new Dictionary<string, CachedParcel>() : await parcels.GetManyAsync(cleared, ParcelParts.Scoring, cancellationToken);
            var clearedIds = new HashSet<string>(StringComparer.Ordinal);
            foreach (var id in cleared)
            {
                if (found.TryGetValue(id, out var p) && p.Attributes.Street == quota.Street) clearedIds.Add(id);
                else unknown.Add(id);
            }

            var sink = new TierSink(clearedIds);
            var session = evaluations.Open(model, record: false);
            await foreach (var _ in evaluations.EvaluateStoredAsync(session, new ParcelFilter(Street: quota.Street), ChunkSize, sink, cancellationToken)) { }

            var shortfall = Math.Max(0, quota.QuotaMu - sink.ClearedMu);
            var surplus = Math.Max(0, sink.ClearedMu - quota.QuotaMu);
            streets.Add(new StreetClearance(quota.Street, quota.QuotaMu, sink.Tiers[0], sink.Tiers[1], sink.Tiers[2], sink.ClearedMu,
                shortfall, surplus, sink.RemainingMu, Math.Max(0, shortfall - sink.RemainingMu), surplus, sink.ZoneParcels));
        }
        return new ClearanceReport(model.Version, streets, unknown);
    }

    // Adds up one street's parcels by tier, cleared and not.
    private sealed class TierSink(HashSet<string> cleared) : IEvaluationSink
    {
        public double[] Tiers { get; } = new double[3];
        public double ClearedMu { get; private set; }
        public double RemainingMu { get; private set; }
        public int ZoneParcels { get; private set; }

        public void Evaluated(int index, in EvaluatedParcel parcel)
        {
            var area = parcel.Vector.AreaMu > 0 ? parcel.Vector.AreaMu : parcel.Spatial?.Shape?.AreaMu ?? 0;
            var isCleared = cleared.Contains(parcel.Vector.ParcelId);
            if (isCleared) ClearedMu += area;
            var zone = parcel.Spatial?.Zone ?? ClearanceZone.Unspecified;
            if (zone is not (ClearanceZone.Must or ClearanceZone.Encouraged or ClearanceZone.Considered)) return;
            Tiers[zone - ClearanceZone.Must] += area;
            ZoneParcels++;
            if (!isCleared) RemainingMu += area;
        }

        public void Refused(int index, string parcelId, IReadOnlyList<FieldViolation> violations) { }

        public void NotFound(int index, string parcelId) { }
    }
}
