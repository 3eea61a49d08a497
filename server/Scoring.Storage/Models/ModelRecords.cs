namespace Scoring.Storage.Models;

/// <summary>A model version as kept: immutable once written.</summary>
/// <param name="Version">Version number, assigned by the store: 1, 2, 3…</param>
/// <param name="ParentVersion">The version it was derived from; null for a first version or a whole new document.</param>
/// <param name="Author">Who created it (the caller's name; never a key).</param>
/// <param name="CreatedAt">When it was stored, by the database's clock.</param>
/// <param name="Note">Why it was created.</param>
/// <param name="DocumentJson">The full model document, JSON, with its version field equal to <paramref name="Version"/>.</param>
/// <param name="JudgmentsJson">The AHP judgment matrices that produced it, JSON; null when there were none.</param>
/// <param name="ConsistencyJson">The consistency figures of those judgments, JSON; null when there were none.</param>
public sealed record StoredModel(int Version, int? ParentVersion, string Author, DateTimeOffset CreatedAt, string Note,
    string DocumentJson, string? JudgmentsJson, string? ConsistencyJson);

/// <summary>A model version to store.</summary>
/// <param name="ParentVersion">The version it is derived from; null for none. Must exist.</param>
/// <param name="Author">Who creates it (the caller's name; never a key); also the actor of its audit records.</param>
/// <param name="Note">Why; kept with the version and in its audit records.</param>
/// <param name="DocumentJsonFor">
/// Given the version number the store assigns, the document JSON to keep, with that number in its version field.
/// Called once, inside the write transaction, so it should only stamp the number in.
/// </param>
/// <param name="JudgmentsJson">The AHP judgment matrices that produced it, JSON; null when there were none.</param>
/// <param name="ConsistencyJson">The consistency figures of those judgments, JSON; null when there were none.</param>
/// <param name="Action">The audit action recorded for the creation: <see cref="AuditActions.CreateModel"/> or <see cref="AuditActions.UpdateWeights"/>.</param>
public sealed record NewModel(int? ParentVersion, string Author, string Note, Func<int, string> DocumentJsonFor,
    string? JudgmentsJson, string? ConsistencyJson, string Action)
{
    /// <summary>Extra facts for the creation's audit record (e.g. the groups whose weights changed), JSON; null for none.</summary>
    public string? DetailsJson { get; init; }
}

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
/// <param name="Version">The version created or activated.</param>
/// <param name="PreviousVersion">For activations, the version active before (null when none was); null otherwise.</param>
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
}
