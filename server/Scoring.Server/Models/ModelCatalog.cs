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
/// Readers take a reference once and keep it for the whole request, so an activation never
/// changes a model under a running evaluation.
/// </summary>
public sealed class ModelCatalog
{
    private volatile Snapshot _snapshot;

    private sealed record Snapshot(ImmutableDictionary<string, ScoringModel> Models, ScoringModel Active);

    /// <summary>Creates a catalog whose only, active model is <paramref name="initial"/>.</summary>
    public ModelCatalog(ScoringModel initial)
    {
        _snapshot = new Snapshot(ImmutableDictionary.Create<string, ScoringModel>(StringComparer.Ordinal).Add(initial.Version, initial), initial);
    }

    /// <summary>The active model.</summary>
    public ScoringModel Active => _snapshot.Active;

    /// <summary>Every known version.</summary>
    public IEnumerable<ScoringModel> All => _snapshot.Models.Values;

    /// <summary>The model of <paramref name="version"/>, or the active one when it is empty.</summary>
    public ScoringModel Resolve(string? version)
    {
        var snapshot = _snapshot;
        if (string.IsNullOrEmpty(version)) return snapshot.Active;
        return snapshot.Models.TryGetValue(version, out var model) ? model : throw new ModelNotFoundException(version);
    }

    /// <summary>Adds a model version, optionally making it active, atomically.</summary>
    public void Add(ScoringModel model, bool activate)
    {
        lock (this)
        {
            var s = _snapshot;
            _snapshot = new Snapshot(s.Models.SetItem(model.Version, model), activate ? model : s.Active);
        }
    }

    /// <summary>Makes a known version active.</summary>
    public void Activate(string version)
    {
        lock (this)
        {
            var s = _snapshot;
            _snapshot = s with { Active = s.Models.TryGetValue(version, out var m) ? m : throw new ModelNotFoundException(version) };
        }
    }
}
