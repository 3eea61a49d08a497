using Scoring.Engine.Ahp;
using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using Scoring.Storage.Models;

namespace Scoring.Server.Models;

/// <summary>A weight update refused because of its input; <see cref="Violations"/> name the fields.</summary>
public sealed class WeightUpdateRejected(IReadOnlyList<FieldViolation> violations) : Exception("the weight update is not valid")
{
    /// <summary>Each offending field.</summary>
    public IReadOnlyList<FieldViolation> Violations { get; } = violations;
}

/// <summary>Judgments whose combined matrix is too inconsistent (CR ≥ 0.10) for at least one group.</summary>
public sealed class InconsistentJudgments(IReadOnlyList<GroupWeights> groups) : Exception("inconsistent judgments")
{
    /// <summary>The groups whose combined matrix is too inconsistent.</summary>
    public IReadOnlyList<GroupWeights> Groups { get; } = groups;
}

/// <summary>The outcome of a weight update.</summary>
public sealed record WeightUpdateResult(ModelDocument Document, ScoringModel Model, StoredModel? Stored, IReadOnlyList<GroupWeights> Judged);

/// <summary>Derives a new model version from direct weights or expert judgments, and stores it unless a dry run.</summary>
public sealed class WeightUpdates(ModelRegistry registry)
{
    /// <summary>Applies a weight table to the base model.</summary>
    /// <exception cref="ActiveVersionChangedException">The active version is not the one the options expect.</exception>
    public Task<WeightUpdateResult> FromTableAsync(ScoringModel baseModel, IReadOnlyList<GroupWeight> table, UpdateOptions options, CancellationToken cancellationToken)
    {
        CheckExpectedActive(options);
        var violations = ModelWeights.Validate(baseModel.Document, table, "weights.weights");
        if (violations.Count > 0) throw new WeightUpdateRejected(violations);
        return FinishAsync(baseModel, table, [], [], options, cancellationToken);
    }

    /// <summary>Derives the weights of each judged group by AHP and applies them to the base model.</summary>
    /// <exception cref="ActiveVersionChangedException">The active version is not the one the options expect.</exception>
    public Task<WeightUpdateResult> FromJudgmentsAsync(ScoringModel baseModel, IReadOnlyList<PairwiseComparison> matrices, UpdateOptions options, CancellationToken cancellationToken)
    {
        CheckExpectedActive(options);
        if (matrices.Count == 0) throw new WeightUpdateRejected([new("judgments.matrices", "give at least one judgment matrix")]);
        var derived = ModelJudgments.Derive(baseModel.Document, matrices);
        if (derived.Errors.Length > 0)
            throw new WeightUpdateRejected([.. derived.Errors.Select(e => new FieldViolation($"judgments.matrices[{e.MatrixIndex}].{e.Field}", e.Error.ToString()))]);
        var inconsistent = derived.Inconsistent.ToList();
        if (inconsistent.Count > 0) throw new InconsistentJudgments(inconsistent);
        var judgments = matrices.Select(m => new StoredJudgment(m.Group, m.Items, m.Values, m.Expert)).ToList();
        return FinishAsync(baseModel, derived.Table, derived.Groups, judgments, options, cancellationToken);
    }

    // Checked first, so a stale caller hears it before anything else; the store checks again when it commits.
    private void CheckExpectedActive(UpdateOptions options)
    {
        var active = registry.Catalog.Active.Version;
        if (!string.IsNullOrEmpty(options.ExpectedActiveVersion) && options.ExpectedActiveVersion != active)
            throw new ActiveVersionChangedException(options.ExpectedActiveVersion, ModelRegistry.Number(active));
    }

    private async Task<WeightUpdateResult> FinishAsync(ScoringModel baseModel, IReadOnlyList<GroupWeight> table,
        IReadOnlyList<GroupWeights> judged, IReadOnlyList<StoredJudgment> judgments, UpdateOptions options, CancellationToken cancellationToken)
    {
        var document = ModelWeights.Apply(baseModel.Document, table, baseModel.Version);
        if (options.DryRun)
            return new WeightUpdateResult(document, ModelCompiler.Compile(document with { Version = "dry-run" }), null, judged);

        var consistency = judged.Select(g => new StoredConsistency(g.Group, g.Items, g.Weights, g.LambdaMax, g.ConsistencyIndex, g.ConsistencyRatio,
            [.. g.Experts.Select(e => new ExpertConsistency(e.Expert, e.LambdaMax, e.ConsistencyIndex, e.ConsistencyRatio))])).ToList();
        var (model, stored) = await registry.AddAsync(new NewModelVersion
        {
            Document = document,
            ParentVersion = ModelRegistry.Number(baseModel.Version),
            Author = options.Author,
            Note = options.Note,
            Action = AuditActions.UpdateWeights,
            Judgments = judgments,
            Consistency = consistency,
            Activate = options.Activate,
            ExpectedActiveVersion = options.ExpectedActiveVersion,
        }, cancellationToken);
        return new WeightUpdateResult(model.Document, model, stored, judged);
    }
}

/// <summary>How a weight update is applied.</summary>
public sealed record UpdateOptions(bool DryRun, bool Activate, string Author, string Note, string? ExpectedActiveVersion);
