using System.CommandLine;
using System.Globalization;
using Scoring.Cli.Output;
using Scoring.Cli.Terminal;
using Scoring.V1;
using Spectre.Console;

namespace Scoring.Cli.Commands;

/// <summary><c>scoring units summary</c>: the roll-ups of ReportService by level, management unit and street.</summary>
internal static class UnitsCommands
{
    public static Command Build(CliContext ctx, Option<Uri> server)
    {
        var modelVersion = new Option<string?>("--model-version") { Description = "Summarise evaluations made with this version (default: the active one).", HelpName = "version" };
        var streets = new Option<bool>("--streets") { Description = "Add the roll-up by street (街道)." };
        var summary = new Command("summary",
            "Summarises the latest recorded evaluation of every parcel: in total, by level, by management unit " +
            "(with its industrial land share against the paper's norm, when the unit's areas are known) and by street. " +
            "Evaluations are recorded by EvaluateParcel and by evaluate --record-history; those made with --robustness also " +
            "count as contested (a verdict not stable under the weights' uncertainty) or not, with the contested area.")
        {
            modelVersion, streets,
        };
        summary.SetAction((parse, token) => Program.CallAsync(ctx, parse.GetValue(server)!, "SummarizeEvaluations", async client =>
        {
            var r = await client.Reports.SummarizeEvaluationsAsync(
                new SummarizeEvaluationsRequest { ModelVersion = parse.GetValue(modelVersion) ?? "" }, cancellationToken: token);
            Render(ctx.Console, r, parse.GetValue(streets));
            return ExitCodes.Ok;
        }));
        return new Command("units", "Management units (管理片区): parks and industrial communities.") { summary };
    }

    /// <summary>Writes the roll-up tables.</summary>
    public static void Render(IAnsiConsole console, SummarizeEvaluationsResponse r, bool streets)
    {
        console.WriteLine($"model {r.ModelVersion}: {N(r.Total?.ParcelCount ?? 0)} parcels evaluated, " +
                          $"{N(r.Total?.InefficientCount ?? 0)} inefficient ({Percent(r.Total?.InefficientAreaShare ?? 0)} of {Area(r.Total?.AreaMu ?? 0)} 亩)");
        // Contested verdicts are known only for parcels last evaluated with robustness (evaluate --robustness --record-history).
        console.WriteLine(r.Total is { RobustnessKnownCount: > 0 } t
            ? $"contested: {N(t.ContestedCount)} of {N(t.RobustnessKnownCount)} parcels with robustness ({Area(t.ContestedAreaMu)} 亩)"
            : "contested: not known (no parcel's latest evaluation was made with robustness)");

        var levels = Groups("By level", "level");
        foreach (var g in r.ByLevel)
        {
            var level = Enum.TryParse<Level>(g.Key.Replace("LEVEL_", "", StringComparison.Ordinal), ignoreCase: true, out var l) ? l : Level.Unspecified;
            levels.AddRow([.. Row(g, $"{g.Key.Replace("LEVEL_", "", StringComparison.Ordinal)} {Verdicts.Chinese(level)}"), .. Contested(g)]);
        }
        console.Write(Align(levels));

        var units = Groups("By unit", "unit", "industrial share", "norm", "meets");
        foreach (var g in r.ByUnit.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var land = g.LandUse;
            var key = g.Key.Length == 0 ? "(none)" : land is { Name.Length: > 0 } ? $"{g.Key} {land.Name}" : g.Key;
            units.AddRow([.. Row(g, key), .. Esc(land is null ? "" : Percent(land.IndustrialShare), land?.Norm ?? "", land is null ? "" : land.MeetsNorm ? "yes" : "NO"),
                .. Contested(g)]);
        }
        console.Write(Align(units));

        if (!streets) return;
        var byStreet = Groups("By street", "street");
        foreach (var g in r.ByStreet.OrderBy(g => g.Key, StringComparer.Ordinal))
            byStreet.AddRow([.. Row(g, g.Key.Length == 0 ? "(none)" : g.Key), .. Contested(g)]);
        console.Write(Align(byStreet));
    }

    private static Table Groups(string title, string key, params string[] extra) =>
        new Table().Title(title).AddColumns([key, "parcels", "area (亩)", "mean score", "inefficient", "inefficient area", .. extra, "contested", "contested (亩)"]);

    // The contested parcels and their area; "–" when no parcel of the group was evaluated with robustness, and
    // "c of k" when only k of its parcels were.
    private static string[] Contested(EvaluationGroupSummary g) => g.RobustnessKnownCount == 0
        ? ["–", "–"]
        : [g.RobustnessKnownCount < g.ParcelCount ? $"{N(g.ContestedCount)} of {N(g.RobustnessKnownCount)}" : N(g.ContestedCount), Area(g.ContestedAreaMu)];

    private static string[] Row(EvaluationGroupSummary g, string key) =>
        Esc(key, N(g.ParcelCount), Area(g.AreaMu), g.MeanScore.ToString("0.000", CultureInfo.InvariantCulture), N(g.InefficientCount), Percent(g.InefficientAreaShare));

    private static Table Align(Table t)
    {
        for (var i = 1; i <= 5; i++) t.Columns[i].RightAligned();
        t.Columns[^1].RightAligned();
        t.Columns[^2].RightAligned();
        return t;
    }

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Area(double a) => a.ToString("N1", CultureInfo.InvariantCulture);

    private static string Percent(double share) => (100 * share).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string[] Esc(params string[] cells) => [.. cells.Select(Markup.Escape)];
}
