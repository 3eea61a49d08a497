using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Scoring.Storage.Evaluations;

/// <summary>The evaluation log: every evaluation kept, to trace a parcel's results over its life.</summary>
public sealed class EvaluationStore(ScoringDatabase database) : EvaluationReads(
    async ct => await database.OpenAsync(ct).ConfigureAwait(false), time => time, time => time,
    // A snapshot is a deferred transaction: a WAL read snapshot.
    (connection, _) => ValueTask.FromResult<System.Data.Common.DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true)),
    InputsText)
{
    // The inputs go in as SQLite's binary JSON (JSONB): the same document without its quotes, colons and commas, about a sixth
    // smaller, which keeps a history row of a full parcel under half a 4 KiB page, so that a one-record commit does not start
    // a leaf page of its own. Text that is not JSON is kept as it came, as before.
    private const string InsertSql = """
        INSERT INTO evaluations (parcel_id, model_version, score, classification, disposition, completeness,
                                 inputs_json, evaluated_at, level, area_mu, unit_id, street,
                                 clearance_zone, failed_vetoes, top_shortfalls, redevelopment_modes, contested, p_below_threshold)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, iif(json_valid(?7), jsonb(?7), ?7), ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18);
        """;

    /// <summary>
    /// The SQL reading the inputs <paramref name="column"/> as the JSON text it was written as: json() renders binary JSON
    /// back to that text; rows kept as text (before the inputs went in as binary JSON) are read as they are.
    /// </summary>
    internal static string InputsText(string column) => $"iif(typeof({column}) = 'blob', json({column}), {column})";

    /// <inheritdoc />
    public override Task<int> AppendAsync(IReadOnlyList<EvaluationRecord> evaluations, CancellationToken cancellationToken = default)
    {
        EvaluationWrites.Check(evaluations);
        if (evaluations.Count == 0) return Task.FromResult(0);

        // A group of recorded single evaluations goes ahead of ingest chunks; a recorded batch queues with them.
        return database.WriteAsync(ScoringDatabase.SizeOf(evaluations.Count), (connection, _, ct) =>
        {
            var now = StoredText.Time(database.Time.GetUtcNow());
            // Kept prepared on the writer from one write to the next: a recorded single evaluation is one short write.
            var insert = database.WriterStatement(connection, InsertSql);
            foreach (var e in evaluations)
            {
                ct.ThrowIfCancellationRequested();
                // In the INSERT's order.
                insert.Bind(1, e.ParcelId);
                insert.Bind(2, e.ModelVersion);
                insert.Bind(3, e.Score);
                insert.Bind(4, e.Classification);
                insert.Bind(5, e.Disposition);
                insert.Bind(6, e.Completeness);
                insert.Bind(7, e.InputsJson);
                insert.Bind(8, e.EvaluatedAt == default ? now : StoredText.Time(e.EvaluatedAt));
                insert.Bind(9, e.Level);
                insert.Bind(10, e.AreaMu);
                insert.Bind(11, e.UnitId);
                insert.Bind(12, e.Street);
                insert.Bind(13, e.ClearanceZone);
                insert.Bind(14, StoredLists.Write(e.FailedVetoes));
                insert.Bind(15, StoredLists.Write(e.TopShortfalls));
                insert.Bind(16, StoredLists.Write(e.RedevelopmentModes));
                insert.Bind(17, e.Contested);
                insert.Bind(18, e.PBelowThreshold);
                insert.Execute();
            }
            return evaluations.Count;
        }, cancellationToken);
    }
}

/// <summary>The lists an evaluation keeps in one column each, as JSON arrays; NULL when not recorded.</summary>
internal static class StoredLists
{
    public static string? Write<T>(IReadOnlyList<T>? items) => items is null ? null : JsonSerializer.Serialize(items);

    public static IReadOnlyList<T>? Read<T>(string? json) => json is null ? null : JsonSerializer.Deserialize<T[]>(json);
}
