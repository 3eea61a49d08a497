using System.Data;
using System.Globalization;
using Dapper;
using Npgsql;
using Scoring.Storage.Models;

namespace Scoring.Storage.Postgres;

/// <summary>
/// Model versions, the active version and the audit log in PostgreSQL, with the rules of <see cref="ModelWrites"/>. Every
/// write takes <see cref="AdvisoryLocks.Models"/> first, so version numbers and audit ids follow commit order across
/// replicas; the partial unique index keeps one version active whatever happens; an activation is one transaction that
/// ends with <c>pg_notify('model_activated', version)</c>, delivered to every replica listening when it commits; a label change
/// likewise ends with <c>pg_notify('model_labeled', label)</c>.
/// </summary>
public sealed class PostgresModelStore(PostgresDatabase database) : ModelTables(async ct => await database.OpenAsync(ct).ConfigureAwait(false),
    PostgresText.TimeColumn, ActiveSql, async (connection, ct) => await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct).ConfigureAwait(false))
{
    /// <summary>The channel an activation is announced on; the payload is the version number.</summary>
    public const string ActivationChannel = "model_activated";

    /// <summary>The channel a label change is announced on; the payload is the label.</summary>
    public const string LabelChannel = "model_labeled";

    private const string ActiveSql = "SELECT version FROM models WHERE is_active;";

    // One write transaction under the models lock; the rules run on its rows.
    private protected override Task<T> WriteAsync<T>(Func<IModelTransaction, T> work, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction, ct) =>
        {
            await AdvisoryLocks.TakeAsync(connection, transaction, AdvisoryLocks.Models, ct).ConfigureAwait(false);
            return work(new Writes(this, connection, transaction, database));
        }, cancellationToken);

    // The model tables inside one PostgreSQL transaction.
    private sealed class Writes(PostgresModelStore store, NpgsqlConnection connection, NpgsqlTransaction transaction, PostgresDatabase database) : Transaction(store, connection, transaction)
    {
        public override DateTimeOffset Now() => database.Now();

        public override void InsertModel(StoredModel model, string? judgmentsJson, string? consistencyJson) =>
            connection.Execute("""
                INSERT INTO models (version, parent_version, author, created_at, note, document_json, judgments_json, consistency_json)
                VALUES (@Version, @ParentVersion, @Author, @CreatedAt, @Note, CAST(@DocumentJson AS json), CAST(@JudgmentsJson AS json),
                        CAST(@ConsistencyJson AS json));
                """, new
            {
                model.Version, model.ParentVersion, model.Author, CreatedAt = PostgresText.Utc(model.CreatedAt), model.Note, model.DocumentJson,
                JudgmentsJson = judgmentsJson, ConsistencyJson = consistencyJson,
            }, transaction);

        public override void InsertRequest(string requestId, string requestHash, int version, DateTimeOffset createdAt) =>
            connection.Execute("""
                INSERT INTO model_requests (request_id, request_hash, version, created_at) VALUES (@RequestId, @RequestHash, @Version, @CreatedAt);
                """, new { RequestId = requestId, RequestHash = requestHash, Version = version, CreatedAt = PostgresText.Utc(createdAt) }, transaction);

        // The old version goes first: the partial unique index allows one true value at every moment.
        public override void SetActive(int version) =>
            connection.Execute($"""
                UPDATE models SET is_active = false WHERE is_active AND version <> @Version;
                UPDATE models SET is_active = true WHERE version = @Version;
                SELECT pg_notify('{ActivationChannel}', @Payload);
                """, new { Version = version, Payload = version.ToString(CultureInfo.InvariantCulture) }, transaction);

        public override void SetLabel(string label, int version, DateTimeOffset at, string actor) =>
            connection.Execute("""
                INSERT INTO model_labels (label, version, set_at, set_by) VALUES (@Label, @Version, @SetAt, @SetBy)
                ON CONFLICT (label) DO UPDATE SET version = excluded.version, set_at = excluded.set_at, set_by = excluded.set_by;
                """, new { Label = label, Version = version, SetAt = PostgresText.Utc(at), SetBy = actor }, transaction);

        public override void AnnounceLabels(string label) =>
            connection.Execute($"SELECT pg_notify('{LabelChannel}', @Label);", new { Label = label }, transaction);

        public override void Audit(DateTimeOffset at, string actor, string action, int version, int? previous, string note, string? detailsJson) =>
            connection.Execute("""
                INSERT INTO audit_log (at, actor, action, version, previous_version, note, details_json)
                VALUES (@At, @Actor, @Action, @Version, @PreviousVersion, @Note, CAST(@DetailsJson AS json));
                """, new
            {
                At = PostgresText.Utc(at), Actor = actor, Action = action, Version = version, PreviousVersion = previous, Note = note,
                DetailsJson = detailsJson,
            }, transaction);
    }
}
