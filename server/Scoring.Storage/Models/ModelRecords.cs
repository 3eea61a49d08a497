namespace Scoring.Storage.Models;

/// <summary>A model version as kept: immutable once written.</summary>
/// <param name="Version">Version number, assigned by the store: 1, 2, 3…</param>
/// <param name="ParentVersion">The version it was derived from; null for a first version or a whole new document.</param>
/// <param name="Author">Who created it (the caller's name; never a key).</param>
/// <param name="CreatedAt">When it was stored, by the database's clock.</param>
/// <param name="Note">Why it was created.</param>
/// <param name="DocumentJson">The full model document, JSON, with its version field equal to <paramref name="Version"/>.</param>
/// <param name="Judgments">The AHP judgment matrices that produced it; empty when there were none.</param>
/// <param name="Consistency">The consistency figures of those judgments, one per group; empty when there were none.</param>
public sealed record StoredModel(int Version, int? ParentVersion, string Author, DateTimeOffset CreatedAt, string Note,
    string DocumentJson, IReadOnlyList<StoredJudgment> Judgments, IReadOnlyList<StoredConsistency> Consistency)
{
    /// <summary>Equal when every field is equal and the judgments and consistency figures are equal one by one.</summary>
    public bool Equals(StoredModel? other) =>
        other is not null && Version == other.Version && ParentVersion == other.ParentVersion && Author == other.Author &&
        CreatedAt == other.CreatedAt && Note == other.Note && DocumentJson == other.DocumentJson &&
        Judgments.SequenceEqual(other.Judgments) && Consistency.SequenceEqual(other.Consistency);

    /// <summary>A hash of the scalar fields, consistent with <see cref="Equals(StoredModel)"/>.</summary>
    public override int GetHashCode() => HashCode.Combine(Version, ParentVersion, Author, CreatedAt, Note, DocumentJson);
}

/// <summary>A model version to store.</summary>
public sealed record NewModel
{
    /// <summary>The version it is derived from; null for none (a first version or a whole new document). Must exist.</summary>
    public required int? ParentVersion { get; init; }

    /// <summary>Who creates it (the caller's name; never a key); also the actor of its audit records.</summary>
    public required string Author { get; init; }

    /// <summary>Why; kept with the version and in its audit records.</summary>
    public required string Note { get; init; }

    /// <summary>
    /// Given the version number the store assigns, the document JSON to keep, with that number in its version field.
    /// Called once, inside the write transaction, so it should only stamp the number in.
    /// </summary>
    public required Func<int, string> DocumentJsonFor { get; init; }

    /// <summary>The audit action recorded for the creation: <see cref="AuditActions.CreateModel"/> or <see cref="AuditActions.UpdateWeights"/>.</summary>
    public required string Action { get; init; }

    /// <summary>The AHP judgment matrices that produced it; empty when there were none.</summary>
    public IReadOnlyList<StoredJudgment> Judgments { get; init; } = [];

    /// <summary>The consistency figures of those judgments, one per group; empty when there were none.</summary>
    public IReadOnlyList<StoredConsistency> Consistency { get; init; } = [];

    /// <summary>Extra facts for the creation's audit record (e.g. the groups whose weights changed), JSON; null for none.</summary>
    public string? DetailsJson { get; init; }

    /// <summary>
    /// The caller's request id (Google AIP-155), kept with the version in the same transaction; null for none. A later
    /// add with the same id and <see cref="RequestHash"/> gets this version back instead of storing another.
    /// </summary>
    public string? RequestId { get; init; }

    /// <summary>A digest of the request without its id; required with <see cref="RequestId"/>, compared on a retry.</summary>
    public string? RequestHash { get; init; }
}

/// <summary>What storing a new version did.</summary>
/// <param name="Model">The version stored, or the one an earlier request with the same request id stored.</param>
/// <param name="Replayed">True when the request id was seen before: nothing was written, <paramref name="Model"/> is the earlier version.</param>
public sealed record ModelAddition(StoredModel Model, bool Replayed);

/// <summary>A request id kept with the version its call created.</summary>
/// <param name="RequestId">The caller's request id.</param>
/// <param name="RequestHash">The digest of the request without its id.</param>
/// <param name="Version">The version the call created.</param>
/// <param name="CreatedAt">When, by the database's clock (the version's own creation time).</param>
public sealed record ModelRequest(string RequestId, string RequestHash, int Version, DateTimeOffset CreatedAt);

/// <summary>One expert's AHP judgment matrix for one group, kept with the model version it produced.</summary>
/// <param name="Group"><c>elements</c> for the element weights, or an element code for that element's indicators.</param>
/// <param name="Items">The codes compared, in matrix order.</param>
/// <param name="Values">The n×n judgments over <paramref name="Items"/>, row-major.</param>
/// <param name="Expert">Who judged; empty when not said.</param>
public sealed record StoredJudgment(string Group, IReadOnlyList<string> Items, IReadOnlyList<double> Values, string Expert)
{
    /// <summary>Equal when the group and expert are equal and the items and values are equal one by one.</summary>
    public bool Equals(StoredJudgment? other) =>
        other is not null && Group == other.Group && Expert == other.Expert &&
        Items.SequenceEqual(other.Items) && Values.SequenceEqual(other.Values);

    /// <summary>A hash of the group and expert, consistent with <see cref="Equals(StoredJudgment)"/>.</summary>
    public override int GetHashCode() => HashCode.Combine(Group, Expert);
}

/// <summary>The weights one group's judgments gave and how consistent they were, in total and per expert.</summary>
/// <param name="Group"><c>elements</c> for the element weights, or an element code for that element's indicators.</param>
/// <param name="Items">The codes weighed, in the order of <paramref name="Weights"/>.</param>
/// <param name="Weights">The derived weights, summing to 1.</param>
/// <param name="LambdaMax">Principal eigenvalue of the (combined) matrix.</param>
/// <param name="Ci">Consistency index (λmax − n) / (n − 1).</param>
/// <param name="Cr">Consistency ratio CI / RI.</param>
/// <param name="Experts">The same figures for each expert's own matrix; empty when not kept (older versions).</param>
public sealed record StoredConsistency(string Group, IReadOnlyList<string> Items, IReadOnlyList<double> Weights,
    double LambdaMax, double Ci, double Cr, IReadOnlyList<ExpertConsistency> Experts)
{
    /// <summary>Equal when the scalar fields are equal and the items, weights and experts are equal one by one.</summary>
    public bool Equals(StoredConsistency? other) =>
        other is not null && Group == other.Group && LambdaMax.Equals(other.LambdaMax) && Ci.Equals(other.Ci) &&
        Cr.Equals(other.Cr) && Items.SequenceEqual(other.Items) && Weights.SequenceEqual(other.Weights) &&
        Experts.SequenceEqual(other.Experts);

    /// <summary>A hash of the scalar fields, consistent with <see cref="Equals(StoredConsistency)"/>.</summary>
    public override int GetHashCode() => HashCode.Combine(Group, LambdaMax, Ci, Cr);
}

/// <summary>How consistent one expert's own judgment matrix for a group was.</summary>
/// <param name="Expert">Who judged; empty when not said.</param>
/// <param name="LambdaMax">Principal eigenvalue of the expert's matrix.</param>
/// <param name="Ci">Consistency index (λmax − n) / (n − 1).</param>
/// <param name="Cr">Consistency ratio CI / RI.</param>
public sealed record ExpertConsistency(string Expert, double LambdaMax, double Ci, double Cr);

/// <summary>What an activation did.</summary>
/// <param name="Model">The now active version.</param>
/// <param name="PreviousVersion">The version active before; null when none was.</param>
/// <param name="Changed">False when the version was already active: nothing was written, not even an audit record.</param>
public sealed record ActivationResult(StoredModel Model, int? PreviousVersion, bool Changed);

/// <summary>One page of the model versions.</summary>
/// <param name="Models">Newest (highest version) first.</param>
/// <param name="ActiveVersion">The active version when the page was read; null when none is.</param>
/// <param name="NextPageToken">Token for the next page; null on the last page.</param>
public sealed record ModelPage(IReadOnlyList<StoredModel> Models, int? ActiveVersion, string? NextPageToken);

/// <summary>One change of weights or of the active model.</summary>
/// <param name="Id">Sequence number; larger ids were written later.</param>
/// <param name="At">When, by the database's clock.</param>
/// <param name="Actor">Who (the caller's name; never a key).</param>
/// <param name="Action">What: one of <see cref="AuditActions"/>.</param>
/// <param name="Version">The version created or activated; for a label, the version it names now (or named, when removed).</param>
/// <param name="PreviousVersion">For activations, the version active before (null when none was); for a label moved, the
/// version it named before; null otherwise.</param>
/// <param name="Note">The note given.</param>
/// <param name="DetailsJson">Extra facts, JSON; null for none.</param>
public sealed record AuditRecord(long Id, DateTimeOffset At, string Actor, string Action, int Version, int? PreviousVersion,
    string Note, string? DetailsJson);

/// <summary>One page of the audit log.</summary>
/// <param name="Records">Newest first.</param>
/// <param name="NextPageToken">Token for the next page; null on the last page.</param>
public sealed record AuditPage(IReadOnlyList<AuditRecord> Records, string? NextPageToken);

/// <summary>The actions an audit record names, as stored and as the contract spells them.</summary>
public static class AuditActions
{
    /// <summary>A version created from a whole model document (also the default model of a new database).</summary>
    public const string CreateModel = "create_model";

    /// <summary>A version derived from another by new weights or AHP judgments.</summary>
    public const string UpdateWeights = "update_weights";

    /// <summary>A version made the active one.</summary>
    public const string ActivateModel = "activate_model";

    /// <summary>A label pointed at a version, or moved from one version to another.</summary>
    public const string SetModelLabel = "set_model_label";

    /// <summary>A label removed.</summary>
    public const string RemoveModelLabel = "remove_model_label";
}
