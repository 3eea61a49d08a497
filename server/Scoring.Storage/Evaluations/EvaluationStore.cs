using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Scoring.Storage.Evaluations;

/// <summary>The evaluation log: every evaluation kept, to trace a parcel's results over its life.</summary>
public sealed class EvaluationStore(ScoringDatabase database)
{
    private const string InsertSql = """
        INSERT INTO evaluations (parcel_id, model_version, score, classification, disposition, completeness,
                                 inputs_json, evaluated_at)
        VALUES ($parcel_id, $model_version, $score, $classification, $disposition, $completeness, $inputs_json,
                $evaluated_at);
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
            p.Add("$parcel_id", SqliteType.Text);
            p.Add("$model_version", SqliteType.Text);
            p.Add("$score", SqliteType.Real);
            p.Add("$classification", SqliteType.Integer);
            p.Add("$disposition", SqliteType.Integer);
            p.Add("$completeness", SqliteType.Real);
            p.Add("$inputs_json", SqliteType.Text);
            p.Add("$evaluated_at", SqliteType.Text);
            command.Prepare();
            foreach (var e in evaluations)
            {
                ct.ThrowIfCancellationRequested();
                p[0].Value = e.ParcelId;
                p[1].Value = e.ModelVersion;
                p[2].Value = e.Score;
                p[3].Value = e.Classification;
                p[4].Value = e.Disposition;
                p[5].Value = e.Completeness;
                p[6].Value = e.InputsJson;
                p[7].Value = e.EvaluatedAt == default ? now : StoredText.Time(e.EvaluatedAt);
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
    /// <exception cref="ArgumentException">The page token is not one of this listing's.</exception>
    public async Task<EvaluationPage> ListAsync(string parcelId, int pageSize, string? pageToken,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parcelId);
        var size = StoredText.PageSize(pageSize, nameof(pageSize));
        string? beforeTime = null;
        long beforeId = 0;
        if (!string.IsNullOrEmpty(pageToken))
        {
            var parts = StoredText.DecodeToken(pageToken, "evaluations", 4, nameof(pageToken));
            if (parts[1] != parcelId)
                throw new ArgumentException("The page token belongs to another parcel's listing.", nameof(pageToken));
            if (parts[2] is null || !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out beforeId))
                throw new ArgumentException("Not a page token returned by this list call.", nameof(pageToken));
            beforeTime = parts[2];
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
            ? StoredText.EncodeToken("evaluations", parcelId, rows[size - 1].EvaluatedAt,
                rows[size - 1].Id.ToString(CultureInfo.InvariantCulture))
            : null;
        return new EvaluationPage(page, next);
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
