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

    private const string UpsertParcelSql = """
        INSERT INTO parcels (id, name, enterprise_name, level, area_mu, unit_id, street, industry_code,
                             inside_development_boundary, in_ecological_red_line, redevelopment_underway,
                             locally_reported, geometry, created_at, updated_at)
        VALUES ($id, $name, $enterprise_name, $level, $area_mu, $unit_id, $street, $industry_code,
                $inside_development_boundary, $in_ecological_red_line, $redevelopment_underway,
                $locally_reported, $geometry, $now, $now)
        ON CONFLICT (id) DO UPDATE SET
            name                        = coalesce(excluded.name, parcels.name),
            enterprise_name             = coalesce(excluded.enterprise_name, parcels.enterprise_name),
            level                       = coalesce(excluded.level, parcels.level),
            area_mu                     = coalesce(excluded.area_mu, parcels.area_mu),
            unit_id                     = coalesce(excluded.unit_id, parcels.unit_id),
            street                      = coalesce(excluded.street, parcels.street),
            industry_code               = coalesce(excluded.industry_code, parcels.industry_code),
            inside_development_boundary = coalesce(excluded.inside_development_boundary, parcels.inside_development_boundary),
            in_ecological_red_line      = coalesce(excluded.in_ecological_red_line, parcels.in_ecological_red_line),
            redevelopment_underway      = coalesce(excluded.redevelopment_underway, parcels.redevelopment_underway),
            locally_reported            = coalesce(excluded.locally_reported, parcels.locally_reported),
            geometry                    = coalesce(excluded.geometry, parcels.geometry),
            updated_at                  = excluded.updated_at;
        """;

    private const string ParcelColumns = """
        p.id, p.name, p.enterprise_name, p.level, p.area_mu, p.unit_id, p.street, p.industry_code,
        p.inside_development_boundary, p.in_ecological_red_line, p.redevelopment_underway, p.locally_reported,
        p.geometry, p.created_at, p.updated_at
        """;
    private const string ValueColumns = "v.parcel_id, v.kind, v.code, v.number, v.category, v.veto, v.source, v.as_of, v.received_at";

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
            using var parcel = Prepare(connection, transaction, UpsertParcelSql,
                ("$id", SqliteType.Text), ("$name", SqliteType.Text), ("$enterprise_name", SqliteType.Text),
                ("$level", SqliteType.Integer), ("$area_mu", SqliteType.Real), ("$unit_id", SqliteType.Text),
                ("$street", SqliteType.Text), ("$industry_code", SqliteType.Text),
                ("$inside_development_boundary", SqliteType.Integer), ("$in_ecological_red_line", SqliteType.Integer),
                ("$redevelopment_underway", SqliteType.Integer), ("$locally_reported", SqliteType.Integer),
                ("$geometry", SqliteType.Text), ("$now", SqliteType.Text));
            parcel.Parameters[13].Value = now;
            using var numbers = new ValueInsert(connection, transaction, NumericKind, "number", SqliteType.Real, source, asOfText, now);
            using var categories = new ValueInsert(connection, transaction, CategoryKind, "category", SqliteType.Text, source, asOfText, now);
            using var vetoes = new ValueInsert(connection, transaction, VetoKind, "veto", SqliteType.Integer, source, asOfText, now);

            var values = 0;
            foreach (var write in parcels)
            {
                ct.ThrowIfCancellationRequested();
                var p = parcel.Parameters;
                p[0].Value = write.ParcelId;
                p[1].Value = Nullable(write.Name);
                p[2].Value = Nullable(write.EnterpriseName);
                p[3].Value = write.Level is { } level ? level : DBNull.Value;
                p[4].Value = write.AreaMu is { } area ? area : DBNull.Value;
                p[5].Value = Nullable(write.UnitId);
                p[6].Value = Nullable(write.Street);
                p[7].Value = Nullable(write.IndustryCode);
                p[8].Value = Flag(write.InsideDevelopmentBoundary);
                p[9].Value = Flag(write.InEcologicalRedLine);
                p[10].Value = Flag(write.RedevelopmentUnderway);
                p[11].Value = Flag(write.LocallyReported);
                p[12].Value = Nullable(write.Geometry);
                parcel.ExecuteNonQuery();

                // After the parcel row: the values' foreign key needs it.
                numbers.Insert(write.ParcelId, write.Indicators, static v => v);
                categories.Insert(write.ParcelId, write.Categories, static v => v);
                vetoes.Insert(write.ParcelId, write.Vetoes, static v => v ? True : False);
                values += write.Indicators.Count + write.Categories.Count + write.Vetoes.Count;
            }
            return new UpsertCounts(parcels.Count, values);
        }, cancellationToken);
    }

    /// <summary>A cached parcel with its current values, or null when the cache does not hold it.</summary>
    public async Task<CachedParcel?> GetAsync(string parcelId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parcelId);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        // Parcels evaluated from inline data are often not cached at all: a one-row probe answers that
        // without the read transaction and the values query.
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
        var json = JsonSerializer.Serialize(parcelIds);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
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

        // Only the conditions in use, so the planner can take the matching (column, id) index.
        var where = new List<string>();
        if (filter.UnitId is not null) where.Add("p.unit_id = $unit_id");
        if (filter.Street is not null) where.Add("p.street = $street");
        if (filter.Level is not null) where.Add("p.level = $level");
        if (after is not null) where.Add("p.id > $after");
        var sql = $"SELECT {ParcelColumns} FROM parcels p {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} " +
                  "ORDER BY p.id LIMIT $limit;";

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (filter.UnitId is not null) command.Parameters.AddWithValue("$unit_id", filter.UnitId);
        if (filter.Street is not null) command.Parameters.AddWithValue("$street", filter.Street);
        if (filter.Level is not null) command.Parameters.AddWithValue("$level", filter.Level.Value);
        if (after is not null) command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$limit", size + 1); // one more tells whether a next page exists
        var parcels = new List<ParcelAttributes>(size + 1);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) parcels.Add(ReadAttributes(reader));
        }
        if (parcels.Count <= size) return new ParcelPage(parcels, null);
        parcels.RemoveAt(size);
        return new ParcelPage(parcels, PageToken.Encode(Listing, filter.UnitId, filter.Street, level, parcels[^1].ParcelId));
    }

    /// <summary>
    /// Every cached parcel with its current values, in id order, read <paramref name="batchSize"/> at a time; no
    /// read transaction stays open while the caller works on a batch.
    /// </summary>
    public async IAsyncEnumerable<CachedParcel> StreamAllAsync(int batchSize = 1000,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var after = "";
        while (true)
        {
            List<CachedParcel> batch;
            await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
            {
                batch = Load(connection,
                    "p.id > $after",
                    "v.parcel_id IN (SELECT id FROM parcels WHERE id > $after ORDER BY id LIMIT $limit)",
                    "LIMIT $limit",
                    c =>
                    {
                        c.Parameters.AddWithValue("$after", after);
                        c.Parameters.AddWithValue("$limit", batchSize);
                    });
            }
            foreach (var parcel in batch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return parcel;
            }
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
        var rows = new ValueRows();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) values.Add(rows.Read(reader).Value);
        return values;
    }

    // Reads parcels and their current values in one read transaction, so both come from the same snapshot.
    private static List<CachedParcel> Load(SqliteConnection connection, string parcelWhere, string valueWhere,
        string parcelLimit, Action<SqliteCommand> bind)
    {
        using var transaction = connection.BeginTransaction(deferred: true);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            SELECT {ParcelColumns} FROM parcels p WHERE {parcelWhere} ORDER BY p.id {parcelLimit};
            SELECT {ValueColumns} FROM current_values v WHERE {valueWhere};
            """;
        bind(command);

        var attributes = new List<ParcelAttributes>();
        var sets = new Dictionary<string, ValueSets>(StringComparer.Ordinal);
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read()) attributes.Add(ReadAttributes(reader));
            reader.NextResult();
            var rows = new ValueRows();
            while (reader.Read())
            {
                var (parcelId, kind, value) = rows.Read(reader);
                if (!sets.TryGetValue(parcelId, out var set)) sets.Add(parcelId, set = new ValueSets());
                set.For(kind).Add(value.Code, value);
            }
        }
        transaction.Commit();

        var parcels = new List<CachedParcel>(attributes.Count);
        foreach (var a in attributes)
        {
            parcels.Add(sets.TryGetValue(a.ParcelId, out var set)
                ? new CachedParcel(a, Frozen(set.Indicators), Frozen(set.Categories), Frozen(set.Vetoes))
                : new CachedParcel(a, ReadOnlyDictionary<string, CachedValue>.Empty,
                    ReadOnlyDictionary<string, CachedValue>.Empty, ReadOnlyDictionary<string, CachedValue>.Empty));
        }
        return parcels;
    }

    private static IReadOnlyDictionary<string, CachedValue> Frozen(Dictionary<string, CachedValue>? values) =>
        values is null ? ReadOnlyDictionary<string, CachedValue>.Empty : values.AsReadOnly();

    private static ParcelAttributes ReadAttributes(SqliteDataReader r) => new(
        r.GetString(0),
        Text(r, 1),
        Text(r, 2),
        r.IsDBNull(3) ? null : r.GetInt32(3),
        r.IsDBNull(4) ? null : r.GetDouble(4),
        Text(r, 5),
        Text(r, 6),
        Text(r, 7),
        Flag(r, 8),
        Flag(r, 9),
        Flag(r, 10),
        Flag(r, 11),
        Text(r, 12),
        StoredText.ParseTime(r.GetString(13)),
        StoredText.ParseTime(r.GetString(14)));

    private static string? Text(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static bool? Flag(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i) != 0;

    private static object Nullable(string? value) => value is null ? DBNull.Value : value;

    private static object Flag(bool? value) => value is { } b ? (b ? 1 : 0) : DBNull.Value;

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql,
        params (string Name, SqliteType Type)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, type) in parameters) command.Parameters.Add(name, type);
        command.Prepare();
        return command;
    }

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

    // Reads value rows (ValueColumns order). Rows of one chunk share their date and receipt time, so the last
    // parsed ones are kept instead of parsing the same text again.
    private sealed class ValueRows
    {
        private string? _asOfText;
        private DateOnly _asOf;
        private string? _receivedText;
        private DateTimeOffset _received;

        public (string ParcelId, string Kind, CachedValue Value) Read(SqliteDataReader r)
        {
            var asOfText = r.GetString(7);
            if (asOfText != _asOfText) (_asOfText, _asOf) = (asOfText, StoredText.ParseDate(asOfText));
            var receivedText = r.GetString(8);
            if (receivedText != _receivedText) (_receivedText, _received) = (receivedText, StoredText.ParseTime(receivedText));
            var value = new CachedValue(
                r.GetString(2),
                r.IsDBNull(3) ? null : r.GetDouble(3),
                Text(r, 4),
                Flag(r, 5),
                r.GetString(6),
                _asOf,
                _received);
            return (r.GetString(0), r.GetString(1), value);
        }
    }
}
