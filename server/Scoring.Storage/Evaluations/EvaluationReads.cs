using System.Data.Common;
using Dapper;
using Scoring.Engine.Evaluation;
using Scoring.Storage.Paging;

namespace Scoring.Storage.Evaluations;

/// <summary>What both evaluation stores check before appending.</summary>
internal static class EvaluationWrites
{
    /// <summary>
    /// Refuses evaluations the log cannot keep, naming the first: none, no parcel id, no model or inputs, a score,
    /// completeness or probability below the threshold that is not finite.
    /// </summary>
    public static void Check(IReadOnlyList<EvaluationRecord> evaluations)
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
                if (!double.IsFinite(e.Score) || !double.IsFinite(e.Completeness) || e.PBelowThreshold is { } p && !double.IsFinite(p))
                    throw new ArgumentException($"evaluations[{i}] has a score, completeness or probability that is not finite.", nameof(evaluations));
            }
    }
}

/// <summary>
/// The evaluation log as both stores read it: the same SQL on either store but for its times: a parcel's history, the district's
/// lists and the roll-ups.
/// </summary>
public abstract class EvaluationReads : IEvaluationStore
{
    // The engine's one rule for "inefficient", written into the roll-up SQL.
    private static readonly string Inefficient = $"classification IN ({string.Join(", ", Classifications.Inefficient.Select(c => (int)c))})";

    // contested is 0/1 in SQLite and a boolean in PostgreSQL; as a condition it reads the same in both (NULL is neither).
    private const string ContestedFlag = "CASE WHEN e.contested THEN 1 WHEN NOT e.contested THEN 0 END";

    private readonly Func<CancellationToken, Task<DbConnection>> _open;
    private readonly Func<string, object> _timeParameter;
    private readonly Func<DbConnection, CancellationToken, ValueTask<DbTransaction>> _snapshot;
    private readonly string _columns;

    /// <summary>Reads through connections from <paramref name="open"/>, with the store's own times and snapshots.</summary>
    /// <param name="open">Opens a connection to the store.</param>
    /// <param name="timeColumn">The SQL reading a time column as <see cref="StoredText"/> text.</param>
    /// <param name="timeParameter">A time of a page token (<see cref="StoredText"/> text) as the store's parameter.</param>
    /// <param name="snapshot">Begins a read transaction that sees one snapshot throughout.</param>
    /// <param name="inputsColumn">The SQL reading the inputs column as JSON text.</param>
    private protected EvaluationReads(Func<CancellationToken, Task<DbConnection>> open, Func<string, string> timeColumn,
        Func<string, object> timeParameter, Func<DbConnection, CancellationToken, ValueTask<DbTransaction>> snapshot,
        Func<string, string> inputsColumn)
    {
        _open = open;
        _timeParameter = timeParameter;
        _snapshot = snapshot;
        _columns = $"""
            e.id AS Id, e.parcel_id AS ParcelId, e.model_version AS ModelVersion, e.score AS Score,
            e.classification AS Classification, e.disposition AS Disposition, e.completeness AS Completeness,
            {inputsColumn("e.inputs_json")} AS InputsJson, {timeColumn("e.evaluated_at")} AS EvaluatedAt, e.level AS Level, e.area_mu AS AreaMu, e.unit_id AS UnitId,
            e.street AS Street, e.clearance_zone AS ClearanceZone, e.failed_vetoes AS FailedVetoes, e.top_shortfalls AS TopShortfalls,
            e.redevelopment_modes AS RedevelopmentModes,
            {ContestedFlag} AS Contested, e.p_below_threshold AS PBelowThreshold
            """;
    }

    /// <inheritdoc />
    public abstract Task<int> AppendAsync(IReadOnlyList<EvaluationRecord> evaluations, CancellationToken cancellationToken = default);

    /// <inheritdoc />
    public async Task<EvaluationPage> ListAsync(string parcelId, int pageSize, string? pageToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parcelId);
        var size = PageToken.PageSize(pageSize);
        var (beforeTime, beforeId) = EvaluationListing.Before(parcelId, pageToken);

        var sql = beforeTime is null
            ? $"SELECT {_columns} FROM evaluations e WHERE e.parcel_id = @ParcelId ORDER BY e.evaluated_at DESC, e.id DESC LIMIT @Limit;"
            : $"""
               SELECT {_columns} FROM evaluations e
               WHERE e.parcel_id = @ParcelId AND (e.evaluated_at, e.id) < (@BeforeTime, @BeforeId)
               ORDER BY e.evaluated_at DESC, e.id DESC LIMIT @Limit;
               """;
        await using var connection = await _open(cancellationToken).ConfigureAwait(false);
        var rows = (await connection.QueryAsync<EvaluationRow>(new CommandDefinition(sql,
            new { ParcelId = parcelId, BeforeTime = beforeTime is null ? null : _timeParameter(beforeTime), BeforeId = beforeId, Limit = size + 1 },
            cancellationToken: cancellationToken)).ConfigureAwait(false)).AsList();

        var next = EvaluationListing.HistoryNext(rows, size, parcelId);
        return new EvaluationPage(rows.ConvertAll(r => r.ToStored()), next);
    }

    /// <inheritdoc />
    public async Task<EvaluationPage> ListAsync(EvaluationFilter filter, int pageSize, string? pageToken, CancellationToken cancellationToken = default)
    {
        var size = PageToken.PageSize(pageSize);
        var query = EvaluationListing.Filtered(filter, size, pageToken, _timeParameter);
        var sql = $"SELECT {_columns} FROM evaluations e {query.Where} ORDER BY {query.Order} LIMIT @Limit;";
        await using var connection = await _open(cancellationToken).ConfigureAwait(false);
        var rows = (await connection.QueryAsync<EvaluationRow>(new CommandDefinition(sql, query.Arguments, cancellationToken: cancellationToken))
            .ConfigureAwait(false)).AsList();
        var next = query.Next(rows, size);
        return new EvaluationPage(rows.ConvertAll(r => r.ToStored()), next);
    }

    /// <inheritdoc />
    /// <remarks>One snapshot, so all groupings see the same evaluations.</remarks>
    public async Task<EvaluationSummary> SummarizeAsync(string modelVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelVersion);
        await using var connection = await _open(cancellationToken).ConfigureAwait(false);
        await using var transaction = await _snapshot(connection, cancellationToken).ConfigureAwait(false);
        async Task<List<EvaluationGroup>> Group(string key)
        {
            var area = GroupColumns.Sum("area_mu");
            var sql = $"""
                WITH latest AS (
                    SELECT e.* FROM evaluations e
                    JOIN (SELECT MAX(id) AS id FROM evaluations WHERE model_version = @Version GROUP BY parcel_id) m ON e.id = m.id)
                SELECT {key} AS group_key, COUNT(*) AS parcel_count, {area} AS total_area_mu,
                       CASE WHEN {area} > 0 THEN {GroupColumns.Sum("area_mu * score")} / {area} ELSE AVG(score) END AS mean_score,
                       {GroupColumns.Count(Inefficient)} AS inefficient_count,
                       {GroupColumns.Sum($"CASE WHEN {Inefficient} THEN area_mu END")} AS inefficient_area_mu,
                       {GroupColumns.Count("contested IS NOT NULL")} AS robustness_known_count,
                       {GroupColumns.Count("contested")} AS contested_count,
                       {GroupColumns.Sum("CASE WHEN contested THEN area_mu END")} AS contested_area_mu,
                       {GroupColumns.Counts}
                FROM latest GROUP BY 1 ORDER BY 1;
                """;
            await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, new { Version = modelVersion }, transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            var columns = new GroupColumns(reader);
            var groups = new List<EvaluationGroup>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) groups.Add(columns.Read());
            return groups;
        }

        var total = await Group("''").ConfigureAwait(false);
        var summary = new EvaluationSummary(
            total.Count > 0 ? total[0] : GroupColumns.Empty,
            await Group("COALESCE(CAST(level AS TEXT), '')").ConfigureAwait(false),
            await Group("COALESCE(unit_id, '')").ConfigureAwait(false),
            await Group("COALESCE(street, '')").ConfigureAwait(false));
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return summary;
    }
}
