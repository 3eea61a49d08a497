using Scoring.Storage.Paging;

namespace Scoring.Storage.Models;

/// <summary>
/// Model versions, the active version and the audit log. Versions are immutable and numbered 1, 2, 3… in the
/// order they are stored; every creation and activation writes an audit record in the same transaction, and at most
/// one version is active. A version may carry the request id of the call that created it, stored in the same
/// transaction, so a retried call gets that version back.
/// </summary>
public interface IModelStore
{
    /// <summary>
    /// Stores a new version in one write transaction: assigns the next number, keeps the model, writes its audit
    /// record and, when <paramref name="activate"/>, makes it active and writes an activation record too. A model
    /// with a request id seen before gives back the earlier version (see <see cref="AddOnceAsync"/>).
    /// </summary>
    /// <param name="model">The version to store.</param>
    /// <param name="activate">Make it the active version.</param>
    /// <param name="expectedActiveVersion">When not null or empty, refuse unless this (as decimal text, e.g. "3") is still the active version.</param>
    /// <param name="cancellationToken">Cancels the call; nothing is then written.</param>
    /// <exception cref="ActiveVersionChangedException">Another version is active than expected.</exception>
    /// <exception cref="ModelVersionNotFoundException">The parent version does not exist.</exception>
    /// <exception cref="RequestIdReusedException">The request id was used before for a different request.</exception>
    async Task<StoredModel> AddAsync(NewModel model, bool activate, string? expectedActiveVersion, CancellationToken cancellationToken = default) =>
        (await AddOnceAsync(model, activate, expectedActiveVersion, cancellationToken).ConfigureAwait(false)).Model;

    /// <summary>
    /// As <see cref="AddAsync"/>, saying whether the version was stored now or by an earlier request with the same
    /// request id. That lookup runs first, inside the write transaction: a retry (also one racing the first call)
    /// gets the earlier version back, writes nothing and is not held to <paramref name="expectedActiveVersion"/>,
    /// which the first call may itself have changed. The request id is stored in the transaction that stores the
    /// version.
    /// </summary>
    /// <param name="model">The version to store.</param>
    /// <param name="activate">Make it the active version.</param>
    /// <param name="expectedActiveVersion">When not null or empty, refuse unless this (as decimal text, e.g. "3") is still the active version.</param>
    /// <param name="cancellationToken">Cancels the call; nothing is then written.</param>
    /// <exception cref="ActiveVersionChangedException">Another version is active than expected.</exception>
    /// <exception cref="ModelVersionNotFoundException">The parent version does not exist.</exception>
    /// <exception cref="RequestIdReusedException">The request id was used before for a different request.</exception>
    Task<ModelAddition> AddOnceAsync(NewModel model, bool activate, string? expectedActiveVersion, CancellationToken cancellationToken = default);

    /// <summary>The version a request id created and the digest of that request; null when the id is unknown.</summary>
    Task<ModelRequest?> FindByRequestAsync(string requestId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes sure there is an active version: when there is none (a new database), stores the default model as the
    /// next version (1 on a new database) and activates it, auditing both; otherwise returns the active version
    /// untouched. Safe when several processes start at once: the check is repeated inside the write transaction.
    /// </summary>
    /// <param name="documentJsonFor">Given the assigned version number, the default model's document JSON with that version in it.</param>
    /// <param name="author">Recorded as the author and actor (e.g. "system").</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The active version.</returns>
    Task<StoredModel> EnsureInitialAsync(Func<int, string> documentJsonFor, string author, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes <paramref name="version"/> the active version (also an earlier one: a rollback) and writes an audit
    /// record, in one transaction. When it is already active, nothing is written (no audit record: nothing changed)
    /// and the result says so.
    /// </summary>
    /// <param name="version">The version to activate.</param>
    /// <param name="actor">Who asks (the caller's name; never a key).</param>
    /// <param name="note">Why; kept in the audit record.</param>
    /// <param name="expectedActiveVersion">When not null or empty, refuse unless this (as decimal text, e.g. "3") is still the active version.</param>
    /// <param name="cancellationToken">Cancels the call; nothing is then written.</param>
    /// <exception cref="ModelVersionNotFoundException">There is no such version.</exception>
    /// <exception cref="ActiveVersionChangedException">Another version is active than expected.</exception>
    Task<ActivationResult> ActivateAsync(int version, string actor, string note, string? expectedActiveVersion, CancellationToken cancellationToken = default);

    /// <summary>The active version; null when none is (a database <see cref="EnsureInitialAsync"/> has not run on).</summary>
    Task<int?> GetActiveVersionAsync(CancellationToken cancellationToken = default);

    /// <summary>One version, or null when the store does not hold it.</summary>
    Task<StoredModel?> GetAsync(int version, CancellationToken cancellationToken = default);

    /// <summary>Every version, oldest first (for loading them all at start-up).</summary>
    Task<IReadOnlyList<StoredModel>> ListAllAsync(CancellationToken cancellationToken = default);

    /// <summary>One page of the versions, newest first, with the active version read in the same snapshot.</summary>
    /// <param name="pageSize">0 for <see cref="ScoringDatabase.DefaultPageSize"/>; cut to <see cref="ScoringDatabase.MaxPageSize"/>.</param>
    /// <param name="pageToken">Null or empty for the first page, else the token of the previous page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="InvalidPageTokenException">The page token is not one of this listing's.</exception>
    Task<ModelPage> ListAsync(int pageSize, string? pageToken, CancellationToken cancellationToken = default);

    /// <summary>One page of the audit log, newest first.</summary>
    /// <param name="pageSize">0 for <see cref="ScoringDatabase.DefaultPageSize"/>; cut to <see cref="ScoringDatabase.MaxPageSize"/>.</param>
    /// <param name="pageToken">Null or empty for the first page, else the token of the previous page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="InvalidPageTokenException">The page token is not one of this listing's.</exception>
    Task<AuditPage> ListAuditAsync(int pageSize, string? pageToken, CancellationToken cancellationToken = default);

    /// <summary>
    /// Points <paramref name="label"/> at <paramref name="version"/> (moving it when it names another), or removes it when
    /// <paramref name="version"/> is null, with an audit record (the label in its details), in one transaction. When it
    /// already names that version nothing is written and the result says so.
    /// </summary>
    /// <param name="label">The label; spelled by the rule of <see cref="ModelLabels"/>.</param>
    /// <param name="version">The version it is to name; null to remove it.</param>
    /// <param name="actor">Who asks (the caller's name; never a key).</param>
    /// <param name="note">Why; kept in the audit record.</param>
    /// <param name="cancellationToken">Cancels the call; nothing is then written.</param>
    /// <exception cref="ArgumentException">The label is not spelled by the rule.</exception>
    /// <exception cref="ModelVersionNotFoundException">There is no such version.</exception>
    /// <exception cref="ModelLabelNotFoundException">Removing a label that is not set.</exception>
    Task<LabelChange> SetLabelAsync(string label, int? version, string actor, string note, CancellationToken cancellationToken = default);

    /// <summary>Every label, in label order.</summary>
    Task<IReadOnlyList<ModelLabel>> ListLabelsAsync(CancellationToken cancellationToken = default);
}
