using System.CommandLine;
using System.Globalization;
using Scoring.Cli.Output;
using Scoring.Cli.Terminal;
using Scoring.V1;
using Spectre.Console;

namespace Scoring.Cli.Commands;

/// <summary><c>scoring model label</c> and <c>scoring model compare</c>: names for versions, and two versions side by side.</summary>
internal static class ModelVersionCommands
{
    /// <summary><c>scoring model label LABEL [VERSION] [--remove] [--note]</c>.</summary>
    public static Command Label(CliContext ctx, Option<Uri> server)
    {
        var label = new Argument<string>("label") { Description = "The label, e.g. official, candidate, 2024-round (a-z, 0-9, '.', '_', '-'; not only digits)." };
        var version = new Argument<string?>("version") { Description = "The version (or another label) it is to name.", Arity = ArgumentArity.ZeroOrOne };
        var remove = new Option<bool>("--remove") { Description = "Remove the label instead." };
        var note = new Option<string?>("--note") { Description = "Why; kept in the audit record." };
        var command = new Command("label", "Points a label at a model version, moves it to another, or removes it (--remove); audited. " +
                                           "Every command that takes a model version takes a label in its place.") { label, version, remove, note };
        command.Validators.Add(r =>
        {
            var named = r.GetValue(version) is { Length: > 0 };
            if (named == r.GetValue(remove)) r.AddError("give either the VERSION the label is to name, or --remove");
        });
        command.SetAction((parse, token) => Program.CallAsync(ctx, parse.GetValue(server)!, "SetModelLabel", async client =>
        {
            var r = await client.Models.SetModelLabelAsync(new SetModelLabelRequest
            {
                Label = parse.GetValue(label)!, Version = parse.GetValue(version) ?? "", Note = parse.GetValue(note) ?? "",
            }, cancellationToken: token);
            ctx.Out.WriteLine(!r.Changed ? $"label {r.Label} already names version {r.Version}; nothing changed"
                : r.Version.Length == 0 ? $"label {r.Label} removed (it named version {r.PreviousVersion})"
                : r.PreviousVersion.Length == 0 ? $"label {r.Label} → version {r.Version}"
                : $"label {r.Label} → version {r.Version} (moved from {r.PreviousVersion})");
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary><c>scoring model compare BASE CANDIDATE [--unit] [--street] [--level] [--page-size]</c>.</summary>
    public static Command Compare(CliContext ctx, Option<Uri> server)
    {
        var from = new Argument<string>("base") { Description = "The version (or label) compared from." };
        var to = new Argument<string>("candidate") { Description = "The version (or label) compared to." };
        var unit = new Option<string?>("--unit") { Description = "Only the parcels of this management unit.", HelpName = "id" };
        var street = new Option<string?>("--street") { Description = "Only the parcels in this street.", HelpName = "name" };
        var level = VerdictOptions.Level("Only the parcels of this level");
        var pageSize = new Option<int>("--page-size") { Description = "How many changed parcels to list (default 50, at most 1000).", DefaultValueFactory = _ => 50 };
        pageSize.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 1000) r.AddError($"--page-size must be between 1 and 1000, got {r.GetValueOrDefault<int>()}");
        });
        var command = new Command("compare", "Evaluates the cached parcels under two versions and prints the transitions of classification and " +
                                             "disposition, each street's inefficient area, and the parcels that change. Nothing is written.")
            { from, to, unit, street, level, pageSize };
        command.SetAction((parse, token) => Program.CallAsync(ctx, parse.GetValue(server)!, "CompareModels", async client =>
        {
            var r = await client.Models.CompareModelsAsync(new CompareModelsRequest
            {
                BaseVersion = parse.GetValue(from)!, CandidateVersion = parse.GetValue(to)!, PageSize = parse.GetValue(pageSize),
                Selection = new ParcelSelection { UnitId = parse.GetValue(unit) ?? "", Street = parse.GetValue(street) ?? "", Level = parse.GetValue(level) },
            }, cancellationToken: token);
            Render(ctx, r);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static void Render(CliContext ctx, CompareModelsResponse r)
    {
        ctx.Out.WriteLine($"version {r.BaseVersion} → {r.CandidateVersion}: {r.ParcelCount} parcels compared, {r.ChangedCount} change classification or disposition" +
                          (r.SkippedCount > 0 ? $", {r.SkippedCount} left out (unreadable under one of the versions)" : ""));
        var classes = new Table().Title("Classification").AddColumns("from", "to", "parcels", "area (亩)");
        foreach (var t in r.ClassificationTransitions) classes.AddRow(Esc(Verdicts.Short(t.From), Verdicts.Short(t.To), N(t.Count), Area(t.AreaMu)));
        ctx.Console.Write(RightAligned(classes, 2, 3));
        var dispositions = new Table().Title("Disposition").AddColumns("from", "to", "parcels", "area (亩)");
        foreach (var t in r.DispositionTransitions) dispositions.AddRow(Esc(Verdicts.Short(t.From), Verdicts.Short(t.To), N(t.Count), Area(t.AreaMu)));
        ctx.Console.Write(RightAligned(dispositions, 2, 3));
        var streets = new Table().Title("Inefficient area by street (亩)").AddColumns("street", "parcels", "base", "candidate", "change");
        foreach (var s in r.Streets)
            streets.AddRow(Esc(s.Street.Length == 0 ? "(none)" : s.Street, N(s.ParcelCount), Area(s.BaseInefficientAreaMu), Area(s.CandidateInefficientAreaMu),
                (s.DeltaAreaMu > 0 ? "+" : "") + Area(s.DeltaAreaMu)));
        ctx.Console.Write(RightAligned(streets, 1, 2, 3, 4));
        if (r.ChangedParcels.Count == 0) return;
        var changed = new Table().Title("Parcels that change").AddColumns("parcel", "street", "area (亩)", "score", "classification", "disposition");
        foreach (var c in r.ChangedParcels)
            changed.AddRow(Esc(c.ParcelId, c.Street, Area(c.AreaMu), $"{Score(c.BaseScore)} → {Score(c.CandidateScore)}",
                Change(Verdicts.Short(c.BaseClassification), Verdicts.Short(c.CandidateClassification)),
                Change(Verdicts.Short(c.BaseDisposition), Verdicts.Short(c.CandidateDisposition))));
        ctx.Console.Write(RightAligned(changed, 2));
        if (r.ChangedParcels.Count < r.ChangedCount)
            ctx.Out.WriteLine($"{r.ChangedCount - r.ChangedParcels.Count} more changed parcels; raise --page-size, or page with the SDK's ChangedParcelsAsync.");
    }

    private static string Change(string from, string to) => from == to ? from : $"{from} → {to}";

    private static Table RightAligned(Table table, params int[] columns)
    {
        foreach (var c in columns) table.Columns[c].RightAligned();
        return table;
    }

    private static string N(int n) => n.ToString("N0", CultureInfo.InvariantCulture);
    private static string Area(double mu) => mu.ToString("0.##", CultureInfo.InvariantCulture);
    private static string Score(double s) => s.ToString("0.0000", CultureInfo.InvariantCulture);
    private static string[] Esc(params string[] cells) => [.. cells.Select(Markup.Escape)];
}
