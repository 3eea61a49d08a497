namespace Scoring.Storage.Layers;

/// <summary>The versions of the planner's layers: immutable, numbered per layer, the newest in force.</summary>
public interface ILayerStore
{
    /// <summary>Stores the next version of <paramref name="layer"/>'s layer in one write transaction.</summary>
    Task<StoredLayer> AddAsync(NewLayer layer, CancellationToken cancellationToken = default);

    /// <summary>The newest version of every layer, by layer id, without features.</summary>
    Task<IReadOnlyList<StoredLayer>> ListInForceAsync(CancellationToken cancellationToken = default);

    /// <summary>Every version of one layer, newest first, without features; empty when the layer has none.</summary>
    Task<IReadOnlyList<StoredLayer>> ListVersionsAsync(string layerId, CancellationToken cancellationToken = default);

    /// <summary>One version with its features (<paramref name="version"/> 0: the newest); null when there is none.</summary>
    Task<StoredLayer?> GetAsync(string layerId, int version, CancellationToken cancellationToken = default);
}
