using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using Scoring.Cli.Input;
using Scoring.Cli.Output;
using Scoring.Cli.Terminal;
using Scoring.V1;
using Spectre.Console;

namespace Scoring.Cli.Commands;

/// <summary><c>scoring weights update --ahp FILE</c>: a new model version from an expert round's judgment matrices.</summary>
internal static class WeightsCommands
{
    /// <summary>Saaty's acceptance threshold, for marking the consistency table.</summary>
    private const double ConsistencyThreshold = 0.10;

    public static Command Build(CliContext ctx, Option<Uri> server)
    {
        var ahp = new Option<string>("--ahp")
        {
            Description = "Judgment matrices as JSON: {\"matrices\":[{\"group\":\"elements\",\"items\":[…],\"values\":[…],\"expert\":\"…\"}]} " +
                          "(the protobuf JSON of AhpJudgments); several experts' matrices of one group are combined by geometric mean.",
            Required = true,
            HelpName = "file",
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Compute and report (consistency, weights, impact), store nothing." };
        var activate = new Option<bool>("--activate") { Description = "Make the new version the active one." };
        var note = new Option<string?>("--note") { Description = "Why the weights change; kept in the audit record." };
        var baseVersion = new Option<string?>("--base-version") { Description = "Derive from this version (default: the active one).", HelpName = "version" };
        var expected = new Option<string?>("--expected-active") { Description = "Refuse (ABORTED) unless this is still the active version.", HelpName = "version" };
        var impactLimit = new Option<int>("--impact-limit") { Description = "How many moved parcels the impact preview lists.", DefaultValueFactory = _ => 20, HelpName = "n" };

        var update = new Command("update", "Derives a new model version from expert AHP judgments; prints the consistency table, " +
                                           "the resulting weights and the impact preview on the cached parcels.")
        {
            ahp, dryRun, activate, note, baseVersion, expected, impactLimit,
        };
        update.SetAction(async (parse, token) =>
        {
            AhpJudgments judgments;
            try
            {
                judgments = ReadJudgments(parse.GetValue(ahp)!);
            }
            catch (UsageException e)
            {
                return ctx.Fail(e);
            }
            return await Program.CallAsync(ctx, parse.GetValue(server)!, "UpdateWeights", async client =>
            {
                var response = await client.Scoring.UpdateWeightsAsync(new UpdateWeightsRequest
                {
                    Judgments = judgments,
                    DryRun = parse.GetValue(dryRun),
                    Activate = parse.GetValue(activate),
                    Note = parse.GetValue(note) ?? "",
                    BaseVersion = parse.GetValue(baseVersion) ?? "",
                    ExpectedActiveVersion = parse.GetValue(expected) ?? "",
                    ImpactParcelLimit = parse.GetValue(impactLimit),
                }, cancellationToken: token);
                Render(ctx.Console, response);
                ctx.Out.WriteLine(response.ModelVersion.Length == 0
                    ? "dry run: nothing stored."
                    : $"new model version: {response.ModelVersion}{(parse.GetValue(activate) ? " (now active)" : " (not active; scoring model activate " + response.ModelVersion + ")")}");
                return ExitCodes.Ok;
            });
        });

        return new Command("weights", "Model weights from expert rounds.") { update };
    }

    /// <summary>Reads an AhpJudgments JSON file (or an UpdateWeightsRequest carrying one).</summary>
    public static AhpJudgments ReadJudgments(string path)
    {
        InputFile.Require(path, "judgments", "a .json file");
        var text = File.ReadAllText(path);
        try
        {
            using (var doc = JsonDocument.Parse(text))
            {
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("judgments", out _))
                    return JsonParser.Default.Parse<UpdateWeightsRequest>(text).Judgments ?? new AhpJudgments();
            }
            var judgments = JsonParser.Default.Parse<AhpJudgments>(text);
            if (judgments.Matrices.Count == 0) throw new UsageException($"judgments file '{path}' holds no matrices");
            return judgments;
        }
        catch (Exception e) when (e is JsonException or InvalidProtocolBufferException or InvalidJsonException)
        {
            throw new UsageException($"judgments file '{path}' is not AhpJudgments JSON: {e.Message}");
        }
    }

    /// <summary>Writes the consistency table, the weights and the impact preview.</summary>
    public static void Render(IAnsiConsole console, UpdateWeightsResponse r)
    {
        if (r.Consistency.Count > 0) console.Write(ConsistencyTable(r.Consistency));

        var weights = new Table().Title("Resulting weights").AddColumns("group", "code", "weight");
        foreach (var w in r.Weights) weights.AddRow(Esc(w.Group, w.Code, F(w.Weight_, "0.####")));
        weights.Columns[2].RightAligned();
        console.Write(weights);

        if (r.Impact is not { } impact) return;
        var transitions = new Table().Title($"Impact on {impact.ParcelCount:N0} cached parcels").AddColumns("from", "to", "parcels", "area (亩)");
        foreach (var t in impact.Transitions)
            transitions.AddRow(Esc(Verdicts.Short(t.From), Verdicts.Short(t.To), t.Count.ToString("N0", CultureInfo.InvariantCulture), F(t.AreaMu, "N1")));
        transitions.Columns[2].RightAligned();
        transitions.Columns[3].RightAligned();
        console.Write(transitions);
        if (impact.Moves.Count > 0)
        {
            var moves = new Table().Title($"Parcels moving into or out of the inefficient classes ({impact.TotalMoves:N0}; {impact.Moves.Count} shown)")
                .AddColumns("parcel", "from", "to", "score before", "score after");
            foreach (var m in impact.Moves)
                moves.AddRow(Esc(m.ParcelId, Verdicts.Short(m.From), Verdicts.Short(m.To), F(m.FromScore, "0.0000"), F(m.ToScore, "0.0000")));
            moves.Columns[3].RightAligned();
            moves.Columns[4].RightAligned();
            console.Write(moves);
        }
    }

    /// <summary>One row per matrix: group, expert ("combined" for the geometric mean), λmax, CI, CR and whether CR &lt; 0.10.</summary>
    public static Table ConsistencyTable(IEnumerable<GroupConsistency> rows)
    {
        var table = new Table().Title("Consistency").AddColumns("group", "expert", "n", "λmax", "CI", "CR", "CR < 0.10", "weights");
        foreach (var c in rows)
        {
            var weights = string.Join(", ", c.Items.Zip(c.Weights, (i, w) => $"{i} {F(w, "0.###")}"));
            table.AddRow(Esc(c.Group, c.Expert.Length == 0 ? "combined" : c.Expert, c.Items.Count.ToString(CultureInfo.InvariantCulture),
                F(c.LambdaMax, "0.0000"), F(c.Ci, "0.0000"), F(c.Cr, "0.0000"), c.Cr < ConsistencyThreshold ? "yes" : "NO", weights));
        }
        return table;
    }

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);

    private static string[] Esc(params string[] cells) => [.. cells.Select(Markup.Escape)];
}
