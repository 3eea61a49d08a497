using System.Globalization;
using System.Text;
using Scoring.V1;

namespace Scoring.Cli.Output;

/// <summary>
/// How sure a verdict is, as text: the probability below the threshold with its interval, the critical element and Δ*,
/// and a tornado of the elements (the score when one element's weight moves ±20 % of itself, the others rescaled).
/// </summary>
internal static class RobustnessText
{
    /// <summary>The paper's threshold: the mark on every tornado bar.</summary>
    public const double Threshold = 0.6;

    /// <summary>Characters of a tornado bar.</summary>
    public const int BarWidth = 41;

    /// <summary>One element's bar: the score with its weight 20 % lower and 20 % higher.</summary>
    public sealed record TornadoRow(string Code, string Name, double Lower, double Higher);

    /// <summary>"0.412 (95 % CI 0.402–0.422, 10,000 draws): contested".</summary>
    public static string Probability(Robustness r) =>
        F(r.PBelowThreshold, "0.000") + $" (95 % CI {F(r.CiLow, "0.000")}–{F(r.CiHigh, "0.000")}, {r.Draws.ToString("N0", CultureInfo.InvariantCulture)} draws): " +
        (r.Stable ? "stable" : "contested");

    /// <summary>"economy +0.0123 (weight 0.3200 → 0.3323)", or a sentence when no single element can flip it.</summary>
    public static string Critical(Robustness r, Evaluation e)
    {
        if (r.CriticalElement.Length == 0) return "none: no single element's weight can carry the score to the threshold";
        var weight = e.Elements.FirstOrDefault(x => x.Code == r.CriticalElement)?.Weight ?? double.NaN;
        return $"{r.CriticalElement} {F(r.CriticalWeightChange, "+0.0000;-0.0000")} (weight {F(weight, "0.0000")} → {F(weight + r.CriticalWeightChange, "0.0000")})";
    }

    /// <summary>
    /// Per element with data: the score when its weight W moves to 0.8·W and 1.2·W, the others rescaled proportionally
    /// (S + Δ·(s − R), R = (S − W·s)/(1 − W)); widest first.
    /// </summary>
    public static IReadOnlyList<TornadoRow> Tornado(Evaluation e)
    {
        var score = e.Elements.Sum(x => x.Weight * x.Score);
        var rows = new List<TornadoRow>();
        foreach (var x in e.Elements)
        {
            if (x.Missing || x.Weight >= 1) continue;
            var rest = (score - x.Weight * x.Score) / (1 - x.Weight);
            var slope = x.Score - rest;
            rows.Add(new TornadoRow(x.Code, x.Name, score - 0.2 * x.Weight * slope, score + 0.2 * x.Weight * slope));
        }
        return [.. rows.OrderByDescending(r => Math.Abs(r.Higher - r.Lower))];
    }

    /// <summary>
    /// A bar from the lower to the higher score on an axis centred on the threshold (│), wide enough for every row and
    /// the score itself (◆).
    /// </summary>
    public static string Bar(TornadoRow row, double score, double halfSpan)
    {
        int Column(double v) => Math.Clamp((int)Math.Round((v - (Threshold - halfSpan)) / (2 * halfSpan) * (BarWidth - 1)), 0, BarWidth - 1);
        var text = new StringBuilder(new string(' ', BarWidth));
        var (from, to) = (Column(Math.Min(row.Lower, row.Higher)), Column(Math.Max(row.Lower, row.Higher)));
        for (var c = from; c <= to; c++) text[c] = '█';
        text[Column(Threshold)] = '│';
        text[Column(score)] = '◆';
        return text.ToString();
    }

    /// <summary>Half the axis: the furthest of the bars' ends and the score from the threshold, at least 0.01.</summary>
    public static double HalfSpan(IReadOnlyList<TornadoRow> rows, double score) =>
        Math.Max(0.01, rows.SelectMany(r => new[] { r.Lower, r.Higher }).Append(score).Max(v => Math.Abs(v - Threshold)) * 1.05);

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}
