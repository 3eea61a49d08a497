using Dapper;
using Microsoft.Data.Sqlite;

namespace Scoring.Storage.Models;

/// <summary>
/// Model versions, the active version and the audit log. Versions are immutable and numbered 1, 2, 3… in the
/// order they are stored; every creation and activation writes an audit record in the same transaction.
/// Documents are kept as JSON text (callers validate them with the engine); judgments and consistency figures are
/// typed here and kept as JSON in their own columns. A version may carry the request id of the call that created it,
/// stored in the same transaction, so a retried call gets that version back.
/// </summary>
public sealed class ModelStore(ScoringDatabase database) : ModelTables(async ct => await database.OpenAsync(ct).ConfigureAwait(false), time => time,
    ActiveSql, (connection, _) => ValueTask.FromResult<System.Data.Common.DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true)))
{
    /// <summary>The note of the default model stored by <see cref="ModelTables.EnsureInitialAsync"/>.</summary>
    public const string InitialNote = "Default model, stored when the database was new.";

    private const string ActiveSql = "SELECT version FROM active_model WHERE id = 1;";

    // One small write transaction; the rules run on its rows.
    private protected override Task<T> WriteAsync<T>(Func<IModelTransaction, T> work, CancellationToken cancellationToken) =>
        database.WriteAsync(WriteSize.Small, (connection, transaction, _) => work(new Writes(this, connection, transaction, database.Time)), cancellationToken);

    // The model tables inside one SQLite transaction.
    private sealed class Writes(ModelStore store, SqliteConnection connection, SqliteTransaction transaction, TimeProvider time) : Transaction(store, connection, transaction)
    {
        // Times keep their ticks in UTC as text, so now reads back equal.
        public override DateTimeOffset Now() => time.GetUtcNow();

        public override void InsertModel(StoredModel model, string? judgmentsJson, string? consistencyJson) =>
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

        public override void InsertRequest(string requestId, string requestHash, int version, DateTimeOffset createdAt) =>
            connection.Execute("""
                INSERT INTO model_requests (request_id, request_hash, version, created_at)
                VALUES (@RequestId, @RequestHash, @Version, @CreatedAt);
                """, new { RequestId = requestId, RequestHash = requestHash, Version = version, CreatedAt = StoredText.Time(createdAt) }, transaction);

        public override void SetActive(int version) =>
            connection.Execute("""
                INSERT INTO active_model (id, version) VALUES (1, @Version)
                ON CONFLICT (id) DO UPDATE SET version = excluded.version;
                """, new { Version = version }, transaction);

        public override void SetLabel(string label, int version, DateTimeOffset at, string actor) =>
            connection.Execute("""
                INSERT INTO model_labels (label, version, set_at, set_by) VALUES (@Label, @Version, @SetAt, @SetBy)
                ON CONFLICT (label) DO UPDATE SET version = excluded.version, set_at = excluded.set_at, set_by = excluded.set_by;
                """, new { Label = label, Version = version, SetAt = StoredText.Time(at), SetBy = actor }, transaction);

        // Other processes on the file read the labels again on their periodic refresh.
        public override void AnnounceLabels(string label)
        {
        }

        public override void Audit(DateTimeOffset at, string actor, string action, int version, int? previous, string note, string? detailsJson) =>
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
