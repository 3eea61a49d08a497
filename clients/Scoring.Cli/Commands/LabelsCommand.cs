using System.CommandLine;
using System.Globalization;
using Scoring.Cli.Terminal;
using Scoring.V1;
using Spectre.Console;

namespace Scoring.Cli.Commands;

/// <summary><c>scoring model labels</c>: the server's display names of the contract's enums and of a model's codes.</summary>
internal static class LabelsCommand
{
    public static Command Build(CliContext ctx, Option<Uri> server)
    {
        var version = new Argument<string?>("version") { Description = "The model version whose codes to name (default: the active one).", Arity = ArgumentArity.ZeroOrOne };
        var labels = new Command("labels",
            "Shows the Chinese and English names of every enum value of the contract and of the model's elements, indicators, vetoes and modes.") { version };
        labels.SetAction((parse, token) => Program.CallAsync(ctx, parse.GetValue(server)!, "GetLabels", async client =>
        {
            var r = await client.Models.GetLabelsAsync(new GetLabelsRequest { ModelVersion = parse.GetValue(version) ?? "" }, cancellationToken: token);
            var enums = new Table().Title("Enums").AddColumns("enum", "value", "number", "中文", "English");
            foreach (var e in r.Enums)
                foreach (var v in e.Values)
                    enums.AddRow(ModelCommands.Esc(e.Name, v.Name, v.Number.ToString(CultureInfo.InvariantCulture), v.Zh, v.En));
            enums.Columns[2].RightAligned();
            ctx.Console.Write(enums);

            var codes = new Table().Title($"Model {Markup.Escape(r.ModelVersion)}").AddColumns("kind", "code", "中文", "English");
            foreach (var (kind, list) in new[] { ("element", r.Elements), ("indicator", r.Indicators), ("veto", r.Vetoes), ("mode", r.Modes) })
                foreach (var l in list) codes.AddRow(ModelCommands.Esc(kind, l.Code, l.Zh, l.En));
            ctx.Console.Write(codes);
            return ExitCodes.Ok;
        }));
        return labels;
    }
}
