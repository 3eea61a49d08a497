using Scoring.Engine.Ahp;
using Scoring.Engine.Model;
using Scoring.Engine.Robustness;
using Scoring.Server.Models;

namespace Scoring.Server.Identification;

/// <summary>
/// The weight draws of each model version this replica evaluates with robustness: drawn once from the version's
/// stored AHP judgments (or its weight table when it has none) and kept in memory. The draws are deterministic, so
/// replicas agree without sharing them.
/// </summary>
public sealed class WeightDrawSource(ModelRegistry registry)
{
    private readonly WeightDrawCache _cache = new();

    /// <summary>The draws of <paramref name="model"/>, made on first use.</summary>
    public async ValueTask<WeightDraws> DrawsForAsync(ScoringModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (_cache.Find(model) is { } draws) return draws;
        var stored = await registry.FindAsync(model.Version, cancellationToken);
        IReadOnlyList<PairwiseComparison> judgments = stored is null
            ? []
            : [.. stored.Judgments.Select(j => new PairwiseComparison(j.Group, [.. j.Items], [.. j.Values], j.Expert))];
        // Drawing takes a moment for a judgment-based version; keep it off the request's thread.
        return await Task.Run(() => _cache.Get(model, judgments), cancellationToken);
    }

    /// <summary>A batch that scores parcels of <paramref name="model"/> under its draws.</summary>
    public async ValueTask<RobustnessBatch> BatchForAsync(ScoringModel model, CancellationToken cancellationToken) =>
        new(model, await DrawsForAsync(model, cancellationToken));
}
