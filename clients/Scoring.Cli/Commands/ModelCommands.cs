using System.CommandLine;
using System.Globalization;
using Scoring.Cli.Terminal;
using Scoring.V1;
using Spectre.Console;

namespace Scoring.Cli.Commands;

/// <summary><c>scoring model list|show|activate|export|labels|label|compare</c>: the life cycle of model versions.</summary>
internal static class ModelCommands
{
    public static Command Build(CliContext ctx, Option<Uri> server)
    {
        var list = new Command("list", "Lists the model versions, newest first; * marks the active one.");
        list.SetAction((parse, token) => Program.CallAsync(ctx, parse.GetValue(server)!, "ListModels", async client =>
        {
            var table = new Table().AddColumns("", "version", "parent", "created", "author", "name", "note", "labels");
            var pageToken = "";
            do
            {
                var page = await client.Models.ListModelsAsync(new ListModelsRequest { PageSize = 200, PageToken = pageToken }, cancellationToken: token);
                foreach (var m in page.Models)
                    table.AddRow(Esc(m.Active ? "*" : "", m.Version, m.ParentVersion, Time(m.CreateTime), m.Author, m.Name, m.Note, string.Join(", ", m.Labels)));
                pageToken = page.NextPageToken;
            } while (pageToken.Length > 0);
            ctx.Console.Write(table);
            return ExitCodes.Ok;
        }));

        var showVersion = new Argument<string?>("version") { Description = "The version (default: the active one).", Arity = ArgumentArity.ZeroOrOne };
        var show = new Command("show", "Shows one model version: thresholds, every weight, and the consistency of the judgments behind it.") { showVersion };
        show.SetAction((parse, token) => Program.CallAsync(ctx, parse.GetValue(server)!, "GetModel", async client =>
        {
            var m = (await client.Models.GetModelAsync(new GetModelRequest { Version = parse.GetValue(showVersion) ?? "" }, cancellationToken: token)).Model;
            Render(ctx.Console, m);
            return ExitCodes.Ok;
        }));

        var activateVersion = new Argument<string>("version") { Description = "The version to make active (an earlier one rolls back)." };
        var note = new Option<string?>("--note") { Description = "Why; kept in the audit record." };
        var expected = new Option<string?>("--expected-active") { Description = "Refuse (ABORTED) unless this is still the active version.", HelpName = "version" };
        var activate = new Command("activate", "Makes a model version the active one.") { activateVersion, note, expected };
        activate.SetAction((parse, token) => Program.CallAsync(ctx, parse.GetValue(server)!, "ActivateModel", async client =>
        {
            var m = (await client.Models.ActivateModelAsync(new ActivateModelRequest
            {
                Version = parse.GetValue(activateVersion)!,
                Note = parse.GetValue(note) ?? "",
                ExpectedActiveVersion = parse.GetValue(expected) ?? "",
            }, cancellationToken: token)).Model;
            ctx.Out.WriteLine($"active model: {m.Version} ({m.Name})");
            return ExitCodes.Ok;
        }));

        var exportVersion = new Argument<string?>("version") { Description = "The version (default: the active one).", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<string?>("--output", "-o") { Description = "Write the document to this file instead of standard output.", HelpName = "file" };
        var export = new Command("export", "Writes a model version's whole document (JSON): indicators, curves, weights, vetoes, thresholds.") { exportVersion, output };
        export.SetAction((parse, token) => Program.CallAsync(ctx, parse.GetValue(server)!, "ExportModel", async client =>
        {
            var r = await client.Models.ExportModelAsync(new ExportModelRequest { Version = parse.GetValue(exportVersion) ?? "" }, cancellationToken: token);
            if (parse.GetValue(output) is { } path)
            {
                await File.WriteAllTextAsync(path, r.DocumentJson, token);
                ctx.Out.WriteLine($"model {r.Version} written to {path}");
            }
            else
            {
                ctx.Out.WriteLine(r.DocumentJson);
            }
            return ExitCodes.Ok;
        }));

        return new Command("model", "Model versions: list, show, activate (or roll back), export, labels, label, compare.")
            { list, show, activate, export, LabelsCommand.Build(ctx, server), ModelVersionCommands.Label(ctx, server), ModelVersionCommands.Compare(ctx, server) };
    }

    /// <summary>Writes one model: its header lines, weights and consistency figures.</summary>
    public static void Render(IAnsiConsole console, Model m)
    {
        var head = new Grid().AddColumn().AddColumn();
        void Line(string k, string v) => head.AddRow(Markup.Escape(k), Markup.Escape(v));
        Line("version", m.Version + (m.Active ? " (active)" : ""));
        Line("name", m.Name);
        Line("model id", m.ModelId);
        if (m.ParentVersion.Length > 0) Line("parent", m.ParentVersion);
        if (m.Labels.Count > 0) Line("labels", string.Join(", ", m.Labels));
        Line("created", $"{Time(m.CreateTime)} {m.Author}".Trim());
        if (m.Note.Length > 0) Line("note", m.Note);
        Line("threshold", F(m.Threshold) + $" (review band {F(m.ReviewBand)}, min completeness {F(m.MinCompleteness)})");
        console.Write(head);

        var weights = new Table().Title("Weights").AddColumns("group", "code", "weight");
        foreach (var w in m.Weights) weights.AddRow(Esc(w.Group, w.Code, F(w.Weight_)));
        weights.Columns[2].RightAligned();
        console.Write(weights);
        if (m.Consistency.Count > 0) console.Write(WeightsCommands.ConsistencyTable(m.Consistency));
    }

    internal static string Time(Google.Protobuf.WellKnownTypes.Timestamp? t) =>
        t is null ? "" : t.ToDateTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);

    internal static string[] Esc(params string[] cells) => [.. cells.Select(Markup.Escape)];
}
