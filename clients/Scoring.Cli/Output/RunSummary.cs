using System.Globalization;
using Scoring.V1;
using Spectre.Console;

namespace Scoring.Cli.Output;

/// <summary>Tallies of an evaluate run: by classification, disposition, level and management unit.</summary>
internal sealed class RunSummary
{
    /// <summary>How many units the unit table lists before it sums up the rest.</summary>
    public const int MaxUnitsShown = 25;

    private readonly Dictionary<Classification, Tally> _byClassification = [];
    private readonly Dictionary<Disposition, Tally> _byDisposition = [];
    private readonly Dictionary<Level, Tally> _byLevel = [];
    private readonly Dictionary<string, Tally> _byUnit = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Count, double Area)> _contested = new(StringComparer.Ordinal);
    private long _assessed;

    /// <summary>Rows read from the input, readable or not.</summary>
    public long RowsIn { get; set; }

    /// <summary>Rows evaluated and written to the output.</summary>
    public long RowsOut { get; private set; }

    /// <summary>Rows that could not be read.</summary>
    public long Unreadable { get; private set; }

    /// <summary>Rows the server refused.</summary>
    public long Refused { get; private set; }

    /// <summary>Rows written to the errors file.</summary>
    public long Errors => Unreadable + Refused;

    /// <summary>Counts one evaluated parcel, in management unit <paramref name="unitId"/> (empty for none).</summary>
    public void Add(Evaluation e, string unitId)
    {
        Add(e.Classification, e.Disposition, e.Level, unitId, e.AreaMu, e.Score);
        if (e.Robustness is not { } r) return;
        _assessed++;
        if (r.Stable) return;
        // Contested verdicts, in all, per level and per unit.
        foreach (var key in new[] { "all", $"level {Verdicts.Short(e.Level)}", $"unit {(unitId.Length > 0 ? unitId : "(none)")}" })
        {
            var (count, area) = _contested.GetValueOrDefault(key);
            _contested[key] = (count + 1, area + e.AreaMu);
        }
    }

    /// <summary>Counts one listed evaluation, in the unit it was evaluated in.</summary>
    public void Add(EvaluationRecord r) => Add(r.Classification, r.Disposition, r.Level, r.UnitId, r.AreaMu, r.Score);

    private void Add(Classification classification, Disposition disposition, Level level, string unitId, double areaMu, double score)
    {
        RowsOut++;
        var parcel = new Counted(classification, areaMu, score);
        Count(_byClassification, classification, parcel);
        Count(_byDisposition, disposition, parcel);
        Count(_byLevel, level, parcel);
        Count(_byUnit, unitId.Length > 0 ? unitId : "(none)", parcel);
    }

    /// <summary>Counts one row that could not be read.</summary>
    public void AddUnreadable() => Unreadable++;

    /// <summary>Counts one row the server refused.</summary>
    public void AddRefused() => Refused++;

    /// <summary>"rows in N = rows out N + rows in errors N": the run's accounting.</summary>
    public string Equation() => string.Create(CultureInfo.InvariantCulture,
        $"rows in {RowsIn} = rows out {RowsOut} + rows in errors {Errors} ({Unreadable} unreadable, {Refused} refused by the server)");

    /// <summary>Writes the four tables.</summary>
    public void Render(IAnsiConsole console)
    {
        var byClass = new Table().Title("By classification").AddColumns("classification", "", "parcels", "share", "area (亩)");
        foreach (var (c, t) in _byClassification.OrderBy(kv => (int)kv.Key))
            byClass.AddRow(Cells(Verdicts.Short(c), Verdicts.Chinese(c), N(t.Count), Share(t.Count), Area(t.Area)));
        Right(byClass, 2, 3, 4);

        var byDisposition = new Table().Title("By disposition").AddColumns("disposition", "", "parcels", "share", "area (亩)");
        foreach (var (d, t) in _byDisposition.OrderBy(kv => (int)kv.Key))
            byDisposition.AddRow(Cells(Verdicts.Short(d), Verdicts.Chinese(d), N(t.Count), Share(t.Count), Area(t.Area)));
        Right(byDisposition, 2, 3, 4);

        var byLevel = new Table().Title("By level").AddColumns("level", "", "parcels", "inefficient", "review", "mean score*", "area (亩)");
        foreach (var (l, t) in _byLevel.OrderBy(kv => (int)kv.Key))
            byLevel.AddRow(Cells(Verdicts.Short(l), Verdicts.Chinese(l), N(t.Count), N(t.Inefficient), N(t.Review), Mean(t), Area(t.Area)));
        Right(byLevel, 2, 3, 4, 5, 6);

        var byUnit = new Table().Title("By unit").AddColumns("unit", "parcels", "inefficient", "review", "mean score*", "area (亩)")
            .Caption("* area-weighted");
        var units = _byUnit.OrderByDescending(kv => kv.Value.Count).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        foreach (var (u, t) in units.Take(MaxUnitsShown).OrderBy(kv => kv.Key, StringComparer.Ordinal))
            byUnit.AddRow(Cells(u, N(t.Count), N(t.Inefficient), N(t.Review), Mean(t), Area(t.Area)));
        if (units.Count > MaxUnitsShown)
        {
            var rest = units.Skip(MaxUnitsShown).Select(kv => kv.Value).ToList();
            byUnit.AddRow(Cells($"… {rest.Count} more units", N(rest.Sum(t => t.Count)), N(rest.Sum(t => t.Inefficient)),
                N(rest.Sum(t => t.Review)), "", Area(rest.Sum(t => t.Area))));
        }
        Right(byUnit, 1, 2, 3, 4, 5);

        console.Write(byClass);
        console.Write(byDisposition);
        console.Write(byLevel);
        console.Write(byUnit);
        if (_assessed > 0) console.Write(Contested());
    }

    // Verdicts not stable under the weights' uncertainty: in all, then per level and unit (those with any).
    private Table Contested()
    {
        var table = new Table().Title("Contested verdicts (not stable under the weights' uncertainty)").AddColumns("group", "contested", "of assessed", "area (亩)");
        var (count, area) = _contested.GetValueOrDefault("all");
        var share = (100.0 * count / _assessed).ToString("0.0", CultureInfo.InvariantCulture) + "%";
        table.AddRow(Cells("all", N(count), share, Area(area)));
        foreach (var (key, t) in _contested.Where(kv => kv.Key != "all").OrderBy(kv => kv.Key, StringComparer.Ordinal))
            table.AddRow(Cells(key, N(t.Count), "", Area(t.Area)));
        Right(table, 1, 2, 3);
        return table;
    }

    /// <summary>
    /// The four tables as one list of lines, for a spreadsheet's summary sheet: every unit (not only the first
    /// <see cref="MaxUnitsShown"/>), shares as fractions, mean scores area-weighted.
    /// </summary>
    public IEnumerable<SummaryLine> Lines(Labels labels)
    {
        var zh = labels == Labels.Zh;
        foreach (var (c, t) in _byClassification.OrderBy(kv => (int)kv.Key))
            yield return new(zh ? "按认定结果" : "by classification", Verdicts.Short(c), Verdicts.Chinese(c), t.Count, ShareOf(t.Count), null, null, null, t.Area);
        foreach (var (d, t) in _byDisposition.OrderBy(kv => (int)kv.Key))
            yield return new(zh ? "按处置类型" : "by disposition", Verdicts.Short(d), Verdicts.Chinese(d), t.Count, ShareOf(t.Count), null, null, null, t.Area);
        foreach (var (l, t) in _byLevel.OrderBy(kv => (int)kv.Key))
            yield return new(zh ? "按层级" : "by level", Verdicts.Short(l), Verdicts.Chinese(l), t.Count, ShareOf(t.Count), t.Inefficient, t.Review, MeanOf(t), t.Area);
        foreach (var (u, t) in _byUnit.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            yield return new(zh ? "按片区" : "by unit", u, "", t.Count, ShareOf(t.Count), t.Inefficient, t.Review, MeanOf(t), t.Area);
    }

    private double? ShareOf(long count) => RowsOut == 0 ? null : (double)count / RowsOut;

    private static double? MeanOf(Tally t) => t.Count == 0 ? null : t.Area > 0 ? t.AreaScoreSum / t.Area : t.ScoreSum / t.Count;

    private string Share(long count) => RowsOut == 0 ? "" : (100.0 * count / RowsOut).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Area(double a) => a.ToString("N1", CultureInfo.InvariantCulture);

    // Area-weighted, as ReportService rolls up (a plain mean when no parcel has an area).
    private static string Mean(Tally t) => MeanOf(t)?.ToString("0.000", CultureInfo.InvariantCulture) ?? "";

    private static string[] Cells(params string[] cells) => [.. cells.Select(Markup.Escape)];

    private static void Right(Table table, params int[] columns)
    {
        foreach (var c in columns) table.Columns[c].RightAligned();
    }

    private readonly record struct Counted(Classification Classification, double AreaMu, double Score);

    private static void Count<TKey>(Dictionary<TKey, Tally> tallies, TKey key, Counted e) where TKey : notnull
    {
        if (!tallies.TryGetValue(key, out var t)) tallies[key] = t = new Tally();
        t.Count++;
        t.Area += e.AreaMu;
        t.ScoreSum += e.Score;
        t.AreaScoreSum += e.Score * e.AreaMu;
        if (Verdicts.IsInefficient(e.Classification)) t.Inefficient++;
        if (e.Classification == Classification.Review) t.Review++;
    }

    private sealed class Tally
    {
        public long Count;
        public long Inefficient;
        public long Review;
        public double Area;
        public double ScoreSum;
        public double AreaScoreSum;
    }
}

/// <summary>One line of the summary tables, as a spreadsheet's summary sheet holds it.</summary>
/// <param name="Table">Which table: by classification, disposition, level or unit.</param>
/// <param name="Key">The group: a classification, disposition or level code, or a unit id.</param>
/// <param name="Name">The group's Chinese name (empty for units).</param>
/// <param name="Parcels">Parcels in the group.</param>
/// <param name="Share">Their share of the parcels written.</param>
/// <param name="Inefficient">Inefficient parcels (level and unit tables).</param>
/// <param name="Review">Parcels for review (level and unit tables).</param>
/// <param name="MeanScore">Area-weighted mean score (level and unit tables).</param>
/// <param name="AreaMu">The group's area in 亩.</param>
internal sealed record SummaryLine(string Table, string Key, string Name, long Parcels, double? Share, long? Inefficient, long? Review,
    double? MeanScore, double AreaMu);
