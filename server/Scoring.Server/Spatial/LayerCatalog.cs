using System.Collections.Concurrent;
using System.Collections.Frozen;
using Scoring.Engine.Evaluation;
using Scoring.Engine.Spatial;
using Scoring.Storage.Layers;

namespace Scoring.Server.Spatial;

/// <summary>The kinds of layer (numbers match the proto enum) and the id of each kind's layer.</summary>
public enum LayerKind
{
    /// <summary>生态保护红线.</summary>
    EcologicalRedLine = 1,
    /// <summary>城镇开发边界.</summary>
    DevelopmentBoundary = 2,
    /// <summary>必须清退区.</summary>
    ClearanceMust = 3,
    /// <summary>鼓励清退区.</summary>
    ClearanceEncouraged = 4,
    /// <summary>可考虑清退区.</summary>
    ClearanceConsidered = 5,
    /// <summary>正在推进的更新项目.</summary>
    RedevelopmentProject = 6,
    /// <summary>主城区.</summary>
    MainUrbanArea = 7,
}

/// <summary>A layer version in force, its features read.</summary>
/// <param name="LayerId">The layer.</param>
/// <param name="Version">The version.</param>
/// <param name="Kind">The kind.</param>
/// <param name="Features">Its polygons, in their own system.</param>
public sealed record LayerInForce(string LayerId, int Version, LayerKind Kind, LayerFeatures Features);

/// <summary>
/// This replica's view of the layers in force: the newest version of each kind, read from the store when uploaded here
/// and, for uploads through other replicas, at each refresh. The STR-tree of a version is built once per zone it is
/// asked for and kept under (layer id, version, zone), so a replica never overlays with a version it did not mean to.
/// </summary>
public sealed class LayerCatalog(ILayerStore store, SpatialOptions options)
{
    private volatile FrozenDictionary<LayerKind, LayerInForce> _inForce = FrozenDictionary<LayerKind, LayerInForce>.Empty;
    private readonly ConcurrentDictionary<(string LayerId, int Version, int Zone), Lazy<LayerIndex>> _indexes = new();
    private readonly SemaphoreSlim _refreshing = new(1, 1);

    /// <summary>The layer id of a kind: its name in snake case, e.g. "ecological_red_line".</summary>
    public static string LayerIdOf(LayerKind kind) => kind switch
    {
        LayerKind.EcologicalRedLine => "ecological_red_line",
        LayerKind.DevelopmentBoundary => "development_boundary",
        LayerKind.ClearanceMust => "clearance_must",
        LayerKind.ClearanceEncouraged => "clearance_encouraged",
        LayerKind.ClearanceConsidered => "clearance_considered",
        LayerKind.RedevelopmentProject => "redevelopment_project",
        LayerKind.MainUrbanArea => "main_urban_area",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The layers in force, by kind.</summary>
    public IReadOnlyDictionary<LayerKind, LayerInForce> InForce => _inForce;

    /// <summary>The versions in force in one text (e.g. "clearance_must@2 main_urban_area@1"): it changes whenever a layer does.</summary>
    public string Signature { get; private set; } = "";

    /// <summary>Whether any layer is in force.</summary>
    public bool Any => _inForce.Count > 0;

    /// <summary>The layer in force of <paramref name="kind"/> and its index in the frame of <paramref name="zone"/>; null when none is in force.</summary>
    public (LayerInForce Layer, LayerIndex Index)? IndexFor(LayerKind kind, int zone)
    {
        if (!_inForce.TryGetValue(kind, out var layer)) return null;
        var index = _indexes.GetOrAdd((layer.LayerId, layer.Version, zone),
            _ => new Lazy<LayerIndex>(() => new LayerIndex(layer.Features.Features, layer.Features.Epsg, zone))).Value;
        return (layer, index);
    }

    /// <summary>Takes a version just stored through this replica into force (when it is still the newest).</summary>
    public void Accept(StoredLayer stored, LayerFeatures features)
    {
        lock (_indexes)
        {
            var kind = (LayerKind)stored.Kind;
            if (_inForce.TryGetValue(kind, out var current) && current.Version >= stored.Version) return;
            var next = new Dictionary<LayerKind, LayerInForce>(_inForce) { [kind] = new(stored.LayerId, stored.Version, kind, features) };
            _inForce = next.ToFrozenDictionary();
            Signature = string.Join(' ', next.Values.OrderBy(l => l.LayerId, StringComparer.Ordinal).Select(l => $"{l.LayerId}@{l.Version}"));
            Forget(next.Values);
        }
    }

    /// <summary>Reads the newest version of each layer from the store and takes into force those this replica does not hold yet.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            var newest = await store.ListInForceAsync(cancellationToken);
            var current = _inForce;
            var next = new Dictionary<LayerKind, LayerInForce>();
            foreach (var listed in newest)
            {
                var kind = (LayerKind)listed.Kind;
                if (current.TryGetValue(kind, out var held) && held.Version == listed.Version) { next[kind] = held; continue; }
                var stored = await store.GetAsync(listed.LayerId, listed.Version, cancellationToken);
                if (stored?.GeoJson is null) continue;
                var violations = new List<FieldViolation>();
                var features = LayerFeatures.Read(stored.GeoJson, $"EPSG:{stored.Epsg}", options.DefaultEpsg, violations);
                if (features is not null) next[kind] = new(stored.LayerId, stored.Version, kind, features);
            }
            lock (_indexes)
            {
                // A version accepted meanwhile through this replica is newer than what was listed before it: keep it.
                foreach (var (kind, layer) in _inForce)
                    if (!next.TryGetValue(kind, out var listed) || listed.Version < layer.Version) next[kind] = layer;
                _inForce = next.ToFrozenDictionary();
                Signature = string.Join(' ', next.Values.OrderBy(l => l.LayerId, StringComparer.Ordinal).Select(l => $"{l.LayerId}@{l.Version}"));
                Forget(next.Values);
            }
        }
        finally
        {
            _refreshing.Release();
        }
    }

    // Indexes of versions no longer in force are dropped.
    private void Forget(IEnumerable<LayerInForce> inForce)
    {
        var keep = inForce.Select(l => (l.LayerId, l.Version)).ToHashSet();
        foreach (var key in _indexes.Keys)
            if (!keep.Contains((key.LayerId, key.Version))) _indexes.TryRemove(key, out _);
    }
}

/// <summary>Refreshes the <see cref="LayerCatalog"/> at start and then every <c>Spatial:RefreshSeconds</c>.</summary>
// The catalog is resolved once the server is ready: resolving it opens the database, which a server loading in the
// background must not do while starting.
internal sealed class LayerRefresh(IServiceProvider services, Models.Readiness readiness, SpatialOptions options, ILogger<LayerRefresh> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.RefreshSeconds));
        do
        {
            if (!readiness.IsReady) continue;
            try
            {
                await services.GetRequiredService<LayerCatalog>().RefreshAsync(stoppingToken);
                await services.GetRequiredService<ContiguousParcels>().RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not refresh the layers in force from the database");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
