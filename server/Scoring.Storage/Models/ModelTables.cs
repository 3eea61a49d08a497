using System.Data.Common;
using Dapper;
using Scoring.Storage.Paging;

namespace Scoring.Storage.Models;

/// <summary>
/// Model versions, the active version and the audit log as both stores keep them: reads in the same SQL but for how a
/// time column reads as <see cref="StoredText"/> text and where the active version is kept; writes by the rules of
/// <see cref="ModelWrites"/>, each in the store's own write transaction (<see cref="WriteAsync{T}"/>).
/// </summary>
public abstract class ModelTables : IModelStore
{
    private readonly Func<CancellationToken, Task<DbConnection>> _open;
    private readonly Func<DbConnection, CancellationToken, ValueTask<DbTransaction>> _snapshot;
    private readonly string _activeSql;

    /// <summary>Reads through connections from <paramref name="open"/>, with the store's own times, active version and snapshots.</summary>
    /// <param name="open">Opens a connection to the store.</param>
    /// <param name="time">The SQL reading a time column as stored text.</param>
    /// <param name="activeSql">The query of the active version (one row, or none).</param>
    /// <param name="snapshot">Begins a read transaction that sees one snapshot throughout.</param>
    private protected ModelTables(Func<CancellationToken, Task<DbConnection>> open, Func<string, string> time, string activeSql,
        Func<DbConnection, CancellationToken, ValueTask<DbTransaction>> snapshot)
    {
        _open = open;
        _snapshot = snapshot;
        _activeSql = activeSql;
        ModelColumns = ModelSql.ModelColumns(time);
        AuditColumns = ModelSql.AuditColumns(time);
        RequestSql = ModelSql.Request(time);
        LabelSql = ModelSql.Labels(time);
    }

    /// <summary>The columns of a <see cref="ModelRow"/>.</summary>
    private protected string ModelColumns { get; }

    /// <summary>The columns of an <see cref="AuditRow"/>.</summary>
    private protected string AuditColumns { get; }

    /// <summary>The <see cref="RequestRow"/> of <c>@RequestId</c>.</summary>
    private protected string RequestSql { get; }

    /// <inheritdoc />
    public async Task<StoredModel> AddAsync(NewModel model, bool activate, string? expectedActiveVersion, CancellationToken cancellationToken = default) =>
        (await AddOnceAsync(model, activate, expectedActiveVersion, cancellationToken).ConfigureAwait(false)).Model;

    /// <inheritdoc />
    public Task<ModelAddition> AddOnceAsync(NewModel model, bool activate, string? expectedActiveVersion, CancellationToken cancellationToken = default)
    {
        ModelWrites.CheckNew(model);
        return WriteAsync(rows => ModelWrites.Add(rows, model, activate, expectedActiveVersion, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<StoredModel> EnsureInitialAsync(Func<int, string> documentJsonFor, string author, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentJsonFor);
        ArgumentNullException.ThrowIfNull(author);
        // Usual case, without a write: a model is already active.
        return await ActiveAsync(cancellationToken).ConfigureAwait(false)
            ?? await WriteAsync(rows => ModelWrites.EnsureInitial(rows, documentJsonFor, author, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<ActivationResult> ActivateAsync(int version, string actor, string note, string? expectedActiveVersion,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(note);
        return WriteAsync(rows => ModelWrites.Activate(rows, version, actor, note, expectedActiveVersion, cancellationToken), cancellationToken);
    }

    /// <summary>Runs <paramref name="work"/> on the model tables in one of the store's write transactions, committing when it returns.</summary>
    private protected abstract Task<T> WriteAsync<T>(Func<IModelTransaction, T> work, CancellationToken cancellationToken);

    /// <inheritdoc />
    public async Task<ModelRequest?> FindByRequestAsync(string requestId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        await using var connection = await _open(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<RequestRow>(new CommandDefinition(RequestSql, new { RequestId = requestId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToRequest();
    }

    /// <inheritdoc />
    public async Task<int?> GetActiveVersionAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _open(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<int?>(new CommandDefinition(_activeSql, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<StoredModel?> GetAsync(int version, CancellationToken cancellationToken = default)
    {
        await using var connection = await _open(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<ModelRow>(new CommandDefinition(
            $"SELECT {ModelColumns} FROM models WHERE version = @Version;", new { Version = version }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToModel();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredModel>> ListAllAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _open(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<ModelRow>(new CommandDefinition(
            $"SELECT {ModelColumns} FROM models ORDER BY version;", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => r.ToModel()).ToList();
    }

    /// <inheritdoc />
    public async Task<ModelPage> ListAsync(int pageSize, string? pageToken, CancellationToken cancellationToken = default)
    {
        var size = PageToken.PageSize(pageSize);
        var before = ModelSql.VersionsBefore(pageToken);
        await using var connection = await _open(cancellationToken).ConfigureAwait(false);
        // One snapshot for the active version and the page.
        await using var transaction = await _snapshot(connection, cancellationToken).ConfigureAwait(false);
        var active = await connection.ExecuteScalarAsync<int?>(new CommandDefinition(_activeSql, transaction: transaction, cancellationToken: cancellationToken))
            .ConfigureAwait(false);
        var rows = (await connection.QueryAsync<ModelRow>(new CommandDefinition(
            $"SELECT {ModelColumns} FROM models WHERE version < @Before ORDER BY version DESC LIMIT @Limit;",
            new { Before = before, Limit = size + 1 }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false)).AsList();
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        var next = ModelSql.VersionsNext(rows, size);
        return new ModelPage([.. rows.Select(r => r.ToModel())], active, next);
    }

    /// <summary>Every <see cref="LabelRow"/>, in label order.</summary>
    private protected string LabelSql { get; }

    /// <inheritdoc />
    public Task<LabelChange> SetLabelAsync(string label, int? version, string actor, string note, CancellationToken cancellationToken = default)
    {
        ModelWrites.CheckLabel(label, version, actor, note);
        return WriteAsync(rows => ModelWrites.SetLabel(rows, label, version, actor, note, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ModelLabel>> ListLabelsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _open(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<LabelRow>(new CommandDefinition(LabelSql, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToLabel())];
    }

    /// <inheritdoc />
    public async Task<AuditPage> ListAuditAsync(int pageSize, string? pageToken, CancellationToken cancellationToken = default)
    {
        var size = PageToken.PageSize(pageSize);
        var before = ModelSql.AuditBefore(pageToken);
        await using var connection = await _open(cancellationToken).ConfigureAwait(false);
        var rows = (await connection.QueryAsync<AuditRow>(new CommandDefinition(
            $"SELECT {AuditColumns} FROM audit_log WHERE id < @Before ORDER BY id DESC LIMIT @Limit;",
            new { Before = before, Limit = size + 1 }, cancellationToken: cancellationToken)).ConfigureAwait(false)).AsList();
        var next = ModelSql.AuditNext(rows, size);
        return new AuditPage([.. rows.Select(r => r.ToRecord())], next);
    }

    // The active version read in one snapshot with its row; null when none is.
    private async Task<StoredModel?> ActiveAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _open(cancellationToken).ConfigureAwait(false);
        await using var transaction = await _snapshot(connection, cancellationToken).ConfigureAwait(false);
        var active = await connection.ExecuteScalarAsync<int?>(new CommandDefinition(_activeSql, transaction: transaction, cancellationToken: cancellationToken))
            .ConfigureAwait(false);
        if (active is not { } version) return null;
        var row = await connection.QuerySingleOrDefaultAsync<ModelRow>(new CommandDefinition(
            $"SELECT {ModelColumns} FROM models WHERE version = @Version;", new { Version = version }, transaction, cancellationToken: cancellationToken))
            .ConfigureAwait(false);
        return row?.ToModel();
    }

    /// <summary>
    /// The reads of one write transaction over the model tables, the same SQL in either store; a store adds its writes.
    /// </summary>
    /// <param name="tables">The store, for its SQL.</param>
    /// <param name="connection">The transaction's connection.</param>
    /// <param name="transaction">The write transaction.</param>
    private protected abstract class Transaction(ModelTables tables, DbConnection connection, DbTransaction transaction) : IModelTransaction
    {
        /// <inheritdoc />
        public abstract DateTimeOffset Now();

        /// <inheritdoc />
        public ModelRequest? FindRequest(string requestId) =>
            connection.QuerySingleOrDefault<RequestRow>(tables.RequestSql, new { RequestId = requestId }, transaction)?.ToRequest();

        /// <inheritdoc />
        public int? ActiveVersion() => connection.ExecuteScalar<int?>(tables._activeSql, transaction: transaction);

        /// <inheritdoc />
        public StoredModel? Get(int version) =>
            connection.QuerySingleOrDefault<ModelRow>($"SELECT {tables.ModelColumns} FROM models WHERE version = @Version;",
                new { Version = version }, transaction)?.ToModel();

        /// <inheritdoc />
        public int NextVersion() => connection.ExecuteScalar<int>("SELECT coalesce(max(version), 0) + 1 FROM models;", transaction: transaction);

        /// <inheritdoc />
        public int? LabelVersion(string label) =>
            connection.ExecuteScalar<int?>("SELECT version FROM model_labels WHERE label = @Label;", new { Label = label }, transaction);

        /// <inheritdoc />
        public void RemoveLabel(string label) =>
            connection.Execute("DELETE FROM model_labels WHERE label = @Label;", new { Label = label }, transaction);

        /// <inheritdoc />
        public abstract void SetLabel(string label, int version, DateTimeOffset at, string actor);

        /// <inheritdoc />
        public abstract void AnnounceLabels(string label);

        /// <inheritdoc />
        public abstract void InsertModel(StoredModel model, string? judgmentsJson, string? consistencyJson);

        /// <inheritdoc />
        public abstract void InsertRequest(string requestId, string requestHash, int version, DateTimeOffset createdAt);

        /// <inheritdoc />
        public abstract void SetActive(int version);

        /// <inheritdoc />
        public abstract void Audit(DateTimeOffset at, string actor, string action, int version, int? previous, string note, string? detailsJson);
    }
}
