using Scoring.Engine.Ahp;
using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using Scoring.Server.Identification;
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
/// <param name="Document">The new model document.</param>
/// <param name="Model">The new model, compiled.</param>
/// <param name="Stored">The version stored; null on a dry run.</param>
/// <param name="Judged">The weights and consistency of each group derived from judgments.</param>
/// <param name="Impact">What the new model does to the cached parcels, compared with its base.</param>
/// <param name="Replayed">True when an earlier call with the same request id had stored <paramref name="Stored"/>.</param>
public sealed record WeightUpdateResult(ModelDocument Document, ScoringModel Model, StoredModel? Stored, IReadOnlyList<GroupWeights> Judged,
    Impact Impact, bool Replayed = false);

/// <summary>
/// Derives a new model version from direct weights or expert judgments, previews its impact on the cached parcels,
/// and only then (unless a dry run) stores it, so a call that fails, is cancelled or runs out of time stores nothing.
/// </summary>
public sealed class WeightUpdates(ModelRegistry registry, ImpactAnalysis impact)
{
    /// <summary>Applies a weight table to the base model.</summary>
    /// <exception cref="ActiveVersionChangedException">The active version is not the one the options expect.</exception>
    /// <exception cref="RequestIdReusedException">The options' request id was used before for a different request.</exception>
    public async Task<WeightUpdateResult> FromTableAsync(ScoringModel baseModel, IReadOnlyList<GroupWeight> table, UpdateOptions options, CancellationToken cancellationToken)
    {
        var (from, earlier) = await StartAsync(baseModel, options, cancellationToken);
        var violations = ModelWeights.Validate(from.Document, table, "weights.weights");
        if (violations.Count > 0) throw new WeightUpdateRejected(violations);
        return await FinishAsync(from, table, [], [], options, earlier, cancellationToken);
    }

    /// <summary>Derives the weights of each judged group by AHP and applies them to the base model.</summary>
    /// <exception cref="ActiveVersionChangedException">The active version is not the one the options expect.</exception>
    /// <exception cref="RequestIdReusedException">The options' request id was used before for a different request.</exception>
    public async Task<WeightUpdateResult> FromJudgmentsAsync(ScoringModel baseModel, IReadOnlyList<PairwiseComparison> matrices, UpdateOptions options, CancellationToken cancellationToken)
    {
        var (from, earlier) = await StartAsync(baseModel, options, cancellationToken);
        if (matrices.Count == 0) throw new WeightUpdateRejected([new("judgments.matrices", "give at least one judgment matrix")]);
        var derived = ModelJudgments.Derive(from.Document, matrices);
        if (derived.Errors.Length > 0)
            throw new WeightUpdateRejected([.. derived.Errors.Select(e => new FieldViolation($"judgments.matrices[{e.MatrixIndex}].{e.Field}", e.Error.ToString()))]);
        var inconsistent = derived.Inconsistent.ToList();
        if (inconsistent.Count > 0) throw new InconsistentJudgments(inconsistent);
        var judgments = matrices.Select(m => new StoredJudgment(m.Group, m.Items, m.Values, m.Expert)).ToList();
        return await FinishAsync(from, derived.Table, derived.Groups, judgments, options, earlier, cancellationToken);
    }

    // A retry (a request id seen before with the same request) is answered with the version its first call stored,
    // derived again from that version's parent: an empty base named the active version, which the first call may
    // have changed. It is not held to the expected active version, which the first call may have changed too.
    // Otherwise the expected active version is checked first, so a stale caller hears it before anything else;
    // the store checks again when it commits.
    private async Task<(ScoringModel Base, StoredModel? Earlier)> StartAsync(ScoringModel baseModel, UpdateOptions options, CancellationToken cancellationToken)
    {
        if (!options.DryRun && options.Request is { } request && await registry.FindByRequestAsync(request, cancellationToken) is { } earlier)
            return (earlier.ParentVersion is { } parent ? await registry.ResolveAsync(ModelRegistry.Key(parent), cancellationToken) : baseModel, earlier);
        var active = registry.Catalog.Active.Version;
        if (!string.IsNullOrEmpty(options.ExpectedActiveVersion) && options.ExpectedActiveVersion != active)
            throw new ActiveVersionChangedException(options.ExpectedActiveVersion, ModelRegistry.Number(active));
        return (baseModel, null);
    }

    // The preview runs before anything is stored, under the caller's token; storing (and activating) is the last step.
    private async Task<WeightUpdateResult> FinishAsync(ScoringModel baseModel, IReadOnlyList<GroupWeight> table,
        IReadOnlyList<GroupWeights> judged, IReadOnlyList<StoredJudgment> judgments, UpdateOptions options, StoredModel? earlier,
        CancellationToken cancellationToken)
    {
        if (earlier is not null)
        {
            var replayed = registry.Loaded(earlier);
            return new WeightUpdateResult(replayed.Document, replayed, earlier, judged,
                await impact.PreviewAsync(baseModel, replayed, options.ImpactParcelLimit, cancellationToken), Replayed: true);
        }

        var document = ModelWeights.Apply(baseModel.Document, table, baseModel.Version);
        var candidate = ModelCompiler.Compile(document with { Version = options.DryRun ? "dry-run" : "pending" });
        var preview = await impact.PreviewAsync(baseModel, candidate, options.ImpactParcelLimit, cancellationToken);
        if (options.DryRun) return new WeightUpdateResult(document, candidate, null, judged, preview);

        var consistency = judged.Select(g => new StoredConsistency(g.Group, g.Items, g.Weights, g.LambdaMax, g.ConsistencyIndex, g.ConsistencyRatio,
            [.. g.Experts.Select(e => new ExpertConsistency(e.Expert, e.LambdaMax, e.ConsistencyIndex, e.ConsistencyRatio))])).ToList();
        cancellationToken.ThrowIfCancellationRequested();
        var added = await registry.AddAsync(new NewModelVersion
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
            Request = options.Request,
        }, cancellationToken);
        return new WeightUpdateResult(added.Model.Document, added.Model, added.Stored, judged, preview, added.Replayed);
    }
}

/// <summary>How a weight update is applied.</summary>
/// <param name="DryRun">Compute and report, store nothing.</param>
/// <param name="Activate">Make the new version the active one.</param>
/// <param name="Author">Who asks (the caller's name; never a key).</param>
/// <param name="Note">Why; kept with the version and in its audit records.</param>
/// <param name="ExpectedActiveVersion">When set, the version that must still be active.</param>
/// <param name="ImpactParcelLimit">How many moved parcels the impact preview lists at most; 0 for the default.</param>
/// <param name="Request">The caller's request id and the digest of its request; null for none. Ignored by a dry run.</param>
public sealed record UpdateOptions(bool DryRun, bool Activate, string Author, string Note, string? ExpectedActiveVersion,
    int ImpactParcelLimit = 0, RequestIdentity? Request = null);
