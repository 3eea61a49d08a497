using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Scoring.Storage.Evaluations;

/// <summary>The evaluation log: every evaluation kept, to trace a parcel's results over its life.</summary>
public sealed class EvaluationStore(ScoringDatabase database) : EvaluationReads(
    async ct => await database.OpenAsync(ct).ConfigureAwait(false), time => time, time => time,
    // A snapshot is a deferred transaction: a WAL read snapshot.
    (connection, _) => ValueTask.FromResult<System.Data.Common.DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true)))
{
    private const string InsertSql = """
        INSERT INTO evaluations (parcel_id, model_version, score, classification, disposition, completeness,
                                 inputs_json, evaluated_at, level, area_mu, unit_id, street,
                                 clearance_zone, failed_vetoes, top_shortfalls, redevelopment_modes, contested, p_below_threshold)
        VALUES ($parcel_id, $model_version, $score, $classification, $disposition, $completeness, $inputs_json,
                $evaluated_at, $level, $area_mu, $unit_id, $street,
                $clearance_zone, $failed_vetoes, $top_shortfalls, $redevelopment_modes, $contested, $p_below_threshold);
        """;

    /// <inheritdoc />
    public override Task<int> AppendAsync(IReadOnlyList<EvaluationRecord> evaluations, CancellationToken cancellationToken = default)
    {
        EvaluationWrites.Check(evaluations);
        if (evaluations.Count == 0) return Task.FromResult(0);

        // A group of recorded single evaluations goes ahead of ingest chunks; a recorded batch queues with them.
        return database.WriteAsync(ScoringDatabase.SizeOf(evaluations.Count), (connection, transaction, ct) =>
        {
            var now = StoredText.Time(database.Time.GetUtcNow());
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = InsertSql;
            var p = command.Parameters;
            var parcelId = p.Add("$parcel_id", SqliteType.Text);
            var modelVersion = p.Add("$model_version", SqliteType.Text);
            var score = p.Add("$score", SqliteType.Real);
            var classification = p.Add("$classification", SqliteType.Integer);
            var disposition = p.Add("$disposition", SqliteType.Integer);
            var completeness = p.Add("$completeness", SqliteType.Real);
            var inputsJson = p.Add("$inputs_json", SqliteType.Text);
            var evaluatedAt = p.Add("$evaluated_at", SqliteType.Text);
            var level = p.Add("$level", SqliteType.Integer);
            var areaMu = p.Add("$area_mu", SqliteType.Real);
            var unitId = p.Add("$unit_id", SqliteType.Text);
            var street = p.Add("$street", SqliteType.Text);
            var clearanceZone = p.Add("$clearance_zone", SqliteType.Integer);
            var failedVetoes = p.Add("$failed_vetoes", SqliteType.Text);
            var topShortfalls = p.Add("$top_shortfalls", SqliteType.Text);
            var redevelopmentModes = p.Add("$redevelopment_modes", SqliteType.Text);
            var contested = p.Add("$contested", SqliteType.Integer);
            var pBelowThreshold = p.Add("$p_below_threshold", SqliteType.Real);
            command.Prepare();
            foreach (var e in evaluations)
            {
                ct.ThrowIfCancellationRequested();
                parcelId.Value = e.ParcelId;
                modelVersion.Value = e.ModelVersion;
                score.Value = e.Score;
                classification.Value = e.Classification;
                disposition.Value = e.Disposition;
                completeness.Value = e.Completeness;
                inputsJson.Value = e.InputsJson;
                evaluatedAt.Value = e.EvaluatedAt == default ? now : StoredText.Time(e.EvaluatedAt);
                level.Value = (object?)e.Level ?? DBNull.Value;
                areaMu.Value = (object?)e.AreaMu ?? DBNull.Value;
                unitId.Value = (object?)e.UnitId ?? DBNull.Value;
                street.Value = (object?)e.Street ?? DBNull.Value;
                clearanceZone.Value = (object?)e.ClearanceZone ?? DBNull.Value;
                failedVetoes.Value = (object?)StoredLists.Write(e.FailedVetoes) ?? DBNull.Value;
                topShortfalls.Value = (object?)StoredLists.Write(e.TopShortfalls) ?? DBNull.Value;
                redevelopmentModes.Value = (object?)StoredLists.Write(e.RedevelopmentModes) ?? DBNull.Value;
                contested.Value = e.Contested is { } c ? (c ? 1 : 0) : DBNull.Value;
                pBelowThreshold.Value = (object?)e.PBelowThreshold ?? DBNull.Value;
                command.ExecuteNonQuery();
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
