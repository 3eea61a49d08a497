using System.Collections.Immutable;
using Scoring.Engine.Model;

namespace Scoring.Server.Models;

/// <summary>A model version that is not known.</summary>
public sealed class ModelNotFoundException(string version) : Exception($"model version '{version}' does not exist")
{
    /// <summary>The version asked for.</summary>
    public string Version { get; } = version;
}

/// <summary>
/// The compiled, immutable models this replica can evaluate with, and which one is active.
/// Readers take a model once and keep it for the whole request (or stream), so an activation never
/// changes the model under a running evaluation.
/// </summary>
public sealed class ModelCatalog
{
    private readonly Lock _gate = new();
    private volatile Snapshot _snapshot;

    private sealed record Snapshot(ImmutableDictionary<string, ScoringModel> Models, ScoringModel Active, ImmutableDictionary<string, string> Labels);

    /// <summary>Creates a catalog of <paramref name="models"/> with <paramref name="active"/> active.</summary>
    public ModelCatalog(IEnumerable<ScoringModel> models, ScoringModel active)
    {
        var all = ImmutableDictionary.Create<string, ScoringModel>(StringComparer.Ordinal).SetItems(models.Select(m => KeyValuePair.Create(m.Version, m)));
        _snapshot = new Snapshot(all.SetItem(active.Version, active), active, ImmutableDictionary.Create<string, string>(StringComparer.Ordinal));
    }

    /// <summary>The active model.</summary>
    public ScoringModel Active => _snapshot.Active;

    /// <summary>Whether a version is loaded.</summary>
    public bool Contains(string version) => _snapshot.Models.ContainsKey(version);

    /// <summary>The model of <paramref name="version"/>, or the active one when it is empty.</summary>
    public ScoringModel Resolve(string? version)
    {
        var snapshot = _snapshot;
        if (string.IsNullOrEmpty(version)) return snapshot.Active;
        return snapshot.Models.TryGetValue(version, out var model) ? model : throw new ModelNotFoundException(version);
    }

    /// <summary>The version a label names as this replica last read it; null when it knows no such label.</summary>
    public string? LabelVersion(string label) => _snapshot.Labels.GetValueOrDefault(label);

    /// <summary>Replaces the labels with those read from the store, atomically.</summary>
    public void SetLabels(IEnumerable<KeyValuePair<string, string>> labels)
    {
        lock (_gate)
        {
            _snapshot = _snapshot with { Labels = ImmutableDictionary.Create<string, string>(StringComparer.Ordinal).SetItems(labels) };
        }
    }

    /// <summary>Points one label at a version, or forgets it when <paramref name="version"/> is null.</summary>
    public void SetLabel(string label, string? version)
    {
        lock (_gate)
        {
            var s = _snapshot;
            _snapshot = s with { Labels = version is null ? s.Labels.Remove(label) : s.Labels.SetItem(label, version) };
        }
    }

    /// <summary>Adds a model version, optionally making it active, atomically.</summary>
    public void Add(ScoringModel model, bool activate)
    {
        lock (_gate)
        {
            var s = _snapshot;
            _snapshot = s with { Models = s.Models.SetItem(model.Version, model), Active = activate ? model : s.Active };
        }
    }

    /// <summary>Makes a loaded version active.</summary>
    public void Activate(string version)
    {
        lock (_gate)
        {
            var s = _snapshot;
            _snapshot = s with { Active = s.Models.TryGetValue(version, out var m) ? m : throw new ModelNotFoundException(version) };
        }
    }
}
