using System.Globalization;
using System.Text;

namespace Scoring.Benchmarks;

/// <summary>The benchmark's output: Markdown headings, tables and notes, in the order added.</summary>
internal sealed class MarkdownReport
{
    private readonly StringBuilder _text = new();

    /// <summary>A heading of the given level.</summary>
    public void Heading(int level, string text) => _text.Append('#', level).Append(' ').AppendLine(text).AppendLine();

    /// <summary>A paragraph or bullet list, as given.</summary>
    public void Text(string text) => _text.AppendLine(text).AppendLine();

    /// <summary>A table; cells are escaped for pipes.</summary>
    public void Table(IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        _text.Append("| ").AppendJoin(" | ", columns.Select(Escape)).AppendLine(" |");
        _text.Append('|').AppendJoin("", columns.Select(_ => "---|")).AppendLine();
        foreach (var row in rows) _text.Append("| ").AppendJoin(" | ", row.Select(Escape)).AppendLine(" |");
        _text.AppendLine();
    }

    /// <summary>The report so far.</summary>
    public override string ToString() => _text.ToString();

    /// <summary>A whole number with thousands separators.</summary>
    public static string N(double value) => double.IsFinite(value) ? value.ToString("N0", CultureInfo.InvariantCulture) : "—";

    /// <summary>A number with <paramref name="decimals"/> decimals.</summary>
    public static string F(double value, int decimals) => double.IsFinite(value) ? value.ToString("F" + decimals, CultureInfo.InvariantCulture) : "—";

    /// <summary>A share as a percentage.</summary>
    public static string Percent(double share) => double.IsFinite(share) ? (share * 100).ToString("F0", CultureInfo.InvariantCulture) + " %" : "—";

    /// <summary>"met" or "missed".</summary>
    public static string Status(bool met) => met ? "met" : "**missed**";

    private static string Escape(string cell) => cell.Replace("|", "\\|", StringComparison.Ordinal);
}
