using System.Globalization;

namespace Scoring.Cli.Output;

/// <summary>
/// One column of a file the CLI writes: its header (English or Chinese, as the file's labels say), the name it has in a
/// Shapefile (at most 10 characters: a dBASE field name), and how a record fills it. A value is a string, a number
/// (double, rounded as files write it), a time (<see cref="DateTimeOffset"/>) or null for no value.
/// </summary>
internal sealed record FileColumn<T>(string Header, string ShapefileField, Func<T, object?> Value, CellKind Kind = CellKind.Text)
{
    /// <summary>The longest dBASE field name.</summary>
    public const int MaxShapefileField = 10;
}

/// <summary>What a column holds, for the formats that type their fields up front (Shapefile, GeoPackage).</summary>
internal enum CellKind
{
    /// <summary>Text.</summary>
    Text,
    /// <summary>A number (double), or null.</summary>
    Number,
    /// <summary>A time (<see cref="DateTimeOffset"/>), or null.</summary>
    Time,
}

/// <summary>How column values are written as text (CSV) and rounded (every format).</summary>
internal static class Cells
{
    /// <summary>A number as files hold it: rounded to 6 decimals.</summary>
    public static double Round(double value) => Math.Round(value, 6);

    /// <summary>A value as CSV writes it: numbers with at most 6 decimals, invariant; times in UTC, ISO 8601; null empty.</summary>
    public static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        double d => Round(d).ToString("0.######", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
