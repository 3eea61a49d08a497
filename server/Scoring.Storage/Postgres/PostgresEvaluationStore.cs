using System.Data;
using Npgsql;
using NpgsqlTypes;
using Scoring.Storage.Evaluations;

namespace Scoring.Storage.Postgres;

/// <summary>The evaluation log in PostgreSQL: appended by binary COPY, read with the same SQL as the SQLite store.</summary>
public sealed class PostgresEvaluationStore(PostgresDatabase database) : EvaluationReads(
    async ct => await database.OpenAsync(ct).ConfigureAwait(false), PostgresText.TimeColumn, time => PostgresText.Utc(time),
    // A snapshot for the roll-ups: REPEATABLE READ sees one snapshot for the whole transaction.
    async (connection, ct) => await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct).ConfigureAwait(false),
    inputs => inputs)
{
    /// <inheritdoc />
    public override Task<int> AppendAsync(IReadOnlyList<EvaluationRecord> evaluations, CancellationToken cancellationToken = default)
    {
        EvaluationWrites.Check(evaluations);
        if (evaluations.Count == 0) return Task.FromResult(0);
        return database.WriteAsync(async (connection, transaction, ct) =>
        {
            var now = PostgresText.Utc(database.Now());
            await using var copy = await connection.BeginBinaryImportAsync("""
                COPY evaluations (parcel_id, model_version, score, classification, disposition, completeness, inputs_json, evaluated_at,
                                  level, area_mu, unit_id, street, clearance_zone, failed_vetoes, top_shortfalls, redevelopment_modes,
                                  contested, p_below_threshold)
                FROM STDIN (FORMAT BINARY)
                """, ct).ConfigureAwait(false);
            foreach (var e in evaluations)
            {
                await copy.StartRowAsync(ct).ConfigureAwait(false);
                await copy.WriteAsync(e.ParcelId, NpgsqlDbType.Text, ct).ConfigureAwait(false);
                await copy.WriteAsync(e.ModelVersion, NpgsqlDbType.Text, ct).ConfigureAwait(false);
                await copy.WriteAsync(e.Score, NpgsqlDbType.Double, ct).ConfigureAwait(false);
                await copy.WriteAsync(e.Classification, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
                await copy.WriteAsync(e.Disposition, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
                await copy.WriteAsync(e.Completeness, NpgsqlDbType.Double, ct).ConfigureAwait(false);
                await copy.WriteAsync(e.InputsJson, NpgsqlDbType.Text, ct).ConfigureAwait(false);
                await copy.WriteAsync(e.EvaluatedAt == default ? now : PostgresText.Utc(e.EvaluatedAt), NpgsqlDbType.TimestampTz, ct).ConfigureAwait(false);
                await Copy.WriteAsync(copy, e.Level, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
                await Copy.WriteAsync(copy, e.AreaMu, NpgsqlDbType.Double, ct).ConfigureAwait(false);
                await Copy.WriteAsync(copy, e.UnitId, NpgsqlDbType.Text, ct).ConfigureAwait(false);
                await Copy.WriteAsync(copy, e.Street, NpgsqlDbType.Text, ct).ConfigureAwait(false);
                await Copy.WriteAsync(copy, e.ClearanceZone, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
                await Copy.WriteAsync(copy, StoredLists.Write(e.FailedVetoes), NpgsqlDbType.Text, ct).ConfigureAwait(false);
                await Copy.WriteAsync(copy, StoredLists.Write(e.TopShortfalls), NpgsqlDbType.Text, ct).ConfigureAwait(false);
                await Copy.WriteAsync(copy, StoredLists.Write(e.RedevelopmentModes), NpgsqlDbType.Text, ct).ConfigureAwait(false);
                await Copy.WriteAsync(copy, e.Contested, NpgsqlDbType.Boolean, ct).ConfigureAwait(false);
                await Copy.WriteAsync(copy, e.PBelowThreshold, NpgsqlDbType.Double, ct).ConfigureAwait(false);
            }
            await copy.CompleteAsync(ct).ConfigureAwait(false);
            return evaluations.Count;
        }, cancellationToken);
    }
}
