using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;
using Scoring.Storage.Paging;

namespace Scoring.Storage.Evaluations;

/// <summary>The evaluation log: every evaluation kept, to trace a parcel's results over its life.</summary>
public sealed class EvaluationStore(ScoringDatabase database)
{
    private const string Listing = "evaluations";

    private const string InsertSql = """
        INSERT INTO evaluations (parcel_id, model_version, score, classification, disposition, completeness,
                                 inputs_json, evaluated_at, level, area_mu, unit_id, street)
        VALUES ($parcel_id, $model_version, $score, $classification, $disposition, $completeness, $inputs_json,
                $evaluated_at, $level, $area_mu, $unit_id, $street);
        """;

    private const string Columns = """
        id AS Id, parcel_id AS ParcelId, model_version AS ModelVersion, score AS Score,
        classification AS Classification, disposition AS Disposition, completeness AS Completeness,
        inputs_json AS InputsJson, evaluated_at AS EvaluatedAt
        """;

    /// <summary>Appends evaluations in one transaction.</summary>
    /// <returns>The number of evaluations appended.</returns>
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

        return database.WriteAsync((connection, transaction, ct) =>
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
                command.ExecuteNonQuery();
            }
            return evaluations.Count;
        }, cancellationToken);
    }

    /// <summary>A parcel's evaluations, newest first (by evaluated time, then by id).</summary>
    /// <param name="parcelId">Cadastral id.</param>
    /// <param name="pageSize">0 for <see cref="ScoringDatabase.DefaultPageSize"/>; cut to <see cref="ScoringDatabase.MaxPageSize"/>.</param>
    /// <param name="pageToken">Null or empty for the first page, else the token of the previous page for the same parcel.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="InvalidPageTokenException">The page token is not one of this listing's.</exception>
    public async Task<EvaluationPage> ListAsync(string parcelId, int pageSize, string? pageToken,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parcelId);
        var size = PageToken.PageSize(pageSize);
        string? beforeTime = null;
        long beforeId = 0;
        if (!string.IsNullOrEmpty(pageToken))
        {
            var parts = PageToken.Decode(pageToken, Listing, 3);
            if (parts[0] != parcelId) throw new InvalidPageTokenException("belongs to another parcel's evaluation listing");
            if (!StoredText.IsTime(parts[1])) throw new InvalidPageTokenException("does not hold a position");
            beforeTime = parts[1];
            beforeId = PageToken.Number(parts[2]);
        }

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

        var more = rows.Count > size;
        var page = new List<StoredEvaluation>(Math.Min(rows.Count, size));
        for (var i = 0; i < rows.Count && i < size; i++)
        {
            var r = rows[i];
            page.Add(new StoredEvaluation(r.Id, new EvaluationRecord(r.ParcelId, r.ModelVersion, r.Score, r.Classification,
                r.Disposition, r.Completeness, r.InputsJson, StoredText.ParseTime(r.EvaluatedAt))));
        }
        var next = more
            ? PageToken.Encode(Listing, parcelId, rows[size - 1].EvaluatedAt, rows[size - 1].Id.ToString(CultureInfo.InvariantCulture))
            : null;
        return new EvaluationPage(page, next);
    }

    /// <summary>
    /// Rolls up the latest evaluation of each parcel under <paramref name="modelVersion"/>: in total, by level,
    /// by management unit and by street. One read transaction, so all groupings see the same evaluations.
    /// </summary>
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
                SELECT {key} AS Key, COUNT(*) AS ParcelCount, TOTAL(area_mu) AS AreaMu,
                       CASE WHEN TOTAL(area_mu) > 0 THEN TOTAL(area_mu * score) / TOTAL(area_mu) ELSE AVG(score) END AS MeanScore,
                       TOTAL(classification IN (3, 4)) AS InefficientCount,
                       TOTAL(CASE WHEN classification IN (3, 4) THEN area_mu END) AS InefficientAreaMu,
                       TOTAL(classification = 1) AS C1, TOTAL(classification = 2) AS C2, TOTAL(classification = 3) AS C3,
                       TOTAL(classification = 4) AS C4, TOTAL(classification = 5) AS C5,
                       TOTAL(disposition = 1) AS D1, TOTAL(disposition = 2) AS D2, TOTAL(disposition = 3) AS D3,
                       TOTAL(disposition = 4) AS D4, TOTAL(disposition = 5) AS D5
                FROM latest GROUP BY 1 ORDER BY 1;
                """;
            var rows = await connection.QueryAsync<GroupRow>(new CommandDefinition(sql, new { Version = modelVersion },
                transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return rows.Select(r => r.ToGroup()).ToList();
        }

        var total = await Group("''").ConfigureAwait(false);
        return new EvaluationSummary(
            total.Count > 0 ? total[0] : new EvaluationGroup("", 0, 0, 0, 0, 0, new int[6], new int[6]),
            await Group("COALESCE(CAST(level AS TEXT), '')").ConfigureAwait(false),
            await Group("COALESCE(unit_id, '')").ConfigureAwait(false),
            await Group("COALESCE(street, '')").ConfigureAwait(false));
    }

    private sealed class GroupRow
    {
        public string Key { get; set; } = "";
        public long ParcelCount { get; set; }
        public double AreaMu { get; set; }
        public double MeanScore { get; set; }
        public double InefficientCount { get; set; }
        public double InefficientAreaMu { get; set; }
        public double C1 { get; set; }
        public double C2 { get; set; }
        public double C3 { get; set; }
        public double C4 { get; set; }
        public double C5 { get; set; }
        public double D1 { get; set; }
        public double D2 { get; set; }
        public double D3 { get; set; }
        public double D4 { get; set; }
        public double D5 { get; set; }

        public EvaluationGroup ToGroup() => new(Key, (int)ParcelCount, AreaMu, MeanScore, (int)InefficientCount, InefficientAreaMu,
            [0, (int)C1, (int)C2, (int)C3, (int)C4, (int)C5], [0, (int)D1, (int)D2, (int)D3, (int)D4, (int)D5]);
    }

    private sealed class EvaluationRow
    {
        public long Id { get; set; }
        public string ParcelId { get; set; } = "";
        public string ModelVersion { get; set; } = "";
        public double Score { get; set; }
        public int Classification { get; set; }
        public int Disposition { get; set; }
        public double Completeness { get; set; }
        public string InputsJson { get; set; } = "";
        public string EvaluatedAt { get; set; } = "";
    }
}
