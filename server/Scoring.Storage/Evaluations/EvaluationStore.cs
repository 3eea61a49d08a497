using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Scoring.Engine.Evaluation;
using Scoring.Storage.Paging;

namespace Scoring.Storage.Evaluations;

/// <summary>The evaluation log: every evaluation kept, to trace a parcel's results over its life.</summary>
public sealed class EvaluationStore(ScoringDatabase database) : IEvaluationStore
{
    private const string InsertSql = """
        INSERT INTO evaluations (parcel_id, model_version, score, classification, disposition, completeness,
                                 inputs_json, evaluated_at, level, area_mu, unit_id, street,
                                 clearance_zone, failed_vetoes, top_shortfalls, redevelopment_modes)
        VALUES ($parcel_id, $model_version, $score, $classification, $disposition, $completeness, $inputs_json,
                $evaluated_at, $level, $area_mu, $unit_id, $street,
                $clearance_zone, $failed_vetoes, $top_shortfalls, $redevelopment_modes);
        """;

    private const string Columns = """
        id AS Id, parcel_id AS ParcelId, model_version AS ModelVersion, score AS Score,
        classification AS Classification, disposition AS Disposition, completeness AS Completeness,
        inputs_json AS InputsJson, evaluated_at AS EvaluatedAt, level AS Level, area_mu AS AreaMu, unit_id AS UnitId,
        street AS Street, clearance_zone AS ClearanceZone, failed_vetoes AS FailedVetoes, top_shortfalls AS TopShortfalls,
        redevelopment_modes AS RedevelopmentModes
        """;

    private static readonly string FilteredColumns = Columns.Replace("id AS Id,", "e.id AS Id,", StringComparison.Ordinal);

    // The engine's one rule for "inefficient", passed to the roll-up SQL as a list parameter.
    private static readonly int[] InefficientNumbers = [.. Classifications.Inefficient.Select(c => (int)c)];

    /// <inheritdoc />
    public Task<int> AppendAsync(IReadOnlyList<EvaluationRecord> evaluations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evaluations);
        for (var i = 0; i < evaluations.Count; i++)
        {
            var e = evaluations[i] ?? throw new ArgumentException($"evaluations[{i}] is null.", nameof(evaluations));
            if (string.IsNullOrEmpty(e.ParcelId))
                throw new ArgumentException($"evaluations[{i}] has no parcel id.", nameof(evaluations));
            if (e.ModelVersion is null || e.InputsJson is null)
                throw new ArgumentException($"evaluations[{i}] has no model version or inputs.", nameof(evaluations));
            // SQLite stores NaN as NULL, which the NOT NULL columns refuse.
            if (!double.IsFinite(e.Score) || !double.IsFinite(e.Completeness))
                throw new ArgumentException($"evaluations[{i}] has a score or completeness that is not finite.", nameof(evaluations));
        }
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
                command.ExecuteNonQuery();
            }
            return evaluations.Count;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<EvaluationPage> ListAsync(string parcelId, int pageSize, string? pageToken,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parcelId);
        var size = PageToken.PageSize(pageSize);
        var (beforeTime, beforeId) = EvaluationListing.Before(parcelId, pageToken);

        var sql = beforeTime is null
            ? $"SELECT {Columns} FROM evaluations WHERE parcel_id = @ParcelId ORDER BY evaluated_at DESC, id DESC LIMIT @Limit;"
            : $"""
               SELECT {Columns} FROM evaluations
               WHERE parcel_id = @ParcelId AND (evaluated_at, id) < (@BeforeTime, @BeforeId)
               ORDER BY evaluated_at DESC, id DESC LIMIT @Limit;
               """;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await connection.QueryAsync<EvaluationRow>(new CommandDefinition(sql,
            new { ParcelId = parcelId, BeforeTime = beforeTime, BeforeId = beforeId, Limit = size + 1 },
            cancellationToken: cancellationToken)).ConfigureAwait(false)).AsList();

        var next = EvaluationListing.HistoryNext(rows, size, parcelId);
        return new EvaluationPage(rows.ConvertAll(r => r.ToStored()), next);
    }

    /// <inheritdoc />
    public async Task<EvaluationPage> ListAsync(EvaluationFilter filter, int pageSize, string? pageToken,
        CancellationToken cancellationToken = default)
    {
        var size = PageToken.PageSize(pageSize);
        var query = EvaluationListing.Filtered(filter, size, pageToken, time => time);
        var sql = $"SELECT {FilteredColumns} FROM evaluations e {query.Where} ORDER BY {query.Order} LIMIT @Limit;";
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await connection.QueryAsync<EvaluationRow>(new CommandDefinition(sql, query.Arguments, cancellationToken: cancellationToken))
            .ConfigureAwait(false)).AsList();
        var next = query.Next(rows, size);
        return new EvaluationPage(rows.ConvertAll(r => r.ToStored()), next);
    }

    /// <inheritdoc />
    public async Task<EvaluationSummary> SummarizeAsync(string modelVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelVersion);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = connection.BeginTransaction(deferred: true);
        async Task<List<EvaluationGroup>> Group(string key)
        {
            var sql = $"""
                WITH latest AS (
                    SELECT e.* FROM evaluations e
                    JOIN (SELECT MAX(id) AS id FROM evaluations WHERE model_version = @Version GROUP BY parcel_id) m ON e.id = m.id)
                SELECT {key} AS group_key, COUNT(*) AS parcel_count, TOTAL(area_mu) AS total_area_mu,
                       CASE WHEN TOTAL(area_mu) > 0 THEN TOTAL(area_mu * score) / TOTAL(area_mu) ELSE AVG(score) END AS mean_score,
                       TOTAL(classification IN @Inefficient) AS inefficient_count,
                       TOTAL(CASE WHEN classification IN @Inefficient THEN area_mu END) AS inefficient_area_mu,
                       {GroupColumns.Counts}
                FROM latest GROUP BY 1 ORDER BY 1;
                """;
            await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql,
                new { Version = modelVersion, Inefficient = InefficientNumbers }, transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            var columns = new GroupColumns(reader);
            var groups = new List<EvaluationGroup>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) groups.Add(columns.Read());
            return groups;
        }

        var total = await Group("''").ConfigureAwait(false);
        return new EvaluationSummary(
            total.Count > 0 ? total[0] : GroupColumns.Empty,
            await Group("COALESCE(CAST(level AS TEXT), '')").ConfigureAwait(false),
            await Group("COALESCE(unit_id, '')").ConfigureAwait(false),
            await Group("COALESCE(street, '')").ConfigureAwait(false));
    }
}

/// <summary>The lists an evaluation keeps in one column each, as JSON arrays; NULL when not recorded.</summary>
internal static class StoredLists
{
    public static string? Write<T>(IReadOnlyList<T>? items) => items is null ? null : JsonSerializer.Serialize(items);

    public static IReadOnlyList<T>? Read<T>(string? json) => json is null ? null : JsonSerializer.Deserialize<T[]>(json);
}
