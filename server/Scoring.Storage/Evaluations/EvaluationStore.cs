using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Scoring.Engine.Evaluation;
using Scoring.Storage.Paging;
using static System.FormattableString;

namespace Scoring.Storage.Evaluations;

/// <summary>The evaluation log: every evaluation kept, to trace a parcel's results over its life.</summary>
public sealed class EvaluationStore(ScoringDatabase database) : IEvaluationStore
{
    private const string Listing = "evaluations";
    private const string FilteredListing = "evaluation-list";

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

        var next = PageToken.CutPage(rows, size, Listing, r => [parcelId, r.EvaluatedAt, r.Id.ToString(CultureInfo.InvariantCulture)]);
        return new EvaluationPage(rows.ConvertAll(r => r.ToStored()), next);
    }

    /// <inheritdoc />
    public async Task<EvaluationPage> ListAsync(EvaluationFilter filter, int pageSize, string? pageToken,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var size = PageToken.PageSize(pageSize);
        // The token carries the filter it was made under, so a page of one list is never continued in another.
        var filterText = JsonSerializer.Serialize(filter);
        var conditions = new List<string>();
        var args = new DynamicParameters(new
        {
            filter.ParcelId, filter.Classification, filter.Disposition, filter.ClearanceZone, filter.Street, filter.UnitId,
            filter.Level, filter.ModelVersion, Limit = size + 1,
        });
        if (filter.LatestOnly)
        {
            var scope = string.Join(" AND ", new[] { filter.ModelVersion is null ? null : "model_version = @ModelVersion",
                filter.ParcelId is null ? null : "parcel_id = @ParcelId" }.Where(c => c is not null));
            conditions.Add($"e.id IN (SELECT MAX(id) FROM evaluations {(scope.Length > 0 ? "WHERE " + scope : "")} GROUP BY parcel_id)");
        }
        if (filter.ParcelId is not null) conditions.Add("e.parcel_id = @ParcelId");
        if (filter.ModelVersion is not null) conditions.Add("e.model_version = @ModelVersion");
        if (filter.Classification is not null) conditions.Add("e.classification = @Classification");
        if (filter.Disposition is not null) conditions.Add("e.disposition = @Disposition");
        if (filter.ClearanceZone is not null) conditions.Add("e.clearance_zone = @ClearanceZone");
        if (filter.Street is not null) conditions.Add("e.street = @Street");
        if (filter.UnitId is not null) conditions.Add("e.unit_id = @UnitId");
        if (filter.Level is not null) conditions.Add("e.level = @Level");

        // Keyset paging: the token holds the last row's position in the listing's order.
        var (order, after) = filter.Order switch
        {
            EvaluationOrder.Score => ("e.score, e.parcel_id, e.evaluated_at DESC, e.id DESC",
                "(e.score > @AfterScore OR (e.score = @AfterScore AND (e.parcel_id > @AfterParcel OR (e.parcel_id = @AfterParcel AND (e.evaluated_at, e.id) < (@AfterTime, @AfterId)))))"),
            EvaluationOrder.EvaluateTime => ("e.evaluated_at DESC, e.id DESC", "(e.evaluated_at, e.id) < (@AfterTime, @AfterId)"),
            _ => ("e.parcel_id, e.evaluated_at DESC, e.id DESC",
                "(e.parcel_id > @AfterParcel OR (e.parcel_id = @AfterParcel AND (e.evaluated_at, e.id) < (@AfterTime, @AfterId)))"),
        };
        if (!string.IsNullOrEmpty(pageToken))
        {
            var parts = PageToken.Decode(pageToken, FilteredListing, 5);
            if (parts[0] != filterText) throw new InvalidPageTokenException("was made for another filter or order of the evaluation listing");
            if (!StoredText.IsTime(parts[2]) || !double.TryParse(parts[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var afterScore))
                throw new InvalidPageTokenException("does not hold a position");
            args.AddDynamicParams(new { AfterParcel = parts[1], AfterTime = parts[2], AfterScore = afterScore, AfterId = PageToken.Number(parts[4]) });
            conditions.Add(after);
        }

        var sql = $"SELECT {FilteredColumns} FROM evaluations e {(conditions.Count > 0 ? "WHERE " + string.Join(" AND ", conditions) : "")} " +
                  $"ORDER BY {order} LIMIT @Limit;";
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await connection.QueryAsync<EvaluationRow>(new CommandDefinition(sql, args, cancellationToken: cancellationToken))
            .ConfigureAwait(false)).AsList();
        var next = PageToken.CutPage(rows, size, FilteredListing, r =>
            [filterText, r.ParcelId, r.EvaluatedAt, r.Score.ToString("R", CultureInfo.InvariantCulture), r.Id.ToString(CultureInfo.InvariantCulture)]);
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

    // Reads one roll-up group by column name. The per-classification and per-disposition counts are one column
    // each, generated from the engine's enums, so a new member is counted without touching the SQL.
    private sealed class GroupColumns
    {
        private static readonly int[] ClassificationNumbers = [.. Enum.GetValues<Classification>().Select(c => (int)c)];
        private static readonly int[] DispositionNumbers = [.. Enum.GetValues<Disposition>().Select(d => (int)d)];

        /// <summary>The count columns: <c>TOTAL(classification = n) AS classification_n</c>, then the same for dispositions.</summary>
        public static readonly string Counts = string.Join(", ",
            ClassificationNumbers.Select(n => Invariant($"TOTAL(classification = {n}) AS {Column("classification", n)}"))
                .Concat(DispositionNumbers.Select(n => Invariant($"TOTAL(disposition = {n}) AS {Column("disposition", n)}"))));

        /// <summary>The total of a version without evaluations.</summary>
        public static EvaluationGroup Empty =>
            new("", 0, 0, 0, 0, 0, new int[ClassificationNumbers.Max() + 1], new int[DispositionNumbers.Max() + 1]);

        private readonly DbDataReader _reader;
        private readonly int _key, _parcelCount, _areaMu, _meanScore, _inefficientCount, _inefficientAreaMu;
        private readonly (int Number, int Ordinal)[] _classifications, _dispositions;

        public GroupColumns(DbDataReader reader)
        {
            _reader = reader;
            _key = reader.GetOrdinal("group_key");
            _parcelCount = reader.GetOrdinal("parcel_count");
            _areaMu = reader.GetOrdinal("total_area_mu");
            _meanScore = reader.GetOrdinal("mean_score");
            _inefficientCount = reader.GetOrdinal("inefficient_count");
            _inefficientAreaMu = reader.GetOrdinal("inefficient_area_mu");
            _classifications = [.. ClassificationNumbers.Select(n => (n, reader.GetOrdinal(Column("classification", n))))];
            _dispositions = [.. DispositionNumbers.Select(n => (n, reader.GetOrdinal(Column("disposition", n))))];
        }

        public EvaluationGroup Read() => new(
            _reader.GetString(_key),
            (int)_reader.GetInt64(_parcelCount),
            _reader.GetDouble(_areaMu),
            _reader.GetDouble(_meanScore),
            (int)_reader.GetDouble(_inefficientCount),
            _reader.GetDouble(_inefficientAreaMu),
            CountsBy(_classifications),
            CountsBy(_dispositions));

        // Indexed by the enum number; index 0 (no member) stays 0.
        private int[] CountsBy((int Number, int Ordinal)[] columns)
        {
            var counts = new int[columns.Max(c => c.Number) + 1];
            foreach (var (number, ordinal) in columns) counts[number] = (int)_reader.GetDouble(ordinal);
            return counts;
        }

        private static string Column(string kind, int number) => Invariant($"{kind}_{number}");
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
        public long? Level { get; set; }
        public double? AreaMu { get; set; }
        public string? UnitId { get; set; }
        public string? Street { get; set; }
        public long? ClearanceZone { get; set; }
        public string? FailedVetoes { get; set; }
        public string? TopShortfalls { get; set; }
        public string? RedevelopmentModes { get; set; }

        public StoredEvaluation ToStored() => new(Id, new EvaluationRecord(ParcelId, ModelVersion, Score, Classification, Disposition,
            Completeness, InputsJson, StoredText.ParseTime(EvaluatedAt))
        {
            Level = (int?)Level,
            AreaMu = AreaMu,
            UnitId = UnitId,
            Street = Street,
            ClearanceZone = (int?)ClearanceZone,
            FailedVetoes = StoredLists.Read<string>(FailedVetoes),
            TopShortfalls = StoredLists.Read<string>(TopShortfalls),
            RedevelopmentModes = StoredLists.Read<int>(RedevelopmentModes),
        });
    }
}

/// <summary>The lists an evaluation keeps in one column each, as JSON arrays; NULL when not recorded.</summary>
internal static class StoredLists
{
    public static string? Write<T>(IReadOnlyList<T>? items) => items is null ? null : JsonSerializer.Serialize(items);

    public static IReadOnlyList<T>? Read<T>(string? json) => json is null ? null : JsonSerializer.Deserialize<T[]>(json);
}
