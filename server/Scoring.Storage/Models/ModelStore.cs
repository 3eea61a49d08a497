using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;
using Scoring.Storage.Paging;

namespace Scoring.Storage.Models;

/// <summary>
/// Model versions, the active version and the audit log. Versions are immutable and numbered 1, 2, 3… in the
/// order they are stored; every creation and activation writes an audit record in the same transaction.
/// Documents are kept as JSON text (callers validate them with the engine); judgments and consistency figures are
/// typed here and kept as JSON in their own columns. A version may carry the request id of the call that created it,
/// stored in the same transaction, so a retried call gets that version back.
/// </summary>
public sealed class ModelStore(ScoringDatabase database) : IModelStore
{
    /// <summary>The note of the default model stored by <see cref="EnsureInitialAsync"/>.</summary>
    public const string InitialNote = "Default model, stored when the database was new.";

    private const string ModelColumns = """
        version AS Version, parent_version AS ParentVersion, author AS Author, created_at AS CreatedAt, note AS Note,
        document_json AS DocumentJson, judgments_json AS JudgmentsJson, consistency_json AS ConsistencyJson
        """;

    private const string AuditColumns = """
        id AS Id, at AS At, actor AS Actor, action AS Action, version AS Version, previous_version AS PreviousVersion,
        note AS Note, details_json AS DetailsJson
        """;

    private const string ModelListing = "models";
    private const string AuditListing = "audit";

    private const string ActiveSql = "SELECT version FROM active_model WHERE id = 1;";

    private const string RequestSql = """
        SELECT request_id AS RequestId, request_hash AS RequestHash, version AS Version, created_at AS CreatedAt
        FROM model_requests WHERE request_id = @RequestId;
        """;

    /// <inheritdoc />
    public async Task<StoredModel> AddAsync(NewModel model, bool activate, string? expectedActiveVersion,
        CancellationToken cancellationToken = default) =>
        (await AddOnceAsync(model, activate, expectedActiveVersion, cancellationToken).ConfigureAwait(false)).Model;

    /// <inheritdoc />
    public Task<ModelAddition> AddOnceAsync(NewModel model, bool activate, string? expectedActiveVersion,
        CancellationToken cancellationToken = default)
    {
        ModelWrites.CheckNew(model);
        return database.WriteAsync(WriteSize.Small, (connection, transaction, ct) =>
            ModelWrites.Add(new Transaction(connection, transaction, database.Time), model, activate, expectedActiveVersion, ct), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ModelRequest?> FindByRequestAsync(string requestId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<RequestRow>(new CommandDefinition(RequestSql, new { RequestId = requestId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToRequest();
    }

    /// <inheritdoc />
    public async Task<StoredModel> EnsureInitialAsync(Func<int, string> documentJsonFor, string author,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentJsonFor);
        ArgumentNullException.ThrowIfNull(author);

        // Usual case, without taking the write lock: a model is already active.
        await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            using var transaction = connection.BeginTransaction(deferred: true);
            var rows = new Transaction(connection, transaction, database.Time);
            if (rows.ActiveVersion() is { } version && rows.Get(version) is { } model)
                return model;
        }

        return await database.WriteAsync(WriteSize.Small, (connection, transaction, ct) =>
            ModelWrites.EnsureInitial(new Transaction(connection, transaction, database.Time), documentJsonFor, author, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<ActivationResult> ActivateAsync(int version, string actor, string note, string? expectedActiveVersion,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(note);

        return database.WriteAsync(WriteSize.Small, (connection, transaction, ct) =>
            ModelWrites.Activate(new Transaction(connection, transaction, database.Time), version, actor, note, expectedActiveVersion, ct), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<int?> GetActiveVersionAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<int?>(new CommandDefinition(ActiveSql, cancellationToken: cancellationToken))
            .ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<StoredModel?> GetAsync(int version, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<ModelRow>(new CommandDefinition(
            $"SELECT {ModelColumns} FROM models WHERE version = @Version;", new { Version = version },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToModel();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredModel>> ListAllAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<ModelRow>(new CommandDefinition(
            $"SELECT {ModelColumns} FROM models ORDER BY version;", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => r.ToModel()).ToList();
    }

    /// <inheritdoc />
    public async Task<ModelPage> ListAsync(int pageSize, string? pageToken, CancellationToken cancellationToken = default)
    {
        var size = PageToken.PageSize(pageSize);
        var before = string.IsNullOrEmpty(pageToken) ? int.MaxValue : PageToken.Number(PageToken.Decode(pageToken, ModelListing, 1)[0]);

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = connection.BeginTransaction(deferred: true);
        var active = new Transaction(connection, transaction, database.Time).ActiveVersion();
        var rows = (await connection.QueryAsync<ModelRow>(new CommandDefinition(
            $"SELECT {ModelColumns} FROM models WHERE version < @Before ORDER BY version DESC LIMIT @Limit;",
            new { Before = before, Limit = size + 1 }, transaction, cancellationToken: cancellationToken))
            .ConfigureAwait(false)).AsList();
        transaction.Commit();

        var next = PageToken.CutPage(rows, size, ModelListing, r => [r.Version.ToString(CultureInfo.InvariantCulture)]);
        return new ModelPage([.. rows.Select(r => r.ToModel())], active, next);
    }

    /// <inheritdoc />
    public async Task<AuditPage> ListAuditAsync(int pageSize, string? pageToken, CancellationToken cancellationToken = default)
    {
        var size = PageToken.PageSize(pageSize);
        var before = string.IsNullOrEmpty(pageToken) ? long.MaxValue : PageToken.Number(PageToken.Decode(pageToken, AuditListing, 1)[0]);

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await connection.QueryAsync<AuditRow>(new CommandDefinition(
            $"SELECT {AuditColumns} FROM audit_log WHERE id < @Before ORDER BY id DESC LIMIT @Limit;",
            new { Before = before, Limit = size + 1 }, cancellationToken: cancellationToken)).ConfigureAwait(false)).AsList();

        var next = PageToken.CutPage(rows, size, AuditListing, r => [r.Id.ToString(CultureInfo.InvariantCulture)]);
        return new AuditPage([.. rows.Select(r => r.ToRecord())], next);
    }

    // The model tables inside one SQLite transaction.
    private sealed class Transaction(SqliteConnection connection, SqliteTransaction transaction, TimeProvider time) : IModelTransaction
    {
        // Times keep their ticks in UTC as text, so now reads back equal.
        public DateTimeOffset Now() => time.GetUtcNow();

        public ModelRequest? FindRequest(string requestId) =>
            connection.QuerySingleOrDefault<RequestRow>(RequestSql, new { RequestId = requestId }, transaction)?.ToRequest();

        public int? ActiveVersion() => connection.ExecuteScalar<int?>(ActiveSql, transaction: transaction);

        public StoredModel? Get(int version) =>
            connection.QuerySingleOrDefault<ModelRow>($"SELECT {ModelColumns} FROM models WHERE version = @Version;",
                new { Version = version }, transaction)?.ToModel();

        public int NextVersion() => connection.ExecuteScalar<int>("SELECT coalesce(max(version), 0) + 1 FROM models;", transaction: transaction);

        public void InsertModel(StoredModel model, string? judgmentsJson, string? consistencyJson) =>
            connection.Execute("""
                INSERT INTO models (version, parent_version, author, created_at, note, document_json, judgments_json,
                                    consistency_json)
                VALUES (@Version, @ParentVersion, @Author, @CreatedAt, @Note, @DocumentJson, @JudgmentsJson, @ConsistencyJson);
                """, new
            {
                model.Version,
                model.ParentVersion,
                model.Author,
                CreatedAt = StoredText.Time(model.CreatedAt),
                model.Note,
                model.DocumentJson,
                JudgmentsJson = judgmentsJson,
                ConsistencyJson = consistencyJson,
            }, transaction);

        public void InsertRequest(string requestId, string requestHash, int version, DateTimeOffset createdAt) =>
            connection.Execute("""
                INSERT INTO model_requests (request_id, request_hash, version, created_at)
                VALUES (@RequestId, @RequestHash, @Version, @CreatedAt);
                """, new { RequestId = requestId, RequestHash = requestHash, Version = version, CreatedAt = StoredText.Time(createdAt) }, transaction);

        public void SetActive(int version) =>
            connection.Execute("""
                INSERT INTO active_model (id, version) VALUES (1, @Version)
                ON CONFLICT (id) DO UPDATE SET version = excluded.version;
                """, new { Version = version }, transaction);

        public void Audit(DateTimeOffset at, string actor, string action, int version, int? previous, string note, string? detailsJson) =>
            connection.Execute("""
                INSERT INTO audit_log (at, actor, action, version, previous_version, note, details_json)
                VALUES (@At, @Actor, @Action, @Version, @PreviousVersion, @Note, @DetailsJson);
                """, new
            {
                At = StoredText.Time(at),
                Actor = actor,
                Action = action,
                Version = version,
                PreviousVersion = previous,
                Note = note,
                DetailsJson = detailsJson,
            }, transaction);
    }
}
