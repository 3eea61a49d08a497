using System.Collections.Concurrent;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using Scoring.Engine.Spatial;
using Scoring.Storage.Parcels;

namespace Scoring.Server.Spatial;

/// <summary>
/// The outlines of the cached parcels, for contiguous renewal (连片改造): a parcel to redevelop in the main urban area is
/// grouped with the cached parcels to redevelop that touch it or lie within the rules' distance, and with theirs in turn;
/// the group's area is what the rule compares. A neighbour's disposition is its evaluation from the cache under the same
/// model (its flags derived by overlay too), worked out once per outline snapshot, model version and layers in force. The snapshot is read
/// again after parcels were stored, only while a main-urban-area layer is in force (the rule
/// needs it), in the background as soon as this replica stores parcels or a layer, and at each layer refresh for what
/// other replicas stored: until then a group is measured on the outlines read before.
/// </summary>
public sealed class ContiguousParcels(IParcelStore parcels, LayerCatalog layers, IServiceProvider services)
{
    /// <summary>Most parcels one group gathers before it stops looking further.</summary>
    public const int MaxGroup = 10_000;

    private volatile Snapshot? _snapshot;
    private volatile bool _changed = true;
    private readonly SemaphoreSlim _reading = new(1, 1);

    /// <summary>Whether the outlines were read at least once.</summary>
    public bool Loaded => _snapshot is not null;

    /// <summary>Notes that parcels (or layers) were stored, and reads the outlines again in the background right away.</summary>
    public void MarkChanged()
    {
        _changed = true;
        _ = Task.Run(async () =>
        {
            try { await RefreshAsync(CancellationToken.None); }
            catch (Exception) { _changed = true; } // the layer refresh tries again
        });
    }

    /// <summary>Reads the cached outlines again when parcels were stored since the last read and a main-urban-area layer is in force.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (!_changed || !layers.InForce.ContainsKey(LayerKind.MainUrbanArea)) return;
        await _reading.WaitAsync(cancellationToken);
        try
        {
            if (_changed) await ReadAsync(cancellationToken);
        }
        finally
        {
            _reading.Release();
        }
    }

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        _changed = false;
        var footprints = new List<Footprint>();
        await foreach (var batch in parcels.StreamAllAsync(1000, ParcelFilter.None, ParcelParts.Scoring, cancellationToken))
            foreach (var p in batch)
            {
                if (p.Attributes.Geometry is not { } text) continue;
                var shape = ShapeReader.Read(text, null, services.GetRequiredService<SpatialOptions>().DefaultEpsg, []);
                if (shape is not null) footprints.Add(new Footprint(p, shape));
            }
        _snapshot = new Snapshot(footprints);
    }

    /// <summary>
    /// The area in 亩 of the group of parcels to redevelop that the parcel (<paramref name="shape"/>, <paramref name="areaMu"/>)
    /// belongs to, itself included; its own cached outline, if any, is replaced by the one given.
    /// </summary>
    public double GroupAreaMu(ScoringModel model, string parcelId, ParcelShape shape, double areaMu, double distance)
    {
        var snapshot = _snapshot;
        var total = areaMu > 0 ? areaMu : shape.AreaMu;
        if (snapshot is null || !snapshot.Trees.TryGetValue(shape.Zone, out var tree)) return total;
        var visited = new HashSet<string>(StringComparer.Ordinal) { parcelId };
        var queue = new Queue<Geometry>([shape.Planar]);
        while (queue.Count > 0 && visited.Count < MaxGroup)
        {
            var current = queue.Dequeue();
            var around = current.EnvelopeInternal.Copy();
            around.ExpandBy(distance);
            foreach (var f in tree.Query(around))
            {
                if (visited.Contains(f.Id) || !f.Shape.Planar.IsWithinDistance(current, distance) || !snapshot.ToRedevelop(model, f, services)) continue;
                visited.Add(f.Id);
                total += f.AreaMu;
                queue.Enqueue(f.Shape.Planar);
            }
        }
        return total;
    }

    private sealed record Footprint(CachedParcel Parcel, ParcelShape Shape)
    {
        public string Id => Parcel.Attributes.ParcelId;
        public double AreaMu => Parcel.Attributes.AreaMu is > 0 and var a ? a : Shape.AreaMu;
    }

    private sealed class Snapshot
    {
        private readonly ConcurrentDictionary<(string Model, string Layers, string Id), bool> _verdicts = new();

        public Snapshot(List<Footprint> footprints)
        {
            foreach (var group in footprints.GroupBy(f => f.Shape.Zone))
            {
                var tree = new STRtree<Footprint>();
                foreach (var f in group) tree.Insert(f.Shape.Planar.EnvelopeInternal, f);
                tree.Build();
                Trees[group.Key] = tree;
            }
        }

        public Dictionary<int, STRtree<Footprint>> Trees { get; } = [];

        // The neighbour evaluated from the cache, as an id-only request would be (its outline overlaid, not grouped).
        public bool ToRedevelop(ScoringModel model, Footprint f, IServiceProvider services) =>
            _verdicts.GetOrAdd((model.Version, services.GetRequiredService<LayerCatalog>().Signature, f.Id), key =>
        {
            var facts = new ParcelFacts { ParcelId = f.Id };
            var vector = new ParcelVector(model, f.Id);
            var violations = new List<FieldViolation>();
            if (!ParcelReader.ReadInto(model, facts, f.Parcel.ToFacts(new CachedLayout(model)), vector, violations)) return false;
            services.GetRequiredService<SpatialOverlay>().Derive(facts, f.Parcel, vector, violations, out _);
            var card = new Scorecard(model);
            Evaluator.Score(vector, card);
            return card.Disposition != Disposition.Retained;
        });
    }
}
