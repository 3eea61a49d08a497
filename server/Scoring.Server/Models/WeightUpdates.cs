using System.Text.Json;
using Scoring.Engine.Ahp;
using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using Scoring.Storage.Models;

namespace Scoring.Server.Models;

/// <summary>A weight update refused because of its input; <see cref="Violations"/> name the fields.</summary>
internal sealed class WeightUpdateRejected(IReadOnlyList<FieldViolation> violations) : Exception("the weight update is not valid")
{
    public IReadOnlyList<FieldViolation> Violations { get; } = violations;
}

/// <summary>Judgments whose combined matrix is too inconsistent (CR ≥ 0.10) for at least one group.</summary>
internal sealed class InconsistentJudgments(IReadOnlyList<GroupWeights> groups) : Exception("inconsistent judgments")
{
    public IReadOnlyList<GroupWeights> Groups { get; } = groups;
}

/// <summary>The outcome of a weight update.</summary>
internal sealed record WeightUpdateResult(ModelDocument Document, ScoringModel Model, StoredModel? Stored, IReadOnlyList<GroupWeights> Judged);

/// <summary>Derives a new model version from direct weights or expert judgments, and stores it unless a dry run.</summary>
internal sealed class WeightUpdates(ModelRegistry registry)
{
    /// <summary>Applies a weight table to the base model.</summary>
    public Task<WeightUpdateResult> FromTableAsync(ScoringModel baseModel, IReadOnlyList<GroupWeight> table, UpdateOptions options, CancellationToken cancellationToken)
    {
        var violations = ModelWeights.Validate(baseModel.Document, table, "weights.weights");
        if (violations.Count > 0) throw new WeightUpdateRejected(violations);
        return FinishAsync(baseModel, table, [], null, options, cancellationToken);
    }

    /// <summary>Derives the weights of each judged group by AHP and applies them to the base model.</summary>
    public Task<WeightUpdateResult> FromJudgmentsAsync(ScoringModel baseModel, IReadOnlyList<PairwiseComparison> matrices, UpdateOptions options, CancellationToken cancellationToken)
    {
        if (matrices.Count == 0) throw new WeightUpdateRejected([new("judgments.matrices", "give at least one judgment matrix")]);
        var derived = ModelJudgments.Derive(baseModel.Document, matrices);
        if (derived.Errors.Length > 0)
            throw new WeightUpdateRejected([.. derived.Errors.Select(e => new FieldViolation($"judgments.matrices[{e.MatrixIndex}].{e.Field}", e.Error.ToString()))]);
        var inconsistent = derived.Inconsistent.ToList();
        if (inconsistent.Count > 0) throw new InconsistentJudgments(inconsistent);
        var judgmentsJson = JsonSerializer.Serialize(matrices.Select(m => new { group = m.Group, items = m.Items, values = m.Values, expert = m.Expert }));
        return FinishAsync(baseModel, derived.Table, derived.Groups, judgmentsJson, options, cancellationToken);
    }

    private async Task<WeightUpdateResult> FinishAsync(ScoringModel baseModel, IReadOnlyList<GroupWeight> table,
        IReadOnlyList<GroupWeights> judged, string? judgmentsJson, UpdateOptions options, CancellationToken cancellationToken)
    {
        var document = ModelWeights.Apply(baseModel.Document, table, baseModel.Version);
        if (options.DryRun)
            return new WeightUpdateResult(document, ModelCompiler.Compile(document with { Version = "dry-run" }), null, judged);

        var consistencyJson = judged.Count == 0 ? null : JsonSerializer.Serialize(judged.Select(g => new
        {
            group = g.Group, items = g.Items, weights = g.Weights, lambda_max = g.LambdaMax, ci = g.ConsistencyIndex, cr = g.ConsistencyRatio,
            experts = g.Experts.Select(e => new { expert = e.Expert, lambda_max = e.LambdaMax, ci = e.ConsistencyIndex, cr = e.ConsistencyRatio }),
        }));
        var (model, stored) = await registry.AddAsync(document, ModelRegistry.Number(baseModel.Version), options.Author, options.Note,
            AuditActions.UpdateWeights, judgmentsJson, consistencyJson, options.Activate, options.ExpectedActiveVersion, cancellationToken);
        return new WeightUpdateResult(model.Document, model, stored, judged);
    }
}

/// <summary>How a weight update is applied.</summary>
internal sealed record UpdateOptions(bool DryRun, bool Activate, string Author, string Note, string? ExpectedActiveVersion);
