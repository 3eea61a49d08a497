using System.Buffers;
using System.Collections.ObjectModel;
using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;
using Scoring.Storage.Parcels;
using Scoring.Storage.Paging;

namespace Scoring.Storage.Postgres;

/// <summary>
/// The indicator cache in PostgreSQL, with the merge rules of <see cref="ChunkMerge"/> and the packed layouts of the SQLite
/// store (the same bytes). A chunk locks the rows of its parcels (inserting the new ones first, in id order), merges in
/// C#, then writes by binary COPY: the merged rows into a staging table and from there with one UPDATE, the log rows
/// straight into <c>value_writes</c>. Chunks of different replicas that touch the same parcel therefore take turns, and
/// the later one merges into what the earlier one committed. A committed chunk is announced on <see cref="ParcelChannel"/>.
/// </summary>
public sealed class PostgresParcelStore(PostgresDatabase database) : IParcelStore
{
    /// <summary>The channel a stored chunk is announced on (empty payload: a replica reads the outlines again).</summary>
    public const string ParcelChannel = "parcels_stored";

    private static readonly string[] AttributeColumnNames = ChunkMerge.AttributeColumns;

    // The column types of the staging table and of its binary COPY, in AttributeColumns order.
    private static readonly NpgsqlDbType[] AttributeTypes =
    [
        NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Integer, NpgsqlDbType.Double, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text,
        NpgsqlDbType.Boolean, NpgsqlDbType.Boolean, NpgsqlDbType.Boolean, NpgsqlDbType.Boolean, NpgsqlDbType.Text,
    ];

    private static readonly string Columns = string.Join(", ", AttributeColumnNames);

    // What a scoring read fetches: no names, no times.
    private const string ScoringColumns = """
        p.id AS id, p.level AS level, p.area_mu AS area_mu, p.unit_id AS unit_id, p.street AS street, p.industry_code AS industry_code,
        p.inside_development_boundary AS inside_development_boundary, p.in_ecological_red_line AS in_ecological_red_line,
        p.redevelopment_underway AS redevelopment_underway, p.locally_reported AS locally_reported, p.geometry AS geometry,
        p.current_values AS current_values
        """;

    /// <inheritdoc />
    public Task<UpsertCounts> UpsertAsync(string source, DateOnly asOf, IReadOnlyList<ParcelWrite> parcels, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentNullException.ThrowIfNull(parcels);
        ChunkMerge.Check(parcels);
        if (parcels.Count == 0) return Task.FromResult(new UpsertCounts(0, 0));

        return database.WriteAsync(async (connection, transaction, ct) =>
        {
            var received = database.Now();
            var now = received.UtcDateTime;

            // 1. The chunk's parcels locked in id order (new ones inserted empty first, so they can be locked too), read,
            //    and the chunk merged into them in order.
            var merged = ChunkMerge.Keyed(parcels);
            var ids = merged.Keys.Order(StringComparer.Ordinal).ToArray();
            await using (var command = new NpgsqlCommand("""
                INSERT INTO parcels (id, created_at, updated_at) SELECT id, @now, @now FROM unnest(@ids) AS chunk (id) ORDER BY id
                ON CONFLICT (id) DO NOTHING;
                """, connection, transaction))
            {
                command.Parameters.AddWithValue("now", now);
                command.Parameters.AddWithValue("ids", ids);
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            await ReadLockedAsync(connection, transaction, ids, merged, ct).ConfigureAwait(false);
            var values = ChunkMerge.Receive(merged, parcels, source, asOf, received, ct);

            // 2. The merged rows by binary COPY into a staging table, then one UPDATE.
            await using (var stage = new NpgsqlCommand(
                $"CREATE TEMP TABLE parcel_stage ON COMMIT DROP AS SELECT id, {Columns}, attributes_as_of, current_values FROM parcels WITH NO DATA;",
                connection, transaction))
                await stage.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            await using (var copy = await connection.BeginBinaryImportAsync(
                $"COPY parcel_stage (id, {Columns}, attributes_as_of, current_values) FROM STDIN (FORMAT BINARY)", ct).ConfigureAwait(false))
            {
                var scratch = new PackingScratch();
                foreach (var parcel in merged.Values)
                {
                    ct.ThrowIfCancellationRequested();
                    await copy.StartRowAsync(ct).ConfigureAwait(false);
                    await copy.WriteAsync(parcel.Id, NpgsqlDbType.Text, ct).ConfigureAwait(false);
                    for (var i = 0; i < AttributeColumnNames.Length; i++)
                    {
                        if (parcel.Attributes[i] is { } value) await copy.WriteAsync(AsColumn(value, AttributeTypes[i]), AttributeTypes[i], ct).ConfigureAwait(false);
                        else await copy.WriteNullAsync(ct).ConfigureAwait(false);
                    }
                    await copy.WriteAsync(parcel.DatesJson(), NpgsqlDbType.Json, ct).ConfigureAwait(false);
                    await copy.WriteAsync(parcel.Values.Encode(scratch), NpgsqlDbType.Bytea, ct).ConfigureAwait(false);
                }
                await copy.CompleteAsync(ct).ConfigureAwait(false);
            }
            await using (var update = new NpgsqlCommand($"""
                UPDATE parcels p SET {string.Join(", ", AttributeColumnNames.Select(c => $"{c} = s.{c}"))},
                    attributes_as_of = s.attributes_as_of, current_values = s.current_values, updated_at = @now
                FROM parcel_stage s WHERE p.id = s.id;
                SELECT pg_notify('{ParcelChannel}', '');
                """, connection, transaction))
            {
                update.Parameters.AddWithValue("now", now);
                await update.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            // 3. What each parcel write brought, appended to the log in chunk order by binary COPY.
            await using (var log = await connection.BeginBinaryImportAsync(
                "COPY value_writes (parcel_id, source, as_of, received_at, value_count, received) FROM STDIN (FORMAT BINARY)", ct).ConfigureAwait(false))
            {
                var buffer = new ArrayBufferWriter<byte>(1024);
                var strings = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var write in parcels)
                {
                    ct.ThrowIfCancellationRequested();
                    var brought = ReceivedValues.Count(write);
                    if (brought == 0) continue;
                    await log.StartRowAsync(ct).ConfigureAwait(false);
                    await log.WriteAsync(write.ParcelId, NpgsqlDbType.Text, ct).ConfigureAwait(false);
                    await log.WriteAsync(source, NpgsqlDbType.Text, ct).ConfigureAwait(false);
                    await log.WriteAsync(asOf, NpgsqlDbType.Date, ct).ConfigureAwait(false);
                    await log.WriteAsync(now, NpgsqlDbType.TimestampTz, ct).ConfigureAwait(false);
                    await log.WriteAsync(brought, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
                    await log.WriteAsync(ReceivedValues.Encode(write, buffer, strings), NpgsqlDbType.Bytea, ct).ConfigureAwait(false);
                }
                await log.CompleteAsync(ct).ConfigureAwait(false);
            }
            return new UpsertCounts(parcels.Count, values);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<CachedParcel?> GetAsync(string parcelId, ParcelParts parts = ParcelParts.All, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parcelId);
        var found = await LoadAsync(parts, "p.id = @id", "", [new("@id", parcelId)], cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, CachedParcel>> GetManyAsync(IReadOnlyList<string> parcelIds, ParcelParts parts = ParcelParts.All,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parcelIds);
        if (parcelIds.Count == 0) return ReadOnlyDictionary<string, CachedParcel>.Empty;
        var found = await LoadAsync(parts, "p.id = ANY(@ids)", "", [new("@ids", parcelIds.ToArray())], cancellationToken, ordered: false).ConfigureAwait(false);
        return ParcelListing.ById(found);
    }

    /// <inheritdoc />
    public async Task<ParcelPage> ListAsync(ParcelFilter? filter, int pageSize, string? pageToken, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ParcelListing.ListAsync(connection, '@', "true", filter, pageSize, pageToken, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<IReadOnlyList<CachedParcel>> StreamAllAsync(int batchSize = 1000, ParcelFilter? filter = null,
        ParcelParts parts = ParcelParts.All, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        filter ??= ParcelFilter.None;
        var after = "";
        while (true)
        {
            var batch = await LoadAsync(parts, $"{ParcelListing.Where(filter, '@', "true")} AND p.id > @after", "LIMIT @limit",
                [.. ParcelListing.Parameters(filter, '@', after), new("@limit", batchSize)], cancellationToken).ConfigureAwait(false);
            if (batch.Count > 0) yield return batch;
            if (batch.Count < batchSize) yield break;
            after = batch[^1].ParcelId;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CachedValue>> ValueHistoryAsync(string parcelId, string code, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parcelId);
        ArgumentNullException.ThrowIfNull(code);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("""
            SELECT source, as_of, received_at, received FROM value_writes WHERE parcel_id = @parcel_id ORDER BY as_of DESC, receipt DESC;
            """, connection);
        command.Parameters.AddWithValue("parcel_id", parcelId);
        var values = new List<CachedValue>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            ReceivedValues.AddMatching(values, reader.GetFieldValue<byte[]>(3), code, () => (reader.GetString(0), reader.GetFieldValue<DateOnly>(1),
                new DateTimeOffset(reader.GetFieldValue<DateTime>(2))));
        return values;
    }

    // Reads parcels with their packed current values in one statement.
    private async Task<List<CachedParcel>> LoadAsync(ParcelParts parts, string where, string limit, IReadOnlyList<KeyValuePair<string, object>> parameters,
        CancellationToken cancellationToken, bool ordered = true)
    {
        var columns = parts == ParcelParts.Scoring ? ScoringColumns : $"{ParcelListing.ParcelColumns}, p.current_values AS current_values";
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {columns} FROM parcels p WHERE {where} {(ordered ? "ORDER BY p.id" : "")} {limit};", connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return AttributeColumns.ReadParcels(reader);
    }

    // The chunk's rows, locked for the rest of the transaction, into their slots.
    private static async Task ReadLockedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string[] ids,
        Dictionary<string, MergedParcel> merged, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT id, {Columns}, attributes_as_of, current_values FROM parcels WHERE id = ANY(@ids) ORDER BY id FOR UPDATE;", connection, transaction);
        command.Parameters.AddWithValue("ids", ids);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var datesColumn = 1 + AttributeColumnNames.Length;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var attributes = new object?[AttributeColumnNames.Length];
            for (var i = 0; i < attributes.Length; i++) attributes[i] = reader.IsDBNull(1 + i) ? null : reader.GetValue(1 + i);
            var dates = MergedParcel.ParseDates(reader.IsDBNull(datesColumn) ? null : reader.GetString(datesColumn));
            var values = reader.IsDBNull(datesColumn + 1) ? CurrentValueSet.Empty() : CurrentValueSet.Read(reader.GetFieldValue<byte[]>(datesColumn + 1));
            var id = reader.GetString(0);
            merged[id] = new MergedParcel(id, attributes, dates, values);
        }
    }

    // A merged attribute (as either store reads or the merge writes it) as its PostgreSQL column's type.
    private static object AsColumn(object value, NpgsqlDbType type) => type switch
    {
        NpgsqlDbType.Integer => Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture),
        NpgsqlDbType.Boolean => value is bool b ? b : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) != 0,
        _ => value,
    };

}
