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
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(model.Author, nameof(model));
        ArgumentNullException.ThrowIfNull(model.Note, nameof(model));
        ArgumentNullException.ThrowIfNull(model.DocumentJsonFor, nameof(model));
        if (model.Action is not (AuditActions.CreateModel or AuditActions.UpdateWeights))
            throw new ArgumentException(
                $"A new model is recorded as '{AuditActions.CreateModel}' or '{AuditActions.UpdateWeights}', not '{model.Action}'.",
                nameof(model));
        if (model.ParentVersion is <= 0)
            throw new ArgumentException($"Parent version {model.ParentVersion} is not a version number.", nameof(model));
        if (model.RequestId is "" || (model.RequestId is null) != (model.RequestHash is null))
            throw new ArgumentException("A request id is not empty and comes with its request hash.", nameof(model));
        CheckJudgments(model);

        return database.WriteAsync(WriteSize.Small, (connection, transaction, ct) =>
        {
            if (model.RequestId is { } requestId && FindRequest(connection, transaction, requestId) is { } earlier)
            {
                if (earlier.RequestHash != model.RequestHash) throw new RequestIdReusedException(requestId);
                return new ModelAddition(Get(connection, transaction, earlier.Version)!, Replayed: true); // the foreign key keeps the row there
            }
            var active = ActiveVersion(connection, transaction);
            CheckExpected(expectedActiveVersion, active);
            if (model.ParentVersion is { } parent && Get(connection, transaction, parent) is null)
                throw new ModelVersionNotFoundException(parent);
            ct.ThrowIfCancellationRequested();
            var stored = Insert(connection, transaction, model);
            if (activate)
                SetActive(connection, transaction, stored.CreatedAt, model.Author, stored.Version, active, model.Note);
            return new ModelAddition(stored, Replayed: false);
        }, cancellationToken);
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
            if (ActiveVersion(connection, transaction) is { } version && Get(connection, transaction, version) is { } model)
                return model;
        }

        return await database.WriteAsync(WriteSize.Small, (connection, transaction, ct) =>
        {
            if (ActiveVersion(connection, transaction) is { } version)
                return Get(connection, transaction, version)!; // the foreign key keeps the row there
            ct.ThrowIfCancellationRequested();
            var stored = Insert(connection, transaction, new NewModel
            {
                ParentVersion = null, Author = author, Note = InitialNote, DocumentJsonFor = documentJsonFor,
                Action = AuditActions.CreateModel,
            });
            SetActive(connection, transaction, stored.CreatedAt, author, stored.Version, null, InitialNote);
            return stored;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<ActivationResult> ActivateAsync(int version, string actor, string note, string? expectedActiveVersion,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(note);

        return database.WriteAsync(WriteSize.Small, (connection, transaction, ct) =>
        {
            var model = Get(connection, transaction, version) ?? throw new ModelVersionNotFoundException(version);
            var active = ActiveVersion(connection, transaction);
            CheckExpected(expectedActiveVersion, active);
            if (active == version) return new ActivationResult(model, active, Changed: false);
            ct.ThrowIfCancellationRequested();
            SetActive(connection, transaction, database.Time.GetUtcNow(), actor, version, active, note);
            return new ActivationResult(model, active, Changed: true);
        }, cancellationToken);
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
        var active = ActiveVersion(connection, transaction);
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

    private StoredModel Insert(SqliteConnection connection, SqliteTransaction transaction, NewModel model)
    {
        var version = connection.ExecuteScalar<int>("SELECT coalesce(max(version), 0) + 1 FROM models;", transaction: transaction);
        var document = model.DocumentJsonFor(version)
            ?? throw new InvalidOperationException($"{nameof(NewModel.DocumentJsonFor)} returned no document for version {version}.");
        // Read back as stored: times keep ticks in UTC.
        var createdAt = StoredText.Time(database.Time.GetUtcNow());
        var judgments = JudgmentColumns.Write(model.Judgments);
        var consistency = JudgmentColumns.Write(model.Consistency);
        connection.Execute("""
            INSERT INTO models (version, parent_version, author, created_at, note, document_json, judgments_json,
                                consistency_json)
            VALUES (@Version, @ParentVersion, @Author, @CreatedAt, @Note, @DocumentJson, @JudgmentsJson, @ConsistencyJson);
            """, new
        {
            Version = version,
            model.ParentVersion,
            model.Author,
            CreatedAt = createdAt,
            model.Note,
            DocumentJson = document,
            JudgmentsJson = judgments,
            ConsistencyJson = consistency,
        }, transaction);
        if (model.RequestId is not null)
            connection.Execute("""
                INSERT INTO model_requests (request_id, request_hash, version, created_at)
                VALUES (@RequestId, @RequestHash, @Version, @CreatedAt);
                """, new { model.RequestId, model.RequestHash, Version = version, CreatedAt = createdAt }, transaction);
        var at = StoredText.ParseTime(createdAt);
        Audit(connection, transaction, at, model.Author, model.Action, version, null, model.Note, model.DetailsJson);
        // Returned as a read would give it back.
        return new StoredModel(version, model.ParentVersion, model.Author, at, model.Note, document,
            JudgmentColumns.ReadJudgments(judgments), JudgmentColumns.ReadConsistency(consistency));
    }

    private static void SetActive(SqliteConnection connection, SqliteTransaction transaction, DateTimeOffset at,
        string actor, int version, int? previous, string note)
    {
        connection.Execute("""
            INSERT INTO active_model (id, version) VALUES (1, @Version)
            ON CONFLICT (id) DO UPDATE SET version = excluded.version;
            """, new { Version = version }, transaction);
        Audit(connection, transaction, at, actor, AuditActions.ActivateModel, version, previous, note, null);
    }

    private static void Audit(SqliteConnection connection, SqliteTransaction transaction, DateTimeOffset at, string actor,
        string action, int version, int? previous, string note, string? detailsJson) =>
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

    private static int? ActiveVersion(SqliteConnection connection, SqliteTransaction transaction) =>
        connection.ExecuteScalar<int?>(ActiveSql, transaction: transaction);

    private static ModelRequest? FindRequest(SqliteConnection connection, SqliteTransaction transaction, string requestId) =>
        connection.QuerySingleOrDefault<RequestRow>(RequestSql, new { RequestId = requestId }, transaction)?.ToRequest();

    private static StoredModel? Get(SqliteConnection connection, SqliteTransaction transaction, int version) =>
        connection.QuerySingleOrDefault<ModelRow>($"SELECT {ModelColumns} FROM models WHERE version = @Version;",
            new { Version = version }, transaction)?.ToModel();

    // JSON has no null list to read back as empty and no NaN or infinity: refuse them before writing anything.
    private static void CheckJudgments(NewModel model)
    {
        const string param = nameof(model);
        if (model.Judgments is null || model.Consistency is null)
            throw new ArgumentException("Judgments and consistency must be lists (empty for none).", param);
        for (var i = 0; i < model.Judgments.Count; i++)
        {
            var j = model.Judgments[i];
            if (j?.Group is null || j.Items is null || j.Values is null || j.Expert is null)
                throw new ArgumentException($"judgments[{i}] lacks its group, items, values or expert.", param);
            if (j.Items.Any(item => item is null)) throw new ArgumentException($"judgments[{i}].items holds a null.", param);
            foreach (var value in j.Values) SchemaLimits.CheckFinite(value, $"judgments[{i}].values", param);
        }
        for (var i = 0; i < model.Consistency.Count; i++)
        {
            var c = model.Consistency[i];
            if (c?.Group is null || c.Items is null || c.Weights is null || c.Experts is null)
                throw new ArgumentException($"consistency[{i}] lacks its group, items, weights or experts.", param);
            if (c.Items.Any(item => item is null)) throw new ArgumentException($"consistency[{i}].items holds a null.", param);
            foreach (var weight in c.Weights) SchemaLimits.CheckFinite(weight, $"consistency[{i}].weights", param);
            Figures(c.LambdaMax, c.Ci, c.Cr, $"consistency[{i}]");
            for (var k = 0; k < c.Experts.Count; k++)
            {
                var e = c.Experts[k] ?? throw new ArgumentException($"consistency[{i}].experts[{k}] is null.", param);
                if (e.Expert is null) throw new ArgumentException($"consistency[{i}].experts[{k}] has no expert.", param);
                Figures(e.LambdaMax, e.Ci, e.Cr, $"consistency[{i}].experts[{k}]");
            }
        }

        static void Figures(double lambdaMax, double ci, double cr, string what)
        {
            SchemaLimits.CheckFinite(lambdaMax, $"{what}.lambda_max", param);
            SchemaLimits.CheckFinite(ci, $"{what}.ci", param);
            SchemaLimits.CheckFinite(cr, $"{what}.cr", param);
        }
    }

    // Versions are compared as the decimal text the contract carries ("3"); anything else never matches.
    private static void CheckExpected(string? expected, int? active)
    {
        if (string.IsNullOrEmpty(expected)) return;
        if (expected != active?.ToString(CultureInfo.InvariantCulture)) throw new ActiveVersionChangedException(expected, active);
    }

    private sealed class ModelRow
    {
        public int Version { get; set; }
        public int? ParentVersion { get; set; }
        public string Author { get; set; } = "";
        public string CreatedAt { get; set; } = "";
        public string Note { get; set; } = "";
        public string DocumentJson { get; set; } = "";
        public string? JudgmentsJson { get; set; }
        public string? ConsistencyJson { get; set; }

        public StoredModel ToModel() => new(Version, ParentVersion, Author, StoredText.ParseTime(CreatedAt), Note, DocumentJson,
            JudgmentColumns.ReadJudgments(JudgmentsJson), JudgmentColumns.ReadConsistency(ConsistencyJson));
    }

    private sealed class RequestRow
    {
        public string RequestId { get; set; } = "";
        public string RequestHash { get; set; } = "";
        public int Version { get; set; }
        public string CreatedAt { get; set; } = "";

        public ModelRequest ToRequest() => new(RequestId, RequestHash, Version, StoredText.ParseTime(CreatedAt));
    }

    private sealed class AuditRow
    {
        public long Id { get; set; }
        public string At { get; set; } = "";
        public string Actor { get; set; } = "";
        public string Action { get; set; } = "";
        public int Version { get; set; }
        public int? PreviousVersion { get; set; }
        public string Note { get; set; } = "";
        public string? DetailsJson { get; set; }

        public AuditRecord ToRecord() => new(Id, StoredText.ParseTime(At), Actor, Action, Version, PreviousVersion, Note, DetailsJson);
    }
}
