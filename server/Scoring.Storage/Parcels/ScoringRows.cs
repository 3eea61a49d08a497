using Microsoft.Data.Sqlite;

namespace Scoring.Storage.Parcels;

/// <summary>
/// Reads the rows of a district scan (<see cref="ParcelParts.Scoring"/>) through SQLite's own statement API
/// (<see cref="RawStatement"/>): a scan asks for a few columns of many rows, and Microsoft.Data.Sqlite's per-column
/// checks would cost more than SQLite's reading.
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
        using var statement = new RawStatement(connection, sql);
        foreach (var (name, value) in parameters) statement.Bind(statement.Parameter(name), value);
        var parcels = new List<CachedParcel>();
        var texts = new RepeatedTexts();
        while (statement.Read())
        {
            var flags = (int)statement.Integer(6);
            var attributes = new ParcelAttributes(
                statement.Text(0),
                null, null,
                statement.IsNull(1) ? null : (int)statement.Integer(1),
                statement.IsNull(2) ? null : statement.Real(2),
                texts.Read(statement, 3), texts.Read(statement, 4), texts.Read(statement, 5),
                Flag(flags), Flag(flags >> 2), Flag(flags >> 4), Flag(flags >> 6),
                statement.IsNull(8) ? null : statement.Text(8), DateTimeOffset.MinValue, DateTimeOffset.MinValue);
            parcels.Add(statement.IsNull(7)
                ? new CachedParcel(attributes, CachedParcel.NoValues, CachedParcel.NoValues, CachedParcel.NoValues)
                : new CachedParcel(attributes, statement.Bytes(7).ToArray()));
        }
        return parcels;
    }

    private static bool? Flag(int bits) => (bits & 3) switch { 1 => false, 2 => true, _ => null };

    // Units, streets and industry codes repeat from row to row: each column keeps its last text, taken again when the bytes
    // are the same, so a scan makes one string per change instead of one per row.
    private sealed class RepeatedTexts
    {
        private readonly byte[][] _bytes = [[], [], []];
        private readonly string?[] _texts = new string?[3];

        public string? Read(RawStatement statement, int column)
        {
            if (statement.IsNull(column)) return null;
            var bytes = statement.Bytes(column);
            var slot = column - 3;
            if (_texts[slot] is { } last && bytes.SequenceEqual(_bytes[slot])) return last;
            _bytes[slot] = bytes.ToArray();
            return _texts[slot] = System.Text.Encoding.UTF8.GetString(bytes);
        }
    }
}
