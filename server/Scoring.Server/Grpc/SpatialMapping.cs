using Scoring.Server.Spatial;
using Scoring.V1;

namespace Scoring.Server.Grpc;

/// <summary>Maps what an outline added to an evaluation, and layers, to the contract's messages.</summary>
internal static class SpatialMapping
{
    /// <summary>
    /// Sets the derived flags, clearance tier, modes and warnings of <paramref name="e"/> to those of <paramref name="outcome"/>
    /// (none when null), clearing what an earlier parcel left there.
    /// </summary>
    public static void SetSpatial(Evaluation e, SpatialOutcome? outcome)
    {
        if (e.SpatialFacts.Count > 0) e.SpatialFacts.Clear();
        if (e.RedevelopmentModes.Count > 0) e.RedevelopmentModes.Clear();
        if (e.Warnings.Count > 0) e.Warnings.Clear();
        e.ClearanceZone = ClearanceZone.Unspecified;
        AddSpatial(e, outcome);
    }

    /// <summary>Adds the derived flags, clearance tier, modes and warnings of <paramref name="outcome"/> to <paramref name="e"/>.</summary>
    public static void AddSpatial(Evaluation e, SpatialOutcome? outcome)
    {
        if (outcome is null) return;
        var derived = outcome.Derived;
        for (var i = 0; i < derived.Count; i++)
        {
            var f = derived[i];
            e.SpatialFacts.Add(new SpatialFact { Name = f.Name, Value = f.Value, LayerId = f.LayerId, LayerVersion = f.LayerVersion, OverlapShare = f.OverlapShare });
        }
        e.ClearanceZone = (ClearanceZone)(int)outcome.Zone;
        foreach (var m in outcome.Modes)
            e.RedevelopmentModes.Add(new RedevelopmentSuggestion { Mode = (RedevelopmentMode)(int)m.Mode, Reason = m.Reason });
        // RepeatedField.Add(IEnumerable) enumerates even an empty list (an enumerator per parcel), so only when there are some.
        if (outcome.Warnings.Count > 0) e.Warnings.Add(outcome.Warnings);
    }

    /// <summary>A stored layer as the contract shows it.</summary>
    public static Layer ToProto(this Storage.Layers.StoredLayer l, bool withFeatures) => new()
    {
        LayerId = l.LayerId,
        Version = l.Version,
        Kind = (V1.LayerKind)l.Kind,
        FeatureCount = l.FeatureCount,
        AreaMu = l.AreaMu,
        Name = l.Name,
        Crs = $"EPSG:{l.Epsg}",
        Note = l.Note,
        Author = l.Author,
        CreateTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(l.CreatedAt),
        InForce = l.InForce,
        Geojson = withFeatures ? l.GeoJson ?? "" : "",
    };
}
