using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Scoring.Storage.Parcels;

/// <summary>
/// Reads the rows of a district scan (<see cref="ParcelParts.Scoring"/>) through SQLite's own statement API: a scan asks
/// for a few columns of many rows, and Microsoft.Data.Sqlite's per-column checks would cost more than SQLite's reading.
/// Errors surface as the <see cref="SqliteException"/> Microsoft.Data.Sqlite would raise, so faults are named the same.
/// </summary>
internal static class ScoringRows
{
    /// <summary>
    /// The columns read (SQLite gives | and &lt;&lt; the same precedence, left to right, so each shift is in parentheses),
    /// in this order: id, level, area, unit, street, industry code, the four flags as one number (two bits
    /// each: 0 never received, 1 false, 2 true), the packed current values, the geometry text (last, for overlays).
    /// </summary>
    public const string Columns = """
        p.id, p.level, p.area_mu, p.unit_id, p.street, p.industry_code,
        ifnull(p.inside_development_boundary + 1, 0) | (ifnull(p.in_ecological_red_line + 1, 0) << 2)
          | (ifnull(p.redevelopment_underway + 1, 0) << 4) | (ifnull(p.locally_reported + 1, 0) << 6),
        p.current_values, p.geometry
        """;

    /// <summary>Runs <paramref name="sql"/> (selecting <see cref="Columns"/>) with its named parameters; one parcel per row.</summary>
    public static List<CachedParcel> Read(SqliteConnection connection, string sql, IReadOnlyList<KeyValuePair<string, object>> parameters)
    {
        var db = connection.Handle!;
        var rc = raw.sqlite3_prepare_v2(db, sql, out var statement);
        SqliteException.ThrowExceptionForRC(rc, db);
        using (statement)
        {
            foreach (var (name, value) in parameters)
            {
                var index = raw.sqlite3_bind_parameter_index(statement, name);
                rc = value switch
                {
                    string text => raw.sqlite3_bind_text(statement, index, text),
                    int number => raw.sqlite3_bind_int64(statement, index, number),
                    _ => throw new ArgumentException($"parameter {name}: {value.GetType().Name} is not bound here", nameof(parameters)),
                };
                SqliteException.ThrowExceptionForRC(rc, db);
            }
            var parcels = new List<CachedParcel>();
            var texts = new RepeatedTexts();
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                var flags = raw.sqlite3_column_int(statement, 6);
                var attributes = new ParcelAttributes(
                    raw.sqlite3_column_text(statement, 0).utf8_to_string(),
                    null, null,
                    IsNull(statement, 1) ? null : raw.sqlite3_column_int(statement, 1),
                    IsNull(statement, 2) ? null : raw.sqlite3_column_double(statement, 2),
                    texts.Read(statement, 3), texts.Read(statement, 4), texts.Read(statement, 5),
                    Flag(flags), Flag(flags >> 2), Flag(flags >> 4), Flag(flags >> 6),
                    IsNull(statement, 8) ? null : raw.sqlite3_column_text(statement, 8).utf8_to_string(), DateTimeOffset.MinValue, DateTimeOffset.MinValue);
                parcels.Add(IsNull(statement, 7)
                    ? new CachedParcel(attributes, CachedParcel.NoValues, CachedParcel.NoValues, CachedParcel.NoValues)
                    : new CachedParcel(attributes, raw.sqlite3_column_blob(statement, 7).ToArray()));
            }
            if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, db);
            return parcels;
        }
    }

    private static bool IsNull(sqlite3_stmt statement, int column) => raw.sqlite3_column_type(statement, column) == raw.SQLITE_NULL;

    private static bool? Flag(int bits) => (bits & 3) switch { 1 => false, 2 => true, _ => null };

    // Units, streets and industry codes repeat from row to row: each column keeps its last text, taken again when the bytes
    // are the same, so a scan makes one string per change instead of one per row.
    private sealed class RepeatedTexts
    {
        private readonly byte[][] _bytes = [[], [], []];
        private readonly string?[] _texts = new string?[3];

        public string? Read(sqlite3_stmt statement, int column)
        {
            if (IsNull(statement, column)) return null;
            var bytes = raw.sqlite3_column_blob(statement, column);
            var slot = column - 3;
            if (_texts[slot] is { } last && bytes.SequenceEqual(_bytes[slot])) return last;
            _bytes[slot] = bytes.ToArray();
            return _texts[slot] = System.Text.Encoding.UTF8.GetString(bytes);
        }
    }
}
