using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;
using Scoring.Storage;
using Scoring.V1;

namespace Scoring.Benchmarks;

/// <summary>
/// The raw floor of ingest: the rows <c>UpsertParcels</c> writes for the same parcels (per parcel one row of
/// <c>parcels</c> with its attributes and a packed-values blob of the real length, and one <c>value_writes</c> log row
/// with a blob of the length its received values pack to), inserted in this process by bare prepared single-row INSERTs into a scratch file of the
/// service's own schema, with the service writer's pragmas, one transaction per chunk. Nothing is read, merged,
/// checked or sent over the network: what SQLite alone costs for those rows.
/// </summary>
internal static class IngestFloor
{
    /// <summary>What the floor measured.</summary>
    /// <param name="Parcels">Parcel rows inserted.</param>
    /// <param name="Values">Value rows inserted.</param>
    /// <param name="Elapsed">Wall time of the measured chunks.</param>
    /// <param name="CpuSeconds">CPU time of this process meanwhile; null without /proc.</param>
    public sealed record Result(long Parcels, long Values, TimeSpan Elapsed, double? CpuSeconds)
    {
        /// <summary>Value rows per second.</summary>
        public double ValuesPerSecond => Values / Elapsed.TotalSeconds;
    }

    /// <summary>Inserts <paramref name="chunks"/> (after one warm-up chunk under other ids) into a new file in <paramref name="folder"/>.</summary>
    public static Result Measure(string folder, IReadOnlyList<UpsertParcelsRequest> chunks)
    {
        var file = Path.Combine(folder, "floor.db");
        // The service's schema, as the server's own file has it.
        new ScoringDatabase($"Data Source={file}").Dispose();
        try
        {
            using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
            connection.Open();
            // The pragmas of the server's writer connection (ScoringDatabase): WAL, synchronous NORMAL, foreign keys,
            // a 64 MiB page cache, no automatic checkpoint in the writing thread.
            Execute(connection, """
                PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;
                PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 16777216;
                """);
            using var rows = new Rows(connection, chunks[0].Source, chunks[0].AsOf);
            var warm = chunks[0].Clone();
            foreach (var p in warm.Parcels) p.ParcelId = "floor-warm-" + p.ParcelId;
            rows.Insert(warm);

            long parcels = 0, values = 0;
            var cpu0 = CpuAccount.ProcessSeconds();
            var started = Stopwatch.GetTimestamp();
            foreach (var chunk in chunks)
            {
                var (p, v) = rows.Insert(chunk);
                parcels += p;
                values += v;
            }
            var elapsed = Stopwatch.GetElapsedTime(started);
            return new Result(parcels, values, elapsed, CpuAccount.ProcessSeconds() - cpu0);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var f in new[] { file, file + "-wal", file + "-shm" }) File.Delete(f);
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    // The two prepared statements and their parameters.
    private sealed class Rows : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _parcel, _value;
        private readonly SqliteParameter _id, _level, _area, _unit, _street, _industry, _packed;
        private readonly SqliteParameter _parcelId, _count, _received;
        private readonly Dictionary<int, byte[]> _blobs = [];

        public Rows(SqliteConnection connection, string source, string asOf)
        {
            _connection = connection;
            var now = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
            _parcel = connection.CreateCommand();
            _parcel.CommandText = """
                INSERT INTO parcels (id, level, area_mu, unit_id, street, industry_code, attributes_as_of, current_values, created_at, updated_at)
                VALUES ($id, $level, $area_mu, $unit_id, $street, $industry_code, $dates, $packed, $now, $now);
                """;
            var p = _parcel.Parameters;
            _id = p.Add("$id", SqliteType.Text);
            _level = p.Add("$level", SqliteType.Integer);
            _area = p.Add("$area_mu", SqliteType.Real);
            _unit = p.Add("$unit_id", SqliteType.Text);
            _street = p.Add("$street", SqliteType.Text);
            _industry = p.Add("$industry_code", SqliteType.Text);
            _packed = p.Add("$packed", SqliteType.Blob);
            p.Add("$dates", SqliteType.Text).Value =
                $$"""{"level":"{{asOf}}","area_mu":"{{asOf}}","unit_id":"{{asOf}}","street":"{{asOf}}","industry_code":"{{asOf}}"}""";
            p.Add("$now", SqliteType.Text).Value = now;
            _parcel.Prepare();

            _value = connection.CreateCommand();
            _value.CommandText = """
                INSERT INTO value_writes (parcel_id, source, as_of, received_at, value_count, received)
                VALUES ($parcel_id, $source, $as_of, $now, $value_count, $received);
                """;
            var v = _value.Parameters;
            _parcelId = v.Add("$parcel_id", SqliteType.Text);
            _count = v.Add("$value_count", SqliteType.Integer);
            _received = v.Add("$received", SqliteType.Blob);
            v.Add("$source", SqliteType.Text).Value = source;
            v.Add("$as_of", SqliteType.Text).Value = asOf;
            v.Add("$now", SqliteType.Text).Value = now;
            _value.Prepare();
        }

        public (int Parcels, int Values) Insert(UpsertParcelsRequest chunk)
        {
            var values = 0;
            using var transaction = _connection.BeginTransaction(deferred: false);
            _parcel.Transaction = transaction;
            _value.Transaction = transaction;
            foreach (var parcel in chunk.Parcels)
            {
                _id.Value = parcel.ParcelId;
                _level.Value = (int)parcel.Level;
                _area.Value = parcel.AreaMu;
                _unit.Value = parcel.UnitId;
                _street.Value = parcel.Street;
                _industry.Value = parcel.IndustryCode;
                _packed.Value = Blob(PackedLength(parcel, chunk.Source));
                _parcel.ExecuteNonQuery();

                _parcelId.Value = parcel.ParcelId;
                _count.Value = parcel.Indicators.Count + parcel.Categories.Count + parcel.Vetoes.Count;
                _received.Value = Blob(ReceivedLength(parcel));
                _value.ExecuteNonQuery();
                values += parcel.Indicators.Count + parcel.Categories.Count + parcel.Vetoes.Count;
            }
            transaction.Commit();
            return (chunk.Parcels.Count, values);
        }

        // A blob of the length the packed layout (version 1) gives the parcel; its bytes do not matter to SQLite.
        private byte[] Blob(int length)
        {
            if (!_blobs.TryGetValue(length, out var blob)) _blobs.Add(length, blob = new byte[length]);
            return blob;
        }

        // u8 version, varint string count, strings (varint length + UTF-8), varint value count, per value u8 kind,
        // varint code, payload (f64, varint string or u8), varint source, i32 as_of, i64 received_at.
        private static int PackedLength(ParcelInput parcel, string source)
        {
            var strings = new HashSet<string>(StringComparer.Ordinal) { source };
            var length = 0;
            foreach (var code in parcel.Indicators.Keys) { strings.Add(code); length += 1 + 1 + 8 + 1 + 12; }
            foreach (var (code, key) in parcel.Categories) { strings.Add(code); strings.Add(key); length += 1 + 1 + 1 + 1 + 12; }
            foreach (var code in parcel.Vetoes.Keys) { strings.Add(code); length += 1 + 1 + 1 + 1 + 12; }
            length += 1 + 1 + 1;
            foreach (var s in strings) length += 1 + Encoding.UTF8.GetByteCount(s);
            return length;
        }

        // The log's layout: u8 version, varint string count, strings, varint value count, per value u8 kind, varint code and
        // the payload (f64, varint string or u8).
        private static int ReceivedLength(ParcelInput parcel)
        {
            var strings = new HashSet<string>(StringComparer.Ordinal);
            var length = 1 + 1 + 1;
            foreach (var code in parcel.Indicators.Keys) { strings.Add(code); length += 1 + 1 + 8; }
            foreach (var (code, key) in parcel.Categories) { strings.Add(code); strings.Add(key); length += 1 + 1 + 1; }
            foreach (var code in parcel.Vetoes.Keys) { strings.Add(code); length += 1 + 1 + 1; }
            foreach (var s in strings) length += 1 + Encoding.UTF8.GetByteCount(s);
            return length;
        }

        public void Dispose()
        {
            _parcel.Dispose();
            _value.Dispose();
        }
    }
}
