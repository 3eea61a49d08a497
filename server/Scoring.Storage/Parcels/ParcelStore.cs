using System.Buffers;
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
public sealed class ParcelStore(ScoringDatabase database) : IParcelStore
{
    private static readonly string[] AttributeColumnNames = ChunkMerge.AttributeColumns;

    // The parcel rows of a chunk, attributes and packed current values merged in C#: plain assignments, no per-row
    // JSON work in SQL. A new parcel is inserted; a cached one keeps its created_at.
    private static readonly string WriteParcelSql = $"""
        INSERT INTO parcels (id, {string.Join(", ", AttributeColumnNames)}, attributes_as_of, current_values, created_at, updated_at)
        VALUES ($id, {string.Join(", ", AttributeColumnNames.Select(c => "$" + c))}, $attributes_as_of, $current_values, $now, $now)
        ON CONFLICT (id) DO UPDATE SET
            {string.Join(", ", AttributeColumnNames.Select(c => $"{c} = excluded.{c}"))},
            attributes_as_of = excluded.attributes_as_of, current_values = excluded.current_values, updated_at = excluded.updated_at;
        """;

    // The cached rows of a chunk's parcels, read in one statement before it is merged.
    private static readonly string ReadCachedSql = $"""
        SELECT id, {string.Join(", ", AttributeColumnNames)}, attributes_as_of, current_values FROM parcels
        WHERE id IN (SELECT value FROM json_each($ids));
        """;

    private const string ParcelColumns = ParcelListing.ParcelColumns;
    private const string ValueColumns = """
        v.parcel_id AS parcel_id, v.kind AS kind, v.code AS code, v.number AS number, v.category AS category,
        v.veto AS veto, v.source AS source, v.as_of AS as_of, v.received_at AS received_at
        """;

    /// <inheritdoc />
    public Task<UpsertCounts> UpsertAsync(string source, DateOnly asOf, IReadOnlyList<ParcelWrite> parcels,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentNullException.ThrowIfNull(parcels);
        ChunkMerge.Check(parcels);
        if (parcels.Count == 0) return Task.FromResult(new UpsertCounts(0, 0));

        // One parcel (an edit from a form, a correction) is a small write: it goes ahead of waiting feed chunks.
        return database.WriteAsync(parcels.Count == 1 ? WriteSize.Small : WriteSize.Large, (connection, transaction, ct) =>
        {
            var received = database.Time.GetUtcNow();
            var now = StoredText.Time(received);
            var asOfText = StoredText.Date(asOf);

            // 1. The cached rows of the chunk's parcels, in one statement; 2. the chunk merged into them in order.
            var merged = ReadCached(connection, transaction, parcels);
            var values = ChunkMerge.Receive(merged, parcels, source, asOf, received, ct);

            // 3. Each parcel's row written once (before the log: its foreign key needs it).
            using (var write = new RawStatement(connection, WriteParcelSql))
            {
                var id = write.Parameter("$id");
                var attributes = AttributeColumnNames.Select(c => write.Parameter("$" + c)).ToArray();
                var dates = write.Parameter("$attributes_as_of");
                var packed = write.Parameter("$current_values");
                write.Bind(write.Parameter("$now"), now);
                var scratch = new PackingScratch();
                foreach (var parcel in merged.Values)
                {
                    ct.ThrowIfCancellationRequested();
                    write.Bind(id, parcel.Id);
                    for (var i = 0; i < attributes.Length; i++) write.Bind(attributes[i], parcel.Attributes[i]);
                    write.Bind(dates, parcel.DatesJson());
                    write.Bind(packed, parcel.Values.Encode(scratch));
                    write.Execute();
                }
            }

            // 4. What each parcel write brought, appended to the log in chunk order (so receipts follow it): one row
            //    per parcel write, its values packed.
            using (var log = new RawStatement(connection, """
                INSERT INTO value_writes (parcel_id, source, as_of, received_at, value_count, received)
                VALUES ($parcel_id, $source, $as_of, $received_at, $value_count, $received);
                """))
            {
                var parcelId = log.Parameter("$parcel_id");
                log.Bind(log.Parameter("$source"), source);
                log.Bind(log.Parameter("$as_of"), asOfText);
                log.Bind(log.Parameter("$received_at"), now);
                var count = log.Parameter("$value_count");
                var packedValues = log.Parameter("$received");
                var buffer = new ArrayBufferWriter<byte>(1024);
                var strings = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var write in parcels)
                {
                    ct.ThrowIfCancellationRequested();
                    var brought = ReceivedValues.Count(write);
                    if (brought == 0) continue;
                    log.Bind(parcelId, write.ParcelId);
                    log.Bind(count, brought);
                    log.Bind(packedValues, ReceivedValues.Encode(write, buffer, strings));
                    log.Execute();
                }
            }
            return new UpsertCounts(parcels.Count, values);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<CachedParcel?> GetAsync(string parcelId, ParcelParts parts = ParcelParts.All, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parcelId);
        if (database.ParcelsKnownEmpty()) return null;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        // Parcels evaluated from inline data are often not cached at all: a short probe (cheap to prepare) answers
        // that; a cached parcel is then one keyed read, its row holding its packed values.
        await using (var probe = connection.CreateCommand())
        {
            probe.CommandText = "SELECT 1 FROM parcels WHERE id = $id;";
            probe.Parameters.AddWithValue("$id", parcelId);
            if (await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null) return null;
        }
        var found = Load(connection, parts, "p.id = $id", "", [new("$id", parcelId)]);
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, CachedParcel>> GetManyAsync(IReadOnlyList<string> parcelIds,
        ParcelParts parts = ParcelParts.All, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parcelIds);
        // A district evaluated only from inline data has an empty cache: that is known without a query while nothing is written.
        if (parcelIds.Count == 0 || database.ParcelsKnownEmpty()) return ReadOnlyDictionary<string, CachedParcel>.Empty;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var json = JsonSerializer.Serialize(parcelIds);
        // A join from the id list, in no particular order: no sort, and each id one index probe.
        var found = Load(connection, parts, "1", "", [new("$ids", json)], from: "json_each($ids) j JOIN parcels p ON p.id = j.value", ordered: false);
        return ParcelListing.ById(found);
    }

    /// <inheritdoc />
    public async Task<ParcelPage> ListAsync(ParcelFilter? filter, int pageSize, string? pageToken, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ParcelListing.ListAsync(connection, '$', "1", filter, pageSize, pageToken, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<IReadOnlyList<CachedParcel>> StreamAllAsync(int batchSize = 1000, ParcelFilter? filter = null,
        ParcelParts parts = ParcelParts.All, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        filter ??= ParcelFilter.None;
        var where = ParcelListing.Where(filter, '$', "1");
        var after = "";
        while (true)
        {
            List<CachedParcel> batch;
            await using (var connection = await database.OpenMappedAsync(cancellationToken).ConfigureAwait(false))
            {
                batch = Load(connection, parts,
                    $"{where} AND p.id > $after",
                    "LIMIT $limit",
                    [.. ParcelListing.Parameters(filter, '$', after), new("$limit", batchSize)]);
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

    /// <inheritdoc />
    public async Task<IReadOnlyList<CachedValue>> ValueHistoryAsync(string parcelId, string code,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parcelId);
        ArgumentNullException.ThrowIfNull(code);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT source, as_of, received_at, received FROM value_writes
            WHERE parcel_id = $parcel_id
            ORDER BY as_of DESC, receipt DESC;
            """;
        command.Parameters.AddWithValue("$parcel_id", parcelId);
        var values = new List<CachedValue>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ReceivedValues.AddMatching(values, (byte[])reader.GetValue(3), code,
                () => (reader.GetString(0), StoredText.ParseDate(reader.GetString(1)), StoredText.ParseTime(reader.GetString(2))));
        }
        return values;
    }

    // Reads parcels with their packed current values in one statement (its own snapshot, no transaction to open).
    private static List<CachedParcel> Load(SqliteConnection connection, ParcelParts parts, string parcelWhere, string parcelLimit,
        IReadOnlyList<KeyValuePair<string, object>> parameters, string from = "parcels p", bool ordered = true)
    {
        var order = ordered ? "ORDER BY p.id" : "";
        if (parts == ParcelParts.Scoring)
            return ScoringRows.Read(connection, $"SELECT {ScoringRows.Columns} FROM {from} WHERE {parcelWhere} {order} {parcelLimit};", parameters);
        var sql = $"SELECT {ParcelColumns}, p.current_values AS current_values FROM {from} WHERE {parcelWhere} {order} {parcelLimit};";
        using var command = Query(connection, null, sql, c =>
        {
            foreach (var (name, value) in parameters) c.Parameters.AddWithValue(name, value);
        });
        using var reader = command.ExecuteReader();
        return AttributeColumns.ReadParcels(reader);
    }

    // The cached rows of the chunk's parcels, each ready to take in the chunk; a parcel not cached yet starts empty.
    // Keyed by id in the chunk's order of first appearance.
    private static Dictionary<string, MergedParcel> ReadCached(SqliteConnection connection, SqliteTransaction transaction,
        IReadOnlyList<ParcelWrite> parcels)
    {
        var merged = ChunkMerge.Keyed(parcels);
        var ids = JsonSerializer.Serialize(merged.Keys);
        using (var command = Query(connection, transaction, ReadCachedSql, c => c.Parameters.AddWithValue("$ids", ids)))
        using (var reader = command.ExecuteReader())
        {
            var datesColumn = 1 + AttributeColumnNames.Length;
            while (reader.Read())
            {
                var attributes = new object?[AttributeColumnNames.Length];
                for (var i = 0; i < attributes.Length; i++) attributes[i] = reader.IsDBNull(1 + i) ? null : reader.GetValue(1 + i);
                var dates = MergedParcel.ParseDates(reader.IsDBNull(datesColumn) ? null : reader.GetString(datesColumn));
                var values = reader.IsDBNull(datesColumn + 1)
                    ? CurrentValueSet.Empty()
                    : CurrentValueSet.Read(((byte[])reader.GetValue(datesColumn + 1)).AsSpan());
                var id = reader.GetString(0);
                merged[id] = new MergedParcel(id, attributes, dates, values);
            }
        }
        ChunkMerge.AddUncached(merged);
        return merged;
    }

    /// <summary>
    /// Migration 8: packs the current values of every parcel whose row holds none yet from the old per-value table
    /// (current_values, which the migration then drops), in the migration's transaction, 1,000 parcels at a time so
    /// that memory stays bounded whatever the size of the cache.
    /// </summary>
    internal static void PackFromValueTable(SqliteConnection connection, SqliteTransaction transaction)
    {
        var unpacked = new List<string>();
        using (var ids = Query(connection, transaction, "SELECT id FROM parcels WHERE current_values IS NULL ORDER BY id;", _ => { }))
        using (var reader = ids.ExecuteReader())
            while (reader.Read()) unpacked.Add(reader.GetString(0));

        using var read = Query(connection, transaction,
            $"SELECT {ValueColumns} FROM current_values v WHERE v.parcel_id IN (SELECT value FROM json_each($ids)) ORDER BY v.parcel_id, v.kind, v.code;", _ => { });
        var batchIds = read.Parameters.Add("$ids", SqliteType.Text);
        using var write = Query(connection, transaction, "UPDATE parcels SET current_values = $packed WHERE id = $id;", _ => { });
        var packed = write.Parameters.Add("$packed", SqliteType.Blob);
        var id = write.Parameters.Add("$id", SqliteType.Text);
        var scratch = new PackingScratch();
        foreach (var batch in unpacked.Chunk(1000))
        {
            var sets = new Dictionary<string, CurrentValueSet>(StringComparer.Ordinal);
            batchIds.Value = JsonSerializer.Serialize(batch);
            using (var reader = read.ExecuteReader())
            {
                var rows = new ValueRows(reader);
                while (reader.Read())
                {
                    var (parcelId, kind, value) = rows.Read();
                    if (!sets.TryGetValue(parcelId, out var set)) sets.Add(parcelId, set = CurrentValueSet.Empty());
                    set.Add(Array.IndexOf(PackedValues.Kinds, kind), value);
                }
            }
            foreach (var parcelId in batch)
            {
                id.Value = parcelId;
                packed.Value = (sets.GetValueOrDefault(parcelId) ?? CurrentValueSet.Empty()).Encode(scratch);
                write.ExecuteNonQuery();
            }
        }
    }

    /// <summary>
    /// Migration 11: copies the per-value log of older schemas (indicator_values, which the migration then drops) into
    /// value_writes, in receipt order, one row per run of values a parcel received together (same source, date and
    /// receipt time), in the migration's transaction; memory holds one run at a time.
    /// </summary>
    internal static void LogFromValueTable(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var read = Query(connection, transaction, $"SELECT {ValueColumns} FROM indicator_values v ORDER BY v.receipt;", _ => { });
        using var write = Query(connection, transaction, """
            INSERT INTO value_writes (parcel_id, source, as_of, received_at, value_count, received)
            VALUES ($parcel_id, $source, $as_of, $received_at, $value_count, $received);
            """, _ => { });
        var p = write.Parameters;
        var (parcelId, source, asOf, receivedAt) = (p.Add("$parcel_id", SqliteType.Text), p.Add("$source", SqliteType.Text),
            p.Add("$as_of", SqliteType.Text), p.Add("$received_at", SqliteType.Text));
        var (count, received) = (p.Add("$value_count", SqliteType.Integer), p.Add("$received", SqliteType.Blob));
        var run = new List<ReceivedValues.Entry>();
        (string Parcel, string Source, string AsOf, string ReceivedAt)? key = null;
        void Flush()
        {
            if (run.Count == 0) return;
            (parcelId.Value, source.Value, asOf.Value, receivedAt.Value) = key!.Value;
            count.Value = run.Count;
            received.Value = ReceivedValues.Encode(run);
            write.ExecuteNonQuery();
            run.Clear();
        }
        using var reader = read.ExecuteReader();
        var (idColumn, kindColumn, codeColumn) = (reader.GetOrdinal("parcel_id"), reader.GetOrdinal("kind"), reader.GetOrdinal("code"));
        var (numberColumn, categoryColumn, vetoColumn) = (reader.GetOrdinal("number"), reader.GetOrdinal("category"), reader.GetOrdinal("veto"));
        var (sourceColumn, asOfColumn, receivedColumn) = (reader.GetOrdinal("source"), reader.GetOrdinal("as_of"), reader.GetOrdinal("received_at"));
        while (reader.Read())
        {
            var rowKey = (reader.GetString(idColumn), reader.GetString(sourceColumn), reader.GetString(asOfColumn), reader.GetString(receivedColumn));
            // A code received twice in one run (two writes of one parcel in the same chunk) starts a new run.
            var code = reader.GetString(codeColumn);
            var kind = Array.IndexOf(PackedValues.Kinds, reader.GetString(kindColumn));
            if (key != rowKey || run.Exists(e => e.Kind == kind && e.Code == code))
            {
                Flush();
                key = rowKey;
            }
            run.Add(new ReceivedValues.Entry(kind, code,
                reader.IsDBNull(numberColumn) ? null : reader.GetDouble(numberColumn),
                reader.IsDBNull(categoryColumn) ? null : reader.GetString(categoryColumn),
                reader.IsDBNull(vetoColumn) ? null : reader.GetInt64(vetoColumn) != 0));
        }
        Flush();
    }


    private static SqliteCommand Query(SqliteConnection connection, SqliteTransaction? transaction, string sql, Action<SqliteCommand> bind)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        bind(command);
        return command;
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
