using System.Collections.Concurrent;
using Scoring.Engine.Ahp;
using Scoring.Engine.Model;

namespace Scoring.Engine.Robustness;

/// <summary>
/// Each model version's draws, made once and kept: they are deterministic, so every call and every replica sees the
/// same ones. Thread-safe; concurrent first callers of a version wait for one drawing.
/// </summary>
public sealed class WeightDrawCache
{
    private readonly ConcurrentDictionary<string, Lazy<WeightDraws>> _byVersion = new(StringComparer.Ordinal);

    /// <summary>The draws of <paramref name="model"/> when already made, else null.</summary>
    public WeightDraws? Find(ScoringModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return _byVersion.TryGetValue(model.Version, out var lazy) && lazy.IsValueCreated ? lazy.Value : null;
    }

    /// <summary>The draws of <paramref name="model"/>, drawn now (from <paramref name="judgments"/>, its AHP matrices) when not yet made.</summary>
    public WeightDraws Get(ScoringModel model, IReadOnlyList<PairwiseComparison> judgments)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(judgments);
        return _byVersion.GetOrAdd(model.Version, _ => new Lazy<WeightDraws>(() => WeightSampler.Draw(model, judgments))).Value;
    }
}
