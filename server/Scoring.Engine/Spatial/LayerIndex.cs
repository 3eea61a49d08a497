using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.Union;

namespace Scoring.Engine.Spatial;

/// <summary>
/// One layer version's features in the planar frame of one zone, indexed by an STR-tree: built once, then read by any
/// number of threads (the tree is built before it is shared).
/// </summary>
public sealed class LayerIndex
{
    private readonly STRtree<Geometry> _tree = new();

    /// <summary>Indexes <paramref name="features"/> (polygons given in <paramref name="epsg"/>) in the frame of <paramref name="zone"/>.</summary>
    public LayerIndex(IEnumerable<Geometry> features, int epsg, int zone)
    {
        Zone = zone;
        foreach (var feature in features)
        {
            var planar = CoordinateSystems.ToPlanar(feature, epsg, zone);
            _tree.Insert(planar.EnvelopeInternal, planar);
            Count++;
        }
        _tree.Build();
    }

    /// <summary>The zone whose frame the features are in.</summary>
    public int Zone { get; }

    /// <summary>Features indexed.</summary>
    public int Count { get; }

    /// <summary>
    /// The share of <paramref name="parcel"/>'s area (in this index's frame) that lies inside the union of the features, in
    /// [0, 1]; 0 for a parcel of no area. Overlapping features count once.
    /// </summary>
    public double Share(Geometry parcel)
    {
        var area = parcel.Area;
        if (area <= 0) return 0;
        var pieces = new List<Geometry>();
        foreach (var feature in _tree.Query(parcel.EnvelopeInternal))
            if (feature.Intersects(parcel)) pieces.Add(feature.Intersection(parcel));
        if (pieces.Count == 0) return 0;
        var inside = pieces.Count == 1 ? pieces[0] : UnaryUnionOp.Union(pieces);
        return Math.Clamp(inside.Area / area, 0, 1);
    }

    /// <summary>Whether any feature lies within <paramref name="distance"/> metres of <paramref name="parcel"/>.</summary>
    public bool Near(Geometry parcel, double distance)
    {
        var envelope = parcel.EnvelopeInternal.Copy();
        envelope.ExpandBy(distance);
        foreach (var feature in _tree.Query(envelope))
            if (feature.IsWithinDistance(parcel, distance)) return true;
        return false;
    }
}
