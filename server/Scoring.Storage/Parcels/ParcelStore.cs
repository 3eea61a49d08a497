using System.Collections.ObjectModel;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Scoring.Storage.Paging;

namespace Scoring.Storage.Parcels;

/// <summary>
/// The indicator cache: parcels and every value received, with the current one per code. Management units are in
/// <see cref="Units.UnitStore"/>.
/// Callers validate; this store refuses only what the schema cannot hold.
/// </summary>
public sealed class ParcelStore(ScoringDatabase database)
{
    private static readonly object True = 1;
    private static readonly object False = 0;

    private const string Listing = "parcels";

    private const string NumericKind = "numeric";
    private const string CategoryKind = "category";
    private const string VetoKind = "veto";

    // The attributes a feed may set; each keeps the as_of of the feed that set it (parcels.attributes_as_of, JSON).
    private static readonly string[] AttributeColumnNames =
    [
        "name", "enterprise_name", "level", "area_mu", "unit_id", "street", "industry_code", "inside_development_boundary",
        "in_ecological_red_line", "redevelopment_underway", "locally_reported", "geometry",
    ];

    // An attribute a chunk carries replaces the cached one unless the cached one describes a later date: an old feed
    // replayed late never overwrites newer attributes, as it never overwrites newer values (on the same date the
    // later write wins). Unset attributes (NULL) leave the cached ones.
    private static readonly string UpsertParcelSql = BuildUpsertParcelSql();

    private static string BuildUpsertParcelSql()
    {
        static string Newer(string c) => $"(excluded.{c} IS NOT NULL AND $as_of >= coalesce(json_extract(parcels.attributes_as_of, '$.{c}'), ''))";
        var columns = string.Join(", ", AttributeColumnNames);
        var values = string.Join(", ", AttributeColumnNames.Select(c => "$" + c));
        var sets = string.Join(", ", AttributeColumnNames.Select(c => $"{c} = CASE WHEN {Newer(c)} THEN excluded.{c} ELSE parcels.{c} END"));
        const string NoDates = "'{}'";
        var dates = string.Join(", ", AttributeColumnNames.Select(c =>
            $"'$.{c}', CASE WHEN {Newer(c)} THEN $as_of ELSE json_extract(parcels.attributes_as_of, '$.{c}') END"));
        return $"""
            INSERT INTO parcels (id, {columns}, attributes_as_of, created_at, updated_at)
            VALUES ($id, {values}, $attributes_as_of, $now, $now)
            ON CONFLICT (id) DO UPDATE SET
                {sets},
                attributes_as_of = json_set(coalesce(parcels.attributes_as_of, {NoDates}), {dates}),
                updated_at = excluded.updated_at;
            """;
    }

    // Every column named with AS: SQLite leaves the name of an unaliased result column unspecified.
    private const string ParcelColumns = """
        p.id AS id, p.name AS name, p.enterprise_name AS enterprise_name, p.level AS level, p.area_mu AS area_mu,
        p.unit_id AS unit_id, p.street AS street, p.industry_code AS industry_code,
        p.inside_development_boundary AS inside_development_boundary, p.in_ecological_red_line AS in_ecological_red_line,
        p.redevelopment_underway AS redevelopment_underway, p.locally_reported AS locally_reported,
        p.geometry AS geometry, p.created_at AS created_at, p.updated_at AS updated_at
        """;
    private const string ValueColumns = """
        v.parcel_id AS parcel_id, v.kind AS kind, v.code AS code, v.number AS number, v.category AS category,
        v.veto AS veto, v.source AS source, v.as_of AS as_of, v.received_at AS received_at
        """;

    /// <summary>
    /// Writes one chunk of a source's feed in one transaction: inserts or updates each parcel (null attributes
    /// leave the cached ones), records every value in the history and makes it current unless the cache already
    /// holds a value with a later <paramref name="asOf"/> (on the same date, the later receipt wins).
    /// </summary>
    /// <param name="source">The data source sending the chunk.</param>
    /// <param name="asOf">The date the chunk's values describe.</param>
    /// <param name="parcels">Already validated parcels; a parcel may appear more than once.</param>
    /// <param name="cancellationToken">Cancels the chunk; nothing of it is then written.</param>
    public Task<UpsertCounts> UpsertAsync(string source, DateOnly asOf, IReadOnlyList<ParcelWrite> parcels,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentNullException.ThrowIfNull(parcels);
        for (var i = 0; i < parcels.Count; i++) CheckWrite(parcels[i], i);
        if (parcels.Count == 0) return Task.FromResult(new UpsertCounts(0, 0));

        return database.WriteAsync((connection, transaction, ct) =>
        {
            var now = StoredText.Time(database.Time.GetUtcNow());
            var asOfText = StoredText.Date(asOf);

            // One prepared statement per shape, reused for every row of the chunk.
            using var parcel = connection.CreateCommand();
            parcel.Transaction = transaction;
            parcel.CommandText = UpsertParcelSql;
            var p = parcel.Parameters;
            var id = p.Add("$id", SqliteType.Text);
            var name = p.Add("$name", SqliteType.Text);
            var enterpriseName = p.Add("$enterprise_name", SqliteType.Text);
            var level = p.Add("$level", SqliteType.Integer);
            var areaMu = p.Add("$area_mu", SqliteType.Real);
            var unitId = p.Add("$unit_id", SqliteType.Text);
            var street = p.Add("$street", SqliteType.Text);
            var industryCode = p.Add("$industry_code", SqliteType.Text);
            var insideDevelopmentBoundary = p.Add("$inside_development_boundary", SqliteType.Integer);
            var inEcologicalRedLine = p.Add("$in_ecological_red_line", SqliteType.Integer);
            var redevelopmentUnderway = p.Add("$redevelopment_underway", SqliteType.Integer);
            var locallyReported = p.Add("$locally_reported", SqliteType.Integer);
            var geometry = p.Add("$geometry", SqliteType.Text);
            var attributesAsOf = p.Add("$attributes_as_of", SqliteType.Text);
            p.Add("$as_of", SqliteType.Text).Value = asOfText;
            p.Add("$now", SqliteType.Text).Value = now;
            parcel.Prepare();
            using var numbers = new ValueInsert(connection, transaction, NumericKind, "number", SqliteType.Real, source, asOfText, now);
            using var categories = new ValueInsert(connection, transaction, CategoryKind, "category", SqliteType.Text, source, asOfText, now);
            using var vetoes = new ValueInsert(connection, transaction, VetoKind, "veto", SqliteType.Integer, source, asOfText, now);

            var values = 0;
            foreach (var write in parcels)
            {
                ct.ThrowIfCancellationRequested();
                id.Value = write.ParcelId;
                name.Value = Nullable(write.Name);
                enterpriseName.Value = Nullable(write.EnterpriseName);
                level.Value = write.Level is { } l ? l : DBNull.Value;
                areaMu.Value = write.AreaMu is { } area ? area : DBNull.Value;
                unitId.Value = Nullable(write.UnitId);
                street.Value = Nullable(write.Street);
                industryCode.Value = Nullable(write.IndustryCode);
                insideDevelopmentBoundary.Value = Flag(write.InsideDevelopmentBoundary);
                inEcologicalRedLine.Value = Flag(write.InEcologicalRedLine);
                redevelopmentUnderway.Value = Flag(write.RedevelopmentUnderway);
                locallyReported.Value = Flag(write.LocallyReported);
                geometry.Value = Nullable(write.Geometry);
                attributesAsOf.Value = AttributeDates(p, asOfText);
                parcel.ExecuteNonQuery();

                // After the parcel row: the values' foreign key needs it.
                numbers.Insert(write.ParcelId, write.Indicators, static v => v);
                categories.Insert(write.ParcelId, write.Categories, static v => v);
                vetoes.Insert(write.ParcelId, write.Vetoes, static v => v ? True : False);
                values += write.Indicators.Count + write.Categories.Count + write.Vetoes.Count;
            }
            Repack(connection, transaction, [.. parcels.Select(w => w.ParcelId).Distinct(StringComparer.Ordinal)]);
            return new UpsertCounts(parcels.Count, values);
        }, cancellationToken);
    }

    /// <summary>A cached parcel with its current values, or null when the cache does not hold it.</summary>
    public async Task<CachedParcel?> GetAsync(string parcelId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parcelId);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        // Parcels evaluated from inline data are often not cached at all: a short probe (cheap to prepare) answers
        // that; a cached parcel is then one keyed read, its row holding its packed values.
        await using (var probe = connection.CreateCommand())
        {
            probe.CommandText = "SELECT 1 FROM parcels WHERE id = $id;";
            probe.Parameters.AddWithValue("$id", parcelId);
            if (await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null) return null;
        }
        var found = Load(connection, "p.id = $id", "v.parcel_id = $id", "", c => c.Parameters.AddWithValue("$id", parcelId));
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>
    /// The cached parcels among <paramref name="parcelIds"/>, by id; ids not in the cache are left out. Costs two
    /// queries whatever the number of ids.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, CachedParcel>> GetManyAsync(IReadOnlyList<string> parcelIds,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parcelIds);
        if (parcelIds.Count == 0) return ReadOnlyDictionary<string, CachedParcel>.Empty;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        // A district evaluated only from inline data has an empty cache: one probe answers for the whole chunk.
        await using (var probe = connection.CreateCommand())
        {
            probe.CommandText = "SELECT 1 FROM parcels LIMIT 1;";
            if (await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null) return ReadOnlyDictionary<string, CachedParcel>.Empty;
        }
        var json = JsonSerializer.Serialize(parcelIds);
        var found = Load(connection,
            "p.id IN (SELECT value FROM json_each($ids))",
            "v.parcel_id IN (SELECT value FROM json_each($ids))",
            "", c => c.Parameters.AddWithValue("$ids", json));
        return found.ToDictionary(p => p.ParcelId, StringComparer.Ordinal);
    }

    /// <summary>One page of parcel attributes in id order, filtered.</summary>
    /// <param name="filter">Which parcels; null for all.</param>
    /// <param name="pageSize">0 for <see cref="ScoringDatabase.DefaultPageSize"/>; cut to <see cref="ScoringDatabase.MaxPageSize"/>.</param>
    /// <param name="pageToken">Null or empty for the first page, else the token of the previous page with the same filter.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="InvalidPageTokenException">The page token is not one of this listing's.</exception>
    public async Task<ParcelPage> ListAsync(ParcelFilter? filter, int pageSize, string? pageToken,
        CancellationToken cancellationToken = default)
    {
        filter ??= ParcelFilter.None;
        var size = PageToken.PageSize(pageSize);
        var level = filter.Level?.ToString(CultureInfo.InvariantCulture);
        string? after = null;
        if (!string.IsNullOrEmpty(pageToken))
        {
            var parts = PageToken.Decode(pageToken, Listing, 4);
            if (parts[0] != filter.UnitId || parts[1] != filter.Street || parts[2] != level)
                throw new InvalidPageTokenException("belongs to a parcel listing with another filter");
            after = parts[3] ?? throw new InvalidPageTokenException("does not hold a position");
        }

        var sql = $"SELECT {ParcelColumns} FROM parcels p WHERE {Where(filter)} AND p.id > $after ORDER BY p.id LIMIT $limit;";
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        Bind(command, filter, after ?? "");
        command.Parameters.AddWithValue("$limit", size + 1); // one more tells whether a next page exists
        var parcels = new List<ParcelAttributes>(size + 1);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            var columns = new AttributeColumns(reader);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) parcels.Add(columns.Read());
        }
        var next = PageToken.CutPage(parcels, size, Listing, p => [filter.UnitId, filter.Street, level, p.ParcelId]);
        return new ParcelPage(parcels, next);
    }

    /// <summary>
    /// Every cached parcel (matching <paramref name="filter"/>, when given) with its current values, in id order, in
    /// batches of <paramref name="batchSize"/> (the last may be shorter, never empty); no read transaction stays open
    /// while the caller works on a batch.
    /// </summary>
    public async IAsyncEnumerable<IReadOnlyList<CachedParcel>> StreamAllAsync(int batchSize = 1000, ParcelFilter? filter = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        filter ??= ParcelFilter.None;
        var where = Where(filter);
        var after = "";
        while (true)
        {
            List<CachedParcel> batch;
            await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
            {
                batch = Load(connection,
                    $"{where} AND p.id > $after",
                    $"v.parcel_id IN (SELECT p.id FROM parcels p WHERE {where} AND p.id > $after ORDER BY p.id LIMIT $limit)",
                    "LIMIT $limit",
                    c =>
                    {
                        Bind(c, filter, after);
                        c.Parameters.AddWithValue("$limit", batchSize);
                    });
            }
            // SQLite reads complete synchronously: without a yield between batches a long scan (an impact preview,
            // EvaluateStored) would hold its thread throughout, and the call's deadline timer could not fire.
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            if (batch.Count > 0) yield return batch;
            if (batch.Count < batchSize) yield break;
            after = batch[^1].ParcelId;
        }
    }

    /// <summary>Every value ever received for one code of a parcel, newest first (by as-of date, then by receipt).</summary>
    public async Task<IReadOnlyList<CachedValue>> ValueHistoryAsync(string parcelId, string code,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parcelId);
        ArgumentNullException.ThrowIfNull(code);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {ValueColumns} FROM indicator_values v
            WHERE v.parcel_id = $parcel_id AND v.code = $code
            ORDER BY v.as_of DESC, v.receipt DESC;
            """;
        command.Parameters.AddWithValue("$parcel_id", parcelId);
        command.Parameters.AddWithValue("$code", code);
        var values = new List<CachedValue>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new ValueRows(reader);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) values.Add(rows.Read().Value);
        return values;
    }

    // Reads parcels with their packed current values in one statement (its own snapshot, no transaction to open). Parcels
    // no feed chunk has touched since the values were first packed (migration 6) are read again with their rows from
    // current_values, both statements in one read transaction.
    private static List<CachedParcel> Load(SqliteConnection connection, string parcelWhere, string valueWhere,
        string parcelLimit, Action<SqliteCommand> bind)
    {
        var sql = $"SELECT {ParcelColumns}, p.current_values AS current_values FROM parcels p WHERE {parcelWhere} ORDER BY p.id {parcelLimit};";
        var parcels = ReadPacked(connection, null, sql, bind, out var unpacked);
        if (unpacked is null) return parcels;

        using var transaction = connection.BeginTransaction(deferred: true);
        parcels = ReadPacked(connection, transaction, sql, bind, out unpacked);
        if (unpacked is null) return parcels;
        var sets = new Dictionary<string, ValueSets>(StringComparer.Ordinal);
        using (var command = Query(connection, transaction, $"SELECT {ValueColumns} FROM current_values v WHERE {valueWhere};", bind))
        {
            using var reader = command.ExecuteReader();
            var rows = new ValueRows(reader);
            while (reader.Read())
            {
                var (parcelId, kind, value) = rows.Read();
                if (!sets.TryGetValue(parcelId, out var set)) sets.Add(parcelId, set = new ValueSets());
                set.For(kind).Add(value.Code, value);
            }
        }
        transaction.Commit();
        var next = 0;
        for (var i = 0; i < parcels.Count; i++)
        {
            if (parcels[i] is not null) continue;
            var a = unpacked[next++];
            parcels[i] = sets.TryGetValue(a.ParcelId, out var set)
                ? new CachedParcel(a, Frozen(set.Indicators), Frozen(set.Categories), Frozen(set.Vetoes))
                : new CachedParcel(a, ReadOnlyDictionary<string, CachedValue>.Empty,
                    ReadOnlyDictionary<string, CachedValue>.Empty, ReadOnlyDictionary<string, CachedValue>.Empty);
        }
        return parcels;
    }

    // The parcels and their packed values; a parcel whose row holds none is left null in the list and its attributes
    // are returned in unpacked (null when there is none).
    private static List<CachedParcel> ReadPacked(SqliteConnection connection, SqliteTransaction? transaction, string sql,
        Action<SqliteCommand> bind, out List<ParcelAttributes>? unpacked)
    {
        unpacked = null;
        var parcels = new List<CachedParcel>();
        using var command = Query(connection, transaction, sql, bind);
        using var reader = command.ExecuteReader();
        var columns = new AttributeColumns(reader);
        var packed = reader.GetOrdinal("current_values");
        while (reader.Read())
        {
            var attributes = columns.Read();
            if (reader.IsDBNull(packed))
            {
                (unpacked ??= []).Add(attributes);
                parcels.Add(null!); // filled by the caller, keeping id order
                continue;
            }
            parcels.Add(new CachedParcel(attributes, (byte[])reader.GetValue(packed)));
        }
        return parcels;
    }

    // Packs the current values of the parcels a chunk touched (as the trigger left them) into their rows.
    private static void Repack(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<string> parcelIds)
    {
        var ids = JsonSerializer.Serialize(parcelIds);
        var values = new Dictionary<string, List<(int Kind, CachedValue Value)>>(StringComparer.Ordinal);
        using (var read = Query(connection, transaction, $"SELECT {ValueColumns} FROM current_values v WHERE v.parcel_id IN (SELECT value FROM json_each($ids)) ORDER BY v.parcel_id, v.kind, v.code;",
            c => c.Parameters.AddWithValue("$ids", ids)))
        {
            using var reader = read.ExecuteReader();
            var rows = new ValueRows(reader);
            while (reader.Read())
            {
                var (parcelId, kind, value) = rows.Read();
                if (!values.TryGetValue(parcelId, out var list)) values.Add(parcelId, list = []);
                list.Add((Array.IndexOf(PackedValues.Kinds, kind), value));
            }
        }
        using var write = Query(connection, transaction, "UPDATE parcels SET current_values = $packed WHERE id = $id;", _ => { });
        var packed = write.Parameters.Add("$packed", SqliteType.Blob);
        var id = write.Parameters.Add("$id", SqliteType.Text);
        write.Prepare();
        foreach (var parcelId in parcelIds)
        {
            id.Value = parcelId;
            packed.Value = PackedValues.Encode(values.TryGetValue(parcelId, out var list) ? list : []);
            write.ExecuteNonQuery();
        }
    }

    // Only the conditions in use, so the planner can take the matching (column, id) index.
    private static string Where(ParcelFilter filter)
    {
        var where = new List<string> { "1" };
        if (filter.UnitId is not null) where.Add("p.unit_id = $unit_id");
        if (filter.Street is not null) where.Add("p.street = $street");
        if (filter.Level is not null) where.Add("p.level = $level");
        return string.Join(" AND ", where);
    }

    private static void Bind(SqliteCommand command, ParcelFilter filter, string after)
    {
        if (filter.UnitId is not null) command.Parameters.AddWithValue("$unit_id", filter.UnitId);
        if (filter.Street is not null) command.Parameters.AddWithValue("$street", filter.Street);
        if (filter.Level is not null) command.Parameters.AddWithValue("$level", filter.Level.Value);
        command.Parameters.AddWithValue("$after", after);
    }

    private static SqliteCommand Query(SqliteConnection connection, SqliteTransaction? transaction, string sql, Action<SqliteCommand> bind)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        bind(command);
        return command;
    }

    private static IReadOnlyDictionary<string, CachedValue> Frozen(Dictionary<string, CachedValue>? values) =>
        values is null ? ReadOnlyDictionary<string, CachedValue>.Empty : values.AsReadOnly();

    // The attribute dates of a new parcel: the chunk's as_of for every attribute it sets.
    private static string AttributeDates(SqliteParameterCollection parameters, string asOf)
    {
        var set = AttributeColumnNames.Where(c => parameters["$" + c].Value is not DBNull).Select(c => $"\"{c}\":\"{asOf}\"");
        return "{" + string.Join(",", set) + "}";
    }

    private static object Nullable(string? value) => value is null ? DBNull.Value : value;

    private static object Flag(bool? value) => value is { } b ? (b ? 1 : 0) : DBNull.Value;

    private static void CheckWrite(ParcelWrite? write, int index)
    {
        const string param = "parcels";
        if (write is null) throw new ArgumentException($"parcels[{index}] is null.", param);
        if (string.IsNullOrEmpty(write.ParcelId)) throw new ArgumentException($"parcels[{index}] has no parcel id.", param);
        SchemaLimits.CheckLevel(write.Level, $"parcels[{index}]", param);
        SchemaLimits.CheckFinite(write.AreaMu, $"parcels[{index}].area_mu", param);
        ArgumentNullException.ThrowIfNull(write.Indicators, param);
        ArgumentNullException.ThrowIfNull(write.Categories, param);
        ArgumentNullException.ThrowIfNull(write.Vetoes, param);
        foreach (var (code, value) in write.Indicators)
        {
            CheckCode(code, index, param);
            // SQLite would store NaN as NULL and lose the value.
            SchemaLimits.CheckFinite(value, $"parcels[{index}].indicators[\"{code}\"]", param);
        }
        foreach (var (code, key) in write.Categories)
        {
            CheckCode(code, index, param);
            if (key is null) throw new ArgumentException($"parcels[{index}].categories[\"{code}\"] is null.", param);
        }
        foreach (var code in write.Vetoes.Keys) CheckCode(code, index, param);
    }

    private static void CheckCode(string code, int index, string param)
    {
        if (string.IsNullOrEmpty(code)) throw new ArgumentException($"parcels[{index}] has an empty code.", param);
    }

    // Inserts one parcel's values of one kind with one statement of up to MaxRows rows: one call into SQLite per
    // parcel instead of one per value. Rows go in dictionary order, so receipts follow it; the trigger
    // indicator_values_keep_current then makes each row current when it is newer. Commands are prepared once per
    // row count and reused for the whole chunk.
    private sealed class ValueInsert(SqliteConnection connection, SqliteTransaction transaction, string kind,
        string column, SqliteType valueType, string source, string asOf, string receivedAt) : IDisposable
    {
        private const int MaxRows = 64;
        private const int Fixed = 4; // $parcel_id, $source, $as_of, $received_at; then $c{i}, $v{i} per row
        private readonly SqliteCommand?[] _byRows = new SqliteCommand?[MaxRows + 1];

        public void Insert<T>(string parcelId, IReadOnlyDictionary<string, T> values, Func<T, object> toDb)
        {
            var remaining = values.Count;
            if (remaining == 0) return;
            using var e = values.GetEnumerator();
            while (remaining > 0)
            {
                var rows = Math.Min(remaining, MaxRows);
                var command = _byRows[rows] ??= Prepare(rows);
                var p = command.Parameters;
                p[0].Value = parcelId;
                for (var i = 0; i < rows; i++)
                {
                    e.MoveNext();
                    p[Fixed + 2 * i].Value = e.Current.Key;
                    p[Fixed + 2 * i + 1].Value = toDb(e.Current.Value);
                }
                command.ExecuteNonQuery();
                remaining -= rows;
            }
        }

        private SqliteCommand Prepare(int rows)
        {
            var sql = new System.Text.StringBuilder(
                $"INSERT INTO indicator_values (parcel_id, code, kind, {column}, source, as_of, received_at) VALUES ");
            for (var i = 0; i < rows; i++)
                sql.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture,
                    $"($parcel_id, $c{i}, '{kind}', $v{i}, $source, $as_of, $received_at)");
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql.Append(';').ToString();
            command.Parameters.Add("$parcel_id", SqliteType.Text);
            command.Parameters.Add("$source", SqliteType.Text).Value = source;
            command.Parameters.Add("$as_of", SqliteType.Text).Value = asOf;
            command.Parameters.Add("$received_at", SqliteType.Text).Value = receivedAt;
            for (var i = 0; i < rows; i++)
            {
                command.Parameters.Add($"$c{i}", SqliteType.Text);
                command.Parameters.Add($"$v{i}", valueType);
            }
            command.Prepare();
            return command;
        }

        public void Dispose()
        {
            foreach (var command in _byRows) command?.Dispose();
        }
    }

    private sealed class ValueSets
    {
        public Dictionary<string, CachedValue>? Indicators;
        public Dictionary<string, CachedValue>? Categories;
        public Dictionary<string, CachedValue>? Vetoes;

        public Dictionary<string, CachedValue> For(string kind) => kind switch
        {
            NumericKind => Indicators ??= new(StringComparer.Ordinal),
            CategoryKind => Categories ??= new(StringComparer.Ordinal),
            VetoKind => Vetoes ??= new(StringComparer.Ordinal),
            _ => throw new InvalidOperationException($"Unknown value kind '{kind}' in the database."),
        };
    }

    // Reads a parcel's attributes by column name, resolved once per result set.
    private sealed class AttributeColumns(SqliteDataReader reader)
    {
        private readonly int _id = reader.GetOrdinal("id");
        private readonly int _name = reader.GetOrdinal("name");
        private readonly int _enterpriseName = reader.GetOrdinal("enterprise_name");
        private readonly int _level = reader.GetOrdinal("level");
        private readonly int _areaMu = reader.GetOrdinal("area_mu");
        private readonly int _unitId = reader.GetOrdinal("unit_id");
        private readonly int _street = reader.GetOrdinal("street");
        private readonly int _industryCode = reader.GetOrdinal("industry_code");
        private readonly int _insideDevelopmentBoundary = reader.GetOrdinal("inside_development_boundary");
        private readonly int _inEcologicalRedLine = reader.GetOrdinal("in_ecological_red_line");
        private readonly int _redevelopmentUnderway = reader.GetOrdinal("redevelopment_underway");
        private readonly int _locallyReported = reader.GetOrdinal("locally_reported");
        private readonly int _geometry = reader.GetOrdinal("geometry");
        private readonly int _createdAt = reader.GetOrdinal("created_at");
        private readonly int _updatedAt = reader.GetOrdinal("updated_at");

        public ParcelAttributes Read() => new(
            reader.GetString(_id),
            Text(reader, _name),
            Text(reader, _enterpriseName),
            reader.IsDBNull(_level) ? null : reader.GetInt32(_level),
            reader.IsDBNull(_areaMu) ? null : reader.GetDouble(_areaMu),
            Text(reader, _unitId),
            Text(reader, _street),
            Text(reader, _industryCode),
            Flag(reader, _insideDevelopmentBoundary),
            Flag(reader, _inEcologicalRedLine),
            Flag(reader, _redevelopmentUnderway),
            Flag(reader, _locallyReported),
            Text(reader, _geometry),
            StoredText.ParseTime(reader.GetString(_createdAt)),
            StoredText.ParseTime(reader.GetString(_updatedAt)));
    }

    // Reads value rows by column name, resolved once per result set. Rows of one chunk share their date and
    // receipt time, so the last parsed ones are kept instead of parsing the same text again.
    private sealed class ValueRows(SqliteDataReader reader)
    {
        private readonly int _parcelId = reader.GetOrdinal("parcel_id");
        private readonly int _kind = reader.GetOrdinal("kind");
        private readonly int _code = reader.GetOrdinal("code");
        private readonly int _number = reader.GetOrdinal("number");
        private readonly int _category = reader.GetOrdinal("category");
        private readonly int _veto = reader.GetOrdinal("veto");
        private readonly int _source = reader.GetOrdinal("source");
        private readonly int _asOf = reader.GetOrdinal("as_of");
        private readonly int _receivedAt = reader.GetOrdinal("received_at");
        private string? _asOfText;
        private DateOnly _asOfDate;
        private string? _receivedText;
        private DateTimeOffset _received;

        public (string ParcelId, string Kind, CachedValue Value) Read()
        {
            var asOfText = reader.GetString(_asOf);
            if (asOfText != _asOfText) (_asOfText, _asOfDate) = (asOfText, StoredText.ParseDate(asOfText));
            var receivedText = reader.GetString(_receivedAt);
            if (receivedText != _receivedText) (_receivedText, _received) = (receivedText, StoredText.ParseTime(receivedText));
            var value = new CachedValue(
                reader.GetString(_code),
                reader.IsDBNull(_number) ? null : reader.GetDouble(_number),
                Text(reader, _category),
                Flag(reader, _veto),
                reader.GetString(_source),
                _asOfDate,
                _received);
            return (reader.GetString(_parcelId), reader.GetString(_kind), value);
        }
    }

    private static string? Text(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static bool? Flag(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i) != 0;

}
