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
        RowsOut++;
        Count(_byClassification, e.Classification, e);
        Count(_byDisposition, e.Disposition, e);
        Count(_byLevel, e.Level, e);
        Count(_byUnit, unitId.Length > 0 ? unitId : "(none)", e);
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
    }

    private string Share(long count) => RowsOut == 0 ? "" : (100.0 * count / RowsOut).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Area(double a) => a.ToString("N1", CultureInfo.InvariantCulture);

    // Area-weighted, as ReportService rolls up (a plain mean when no parcel has an area).
    private static string Mean(Tally t) =>
        t.Count == 0 ? "" : (t.Area > 0 ? t.AreaScoreSum / t.Area : t.ScoreSum / t.Count).ToString("0.000", CultureInfo.InvariantCulture);

    private static string[] Cells(params string[] cells) => [.. cells.Select(Markup.Escape)];

    private static void Right(Table table, params int[] columns)
    {
        foreach (var c in columns) table.Columns[c].RightAligned();
    }

    private static void Count<TKey>(Dictionary<TKey, Tally> tallies, TKey key, Evaluation e) where TKey : notnull
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
