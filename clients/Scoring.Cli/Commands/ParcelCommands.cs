using System.CommandLine;
using System.Globalization;
using Google.Protobuf;
using Scoring.Cli.Output;
using Scoring.Cli.Terminal;
using Scoring.V1;
using Spectre.Console;

namespace Scoring.Cli.Commands;

/// <summary><c>scoring parcel show</c>: cached parcels' evaluations, explained.</summary>
internal static class ParcelCommands
{
    public static Command Build(CliContext ctx, Option<Uri> server)
    {
        var id = new Argument<string[]>("parcel-id") { Description = "The parcels' cadastral ids, one or more.", Arity = ArgumentArity.OneOrMore };
        var modelVersion = new Option<string?>("--model-version") { Description = "Evaluate with this model version (default: the active one).", HelpName = "version" };
        var json = new Option<bool>("--json") { Description = "Print the evaluation as protobuf JSON instead of tables." };
        var show = new Command("show", "Evaluates parcels from the indicator cache and explains each: element scores, each indicator's value, " +
                                       "utility and contribution, failed vetoes, top shortfalls, and how sure the verdict is under the uncertainty of the weights " +
                                       "(probability below 0.6, the critical element, a tornado of the elements). Nothing is written to their history.")
        {
            id, modelVersion, json,
        };
        show.SetAction((parse, token) => Program.CallAsync(ctx, parse.GetValue(server)!, "GetParcel / EvaluateParcel", async client =>
        {
            var ids = parse.GetValue(id)!;
            for (var i = 0; i < ids.Length; i++)
            {
                var parcel = (await client.Parcels.GetParcelAsync(new GetParcelRequest { ParcelId = ids[i] }, cancellationToken: token)).Parcel;
                var evaluation = await client.EvaluateAsync(new EvaluateParcelRequest
                {
                    Parcel = new ParcelInput { ParcelId = ids[i] },
                    ModelVersion = parse.GetValue(modelVersion) ?? "",
                    View = EvaluationView.Robustness,
                    SkipHistory = true,
                }, token);
                if (parse.GetValue(json))
                {
                    ctx.Out.WriteLine(JsonFormatter.Default.Format(evaluation)); // one JSON object per line
                    continue;
                }
                if (i > 0) ctx.Out.WriteLine();
                Render(ctx.Console, parcel, evaluation);
            }
            return ExitCodes.Ok;
        }));

        return new Command("parcel", "Parcels in the indicator cache.") { show };
    }

    /// <summary>Writes the explanation of one evaluation.</summary>
    public static void Render(IAnsiConsole console, Parcel? parcel, Evaluation e)
    {
        var p = parcel?.Attributes ?? new ParcelInput { ParcelId = e.ParcelId };
        var head = new Grid().AddColumn().AddColumn();
        void Line(string k, string v) => head.AddRow(Markup.Escape(k), Markup.Escape(v));
        Line("parcel", $"{e.ParcelId} {p.Name}".Trim());
        if (p.EnterpriseName.Length > 0) Line("enterprise", p.EnterpriseName);
        Line("level", $"{Verdicts.Short(e.Level)} {Verdicts.Chinese(e.Level)}");
        if (p.UnitId.Length > 0) Line("unit", p.UnitId);
        if (p.Street.Length > 0) Line("street", p.Street);
        Line("area", $"{F(e.AreaMu, "0.##")} 亩");
        Line("model", e.ModelVersion);
        Line("score", F(e.Score, "0.0000"));
        Line("classification", $"{Verdicts.Short(e.Classification)} {Verdicts.Chinese(e.Classification)}");
        Line("disposition", $"{Verdicts.Short(e.Disposition)} {Verdicts.Chinese(e.Disposition)}");
        Line("completeness", F(e.Completeness, "0.###"));
        Line("failed vetoes", e.FailedVetoes.Count == 0 ? "none" : string.Join(", ", e.FailedVetoes));
        Line("unknown vetoes", e.UnknownVetoes.Count == 0 ? "none" : string.Join(", ", e.UnknownVetoes));
        if (e.ClearanceZone != ClearanceZone.Unspecified) Line("clearance zone", Verdicts.Short(e.ClearanceZone));
        foreach (var f in e.SpatialFacts)
            Line(f.Name, $"{(f.Value ? "yes" : "no")} ({F(f.OverlapShare, "0.###")} of the area in {f.LayerId} v{f.LayerVersion})");
        foreach (var m in e.RedevelopmentModes) Line("mode " + Verdicts.Short(m.Mode), m.Reason);
        foreach (var w in e.Warnings) Line("warning", w);
        console.Write(head);

        var elements = new Table().Title("Elements").AddColumns("element", "", "weight", "score");
        foreach (var el in e.Elements)
            elements.AddRow(Esc(el.Code, el.Name, F(el.Weight, "0.####"), el.Missing ? "missing" : F(el.Score, "0.###")));
        console.Write(elements);

        var indicators = new Table().Title("Indicators").AddColumns("element", "indicator", "", "value", "utility", "weight", "contribution", "origin");
        var lastElement = "";
        foreach (var i in e.Indicators)
        {
            var element = i.Element == lastElement ? "" : i.Element;
            lastElement = i.Element;
            var value = i.Missing ? "—" : i.HasValue ? F(i.Value, "0.####") : i.Category;
            var origin = i.Origin switch
            {
                ValueOrigin.Cache => $"{i.Source} {i.AsOf}{(i.Stale ? " (stale)" : "")}".Trim(),
                ValueOrigin.Inline => "inline",
                _ => "",
            };
            indicators.AddRow(Esc(element, i.Code, i.Name, value, i.Missing ? "" : F(i.Utility, "0.###"), F(i.Weight, "0.####"),
                F(i.Contribution, "0.####"), origin));
        }
        console.Write(indicators);

        if (e.TopShortfalls.Count > 0)
        {
            var shortfalls = new Table().Title("Top shortfalls").AddColumns("indicator", "", "utility", "gap");
            foreach (var s in e.TopShortfalls) shortfalls.AddRow(Esc(s.Code, s.Name, F(s.Utility, "0.###"), F(s.Gap, "0.####")));
            console.Write(shortfalls);
        }
        if (e.Robustness is { } r) RenderRobustness(console, e, r);
    }

    private static void RenderRobustness(IAnsiConsole console, Evaluation e, Robustness r)
    {
        var head = new Grid().AddColumn().AddColumn();
        head.AddRow(Esc("P(score < 0.6)", RobustnessText.Probability(r)));
        head.AddRow(Esc("critical element", RobustnessText.Critical(r, e)));
        head.AddRow(Esc("method", r.Method));
        console.Write(head);

        var rows = RobustnessText.Tornado(e);
        var halfSpan = RobustnessText.HalfSpan(rows, e.Score);
        var tornado = new Table().Title($"Tornado: each element's weight −20 % / +20 % (others rescaled); │ = 0.6, ◆ = {F(e.Score, "0.0000")}")
            .AddColumns("element", "", "−20 %", F(RobustnessText.Threshold - halfSpan, "0.000").PadRight(RobustnessText.BarWidth - 5) + F(RobustnessText.Threshold + halfSpan, "0.000"), "+20 %");
        foreach (var row in rows)
            tornado.AddRow(Esc(row.Code, row.Name, F(row.Lower, "0.0000"), RobustnessText.Bar(row, e.Score, halfSpan), F(row.Higher, "0.0000")));
        console.Write(tornado);
    }

    private static string[] Esc(params string[] cells) => [.. cells.Select(Markup.Escape)];

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}
