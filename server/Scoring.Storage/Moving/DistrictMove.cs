using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using Scoring.Storage.Postgres;

namespace Scoring.Storage.Moving;

/// <summary>One table's rows and checksum in one store.</summary>
/// <param name="Rows">Rows.</param>
/// <param name="Checksum">SHA-256 (hex) of the rows' canonical text in key order.</param>
public sealed record TableDigest(long Rows, string Checksum);

/// <summary>One table of a move: its digest in the source and in the target.</summary>
/// <param name="Table">The table.</param>
/// <param name="Source">In the SQLite file.</param>
/// <param name="Target">In the PostgreSQL database.</param>
public sealed record TableCheck(string Table, TableDigest Source, TableDigest Target)
{
    /// <summary>Whether both stores hold the same rows.</summary>
    public bool Matches => Source == Target;
}

/// <summary>What a move or a check found, table by table.</summary>
/// <param name="Tables">Every table of the district, parents first.</param>
public sealed record MoveReport(IReadOnlyList<TableCheck> Tables)
{
    /// <summary>Whether every table matches.</summary>
    public bool Verified => Tables.All(t => t.Matches);
}

/// <summary>The target database already holds a district; nothing was written.</summary>
/// <param name="rows">Rows per table that holds any.</param>
public sealed class TargetNotEmptyException(IReadOnlyDictionary<string, long> rows)
    : Exception($"the target database is not empty ({string.Join(", ", rows.Select(r => $"{r.Key}: {r.Value.ToString("N0", CultureInfo.InvariantCulture)}"))}); " +
                "give --force to replace what it holds")
{
    /// <summary>Rows per table that holds any.</summary>
    public IReadOnlyDictionary<string, long> Rows { get; } = rows;
}

/// <summary>
/// Moves a district from its SQLite file into a PostgreSQL database: the value log, the parcels with their current values,
/// units, models (judgments, consistency, experts, the active version), request ids, labels, audit, evaluation history and
/// layers, by binary COPY in one transaction, ids kept (and the sequences set after them). Then both stores are read
/// again, table by table in key order, and each row written out in one canonical text (times to the microsecond
/// PostgreSQL keeps, bytes as hex) and hashed: a move is verified when every table's count and checksum match.
/// </summary>
public static class DistrictMove
{
    /// <summary>Moves the district of <paramref name="from"/> (SQLite) into <paramref name="to"/> (PostgreSQL) and verifies it.</summary>
    /// <param name="from">The SQLite file's connection string; migrated to the latest schema first, as a server would.</param>
    /// <param name="to">The PostgreSQL database's connection string; migrated (created tables) first.</param>
    /// <param name="force">Replace what the target holds; without it a target that is not empty is refused.</param>
    /// <param name="cancellationToken">Cancels the move; nothing of it is then committed.</param>
    /// <exception cref="TargetNotEmptyException">The target holds rows and <paramref name="force"/> is false.</exception>
    /// <exception cref="ArgumentException">The connection strings are not a SQLite file and a PostgreSQL database.</exception>
    public static async Task<MoveReport> MoveAsync(string from, string to, bool force, CancellationToken cancellationToken = default)
    {
        var (source, target) = Open(from, to);
        using (source)
        using (target)
        {
            await using (var connection = await target.OpenAsync(cancellationToken).ConfigureAwait(false))
            await using (var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
            {
                await EmptyAsync(connection, force, cancellationToken).ConfigureAwait(false);
                await using var reading = await source.OpenAsync(cancellationToken).ConfigureAwait(false);
                // One snapshot of the file for the whole copy.
                using var snapshot = reading.BeginTransaction(deferred: true);
                foreach (var table in MovedTable.All) await CopyAsync(table, reading, snapshot, connection, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            return await CheckAsync(source, target, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Compares <paramref name="from"/> (SQLite) with <paramref name="to"/> (PostgreSQL) table by table, writing nothing but their migrations.</summary>
    /// <exception cref="ArgumentException">The connection strings are not a SQLite file and a PostgreSQL database.</exception>
    public static async Task<MoveReport> VerifyAsync(string from, string to, CancellationToken cancellationToken = default)
    {
        var (source, target) = Open(from, to);
        using (source)
        using (target) return await CheckAsync(source, target, cancellationToken).ConfigureAwait(false);
    }

    private static (ScoringDatabase Source, PostgresDatabase Target) Open(string from, string to)
    {
        if (StorageProviders.Choose(from) != StorageProvider.Sqlite)
            throw new ArgumentException("--from must name a SQLite file (Data Source=…).", nameof(from));
        if (StorageProviders.Choose(to) != StorageProvider.PostgreSql)
            throw new ArgumentException("--to must name a PostgreSQL database (Host=…).", nameof(to));
        var source = new ScoringDatabase(from);
        try
        {
            return (source, new PostgresDatabase(to));
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    // Refuses a target with rows unless forced; forced, empties it (ids restart).
    private static async Task EmptyAsync(NpgsqlConnection connection, bool force, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in MovedTable.All)
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM {table.Name};", connection);
            if ((long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! is var n and > 0) rows[table.Name] = n;
        }
        if (rows.Count == 0) return;
        if (!force) throw new TargetNotEmptyException(rows);
        await using var truncate = new NpgsqlCommand(
            $"TRUNCATE {string.Join(", ", MovedTable.All.Select(t => t.Name))} RESTART IDENTITY CASCADE;", connection);
        await truncate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task CopyAsync(MovedTable table, DbConnection reading, DbTransaction snapshot, NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using (var read = reading.CreateCommand())
        {
            read.Transaction = snapshot;
            read.CommandText = table.Select(StorageProvider.Sqlite);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var copy = await connection.BeginBinaryImportAsync(
                $"COPY {table.Name} ({string.Join(", ", table.Columns.Select(c => c.Name))}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < table.Columns.Length; i++)
                {
                    if (reader.IsDBNull(i)) await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                    else await WriteAsync(copy, reader.GetValue(i), table.Columns[i].Kind, cancellationToken).ConfigureAwait(false);
                }
            }
            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        if (table.Identity is { } identity)
        {
            // The next id follows the copied ones.
            await using var follow = new NpgsqlCommand(
                $"SELECT setval(pg_get_serial_sequence('{table.Name}', '{identity}'), coalesce(max({identity}), 0) + 1, false) FROM {table.Name};", connection);
            await follow.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // A SQLite value as its PostgreSQL column's type.
    private static Task WriteAsync(NpgsqlBinaryImporter copy, object value, ColumnKind kind, CancellationToken cancellationToken) => kind switch
    {
        ColumnKind.Text => copy.WriteAsync((string)value, NpgsqlDbType.Text, cancellationToken),
        ColumnKind.Json => copy.WriteAsync((string)value, NpgsqlDbType.Json, cancellationToken),
        ColumnKind.Int => copy.WriteAsync(Convert.ToInt32(value, CultureInfo.InvariantCulture), NpgsqlDbType.Integer, cancellationToken),
        ColumnKind.Long => copy.WriteAsync(Convert.ToInt64(value, CultureInfo.InvariantCulture), NpgsqlDbType.Bigint, cancellationToken),
        ColumnKind.Real => copy.WriteAsync(Convert.ToDouble(value, CultureInfo.InvariantCulture), NpgsqlDbType.Double, cancellationToken),
        ColumnKind.Flag => copy.WriteAsync(Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0, NpgsqlDbType.Boolean, cancellationToken),
        ColumnKind.Time => copy.WriteAsync(PostgresText.Utc((string)value), NpgsqlDbType.TimestampTz, cancellationToken),
        ColumnKind.Date => copy.WriteAsync(StoredText.ParseDate((string)value), NpgsqlDbType.Date, cancellationToken),
        _ => copy.WriteAsync((byte[])value, NpgsqlDbType.Bytea, cancellationToken),
    };

    private static async Task<MoveReport> CheckAsync(ScoringDatabase source, PostgresDatabase target, CancellationToken cancellationToken)
    {
        var tables = new List<TableCheck>();
        foreach (var table in MovedTable.All)
        {
            TableDigest inSource, inTarget;
            await using (var connection = await source.OpenAsync(cancellationToken).ConfigureAwait(false))
                inSource = await DigestAsync(table, connection, StorageProvider.Sqlite, cancellationToken).ConfigureAwait(false);
            await using (var connection = await target.OpenAsync(cancellationToken).ConfigureAwait(false))
                inTarget = await DigestAsync(table, connection, StorageProvider.PostgreSql, cancellationToken).ConfigureAwait(false);
            tables.Add(new TableCheck(table.Name, inSource, inTarget));
        }
        return new MoveReport(tables);
    }

    // The table's rows in key order, each written out canonically and hashed; the same text from either store.
    private static async Task<TableDigest> DigestAsync(MovedTable table, DbConnection connection, StorageProvider provider, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = table.Select(provider);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var row = new StringBuilder();
        long rows = 0;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            row.Clear();
            for (var i = 0; i < table.Columns.Length; i++)
            {
                // Each field as its length and text, NULL as '-': no two rows write out the same.
                if (reader.IsDBNull(i)) row.Append('-');
                else
                {
                    var text = Canonical(reader.GetValue(i), table.Columns[i].Kind);
                    row.Append(text.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(text);
                }
                row.Append('|');
            }
            hash.AppendData(Encoding.UTF8.GetBytes(row.Append('\n').ToString()));
            rows++;
        }
        return new TableDigest(rows, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static string Canonical(object value, ColumnKind kind) => kind switch
    {
        ColumnKind.Text or ColumnKind.Json => (string)value,
        ColumnKind.Int or ColumnKind.Long => Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        ColumnKind.Real => Convert.ToDouble(value, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture),
        ColumnKind.Flag => value is bool b ? (b ? "1" : "0") : Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0 ? "1" : "0",
        ColumnKind.Time => StoredText.Time(PostgresText.Stored(value is DateTime utc
            ? new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)) : StoredText.ParseTime((string)value))),
        ColumnKind.Date => value switch
        {
            DateTime date => StoredText.Date(DateOnly.FromDateTime(date)),
            DateOnly date => StoredText.Date(date),
            _ => (string)value,
        },
        _ => Convert.ToHexStringLower((byte[])value),
    };
}
