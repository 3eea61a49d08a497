using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text;
using Grpc.Core;
using Scoring.Cli.Commands;
using Scoring.Cli.Input;
using Scoring.Cli.Terminal;
using Scoring.Client;
using Scoring.V1;

namespace Scoring.Cli;

/// <summary>The <c>scoring</c> console client.</summary>
public static class Program
{
    /// <summary>Environment variable naming the server when --server is not given.</summary>
    public const string ServerVariable = "SCORING_SERVER";

    /// <summary>Environment variable holding the API key when --api-key is not given.</summary>
    public const string ApiKeyVariable = "SCORING_API_KEY";

    /// <summary>Runs the command line against the real console; Ctrl+C cancels.</summary>
    public static async Task<int> Main(string[] args)
    {
        Console.OutputEncoding = Encoding.UTF8;
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        return await RunAsync(args, Console.Out, Console.Error, !Console.IsOutputRedirected, cts.Token);
    }

    /// <summary>Runs the command line with its output captured (no terminal: plain progress lines on <paramref name="error"/>).</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        RunAsync(args, output, error, isTerminal: false, cancellationToken);

    private static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, bool isTerminal, CancellationToken cancellationToken)
    {
        var ctx = new CliContext(output, error, isTerminal);
        var (root, apiKey, balancing) = BuildCommands(ctx);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) error.WriteLine($"error: {e.Message}");
            var path = string.Join(' ', parse.CommandResult.Command.Parents.OfType<Command>().Reverse().Select(c => c.Name)
                .Append(parse.CommandResult.Command.Name).Where(n => n != root.Name).Prepend("scoring"));
            var (hints, helpPath) = Suggestions(parse, path);
            foreach (var hint in hints) error.WriteLine(hint);
            error.WriteLine($"Run '{helpPath} --help' for usage.");
            return ExitCodes.Usage;
        }
        ctx.ApiKey = parse.GetValue(apiKey) is { Length: > 0 } key ? key : Environment.GetEnvironmentVariable(ApiKeyVariable);
        ctx.LoadBalancingPolicy = parse.GetValue(balancing);
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                Output = output,
                Error = error,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            }, cancellationToken);
        }
        catch (UsageException e)
        {
            return ctx.Fail(e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (Exception e)
        {
            error.WriteLine($"error: {e.GetType().Name}: {e.Message}");
            return ExitCodes.ServerError;
        }
    }

    // "Did you mean …" for each mistyped subcommand or option: the closest name the command where parsing stopped knows. A
    // mistyped word may also be meant for a command above it ("scoring modle list" stops in "list", a subcommand of the
    // root): then the closest subcommand of the nearest command above that has one is named, and usage is asked of it.
    private static (List<string> Hints, string HelpPath) Suggestions(ParseResult parse, string path)
    {
        var command = parse.CommandResult.Command;
        var ancestors = new List<Command>();
        for (var parent = command.Parents.OfType<Command>().FirstOrDefault(); parent is not null; parent = parent.Parents.OfType<Command>().FirstOrDefault())
            ancestors.Add(parent);
        var options = command.Options.Concat(ancestors.SelectMany(p => p.Options).Where(o => o.Recursive))
            .SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal)).ToList();
        var hints = new List<string>();
        var helpPath = path;
        foreach (var token in parse.UnmatchedTokens)
        {
            if (token.StartsWith('-'))
            {
                if (DidYouMean.Closest(token, options) is { } option) hints.Add($"Did you mean '{path} {option}' instead of '{token}'?");
                continue;
            }
            foreach (var (owner, ownerPath) in ancestors.Prepend(command).Select((c, i) => (c, PathOf(c))))
            {
                if (DidYouMean.Closest(token, [.. owner.Subcommands.SelectMany(c => c.Aliases.Prepend(c.Name))]) is not { } close) continue;
                hints.Add($"Did you mean '{ownerPath} {close}' instead of '{token}'?");
                if (owner != command) helpPath = ownerPath;
                break;
            }
        }
        return (hints, helpPath);
    }

    // "scoring model list": the command's name after its parents', the root's as "scoring".
    private static string PathOf(Command command)
    {
        var names = new List<string>();
        for (Command? c = command; c is not null; c = c.Parents.OfType<Command>().FirstOrDefault())
            if (c is not RootCommand) names.Add(c.Name);
        names.Add("scoring");
        names.Reverse();
        return string.Join(' ', names);
    }

    private static (RootCommand Root, Option<string?> ApiKey, Option<string?> Balancing) BuildCommands(CliContext ctx)
    {
        var balancing = new Option<string?>("--load-balancing")
        {
            Description = "How calls are spread over the replicas a dns:/// server address resolves to: pick_first (default) or " +
                          "round_robin, e.g. --server dns:///scoring-headless:8080 --load-balancing round_robin.",
            Recursive = true,
            HelpName = "policy",
        };
        balancing.AcceptOnlyFromAmong(ScoringClientOptions.PickFirst, ScoringClientOptions.RoundRobin);
        var apiKey = new Option<string?>("--api-key")
        {
            Description = $"API key for a server that requires one (default: ${ApiKeyVariable}); sent as x-api-key.",
            Recursive = true,
            HelpName = "key",
        };
        var server = new Option<Uri>("--server")
        {
            Description = $"The Scoring server's address (default: ${ServerVariable}, else {ScoringClientOptions.DefaultAddress}).",
            Recursive = true,
            HelpName = "url",
            CustomParser = r => ParseServer(r),
            DefaultValueFactory = r => ParseServer(r),
        };

        var root = new RootCommand(
            "scoring — identifies inefficient industrial land (低效工业用地) parcel by parcel through the Scoring gRPC service.\n" +
            "Exit codes: 0 all good; 1 some rows (or the request) refused; 2 usage error; 3 server unreachable; " +
            "4 any other failure (the server failed the call, or does not offer it); 130 interrupted.")
        {
            server, apiKey, balancing,
        };
        root.Subcommands.Add(Evaluate(ctx, server));
        root.Subcommands.Add(IngestCommand.Build(ctx, server));
        root.Subcommands.Add(ListCommand.Build(ctx, server));
        root.Subcommands.Add(MapCommand.Build(ctx, server));
        root.Subcommands.Add(ParcelCommands.Build(ctx, server));
        root.Subcommands.Add(ModelCommands.Build(ctx, server));
        root.Subcommands.Add(WeightsCommands.Build(ctx, server));
        root.Subcommands.Add(UnitsCommands.Build(ctx, server));
        root.Subcommands.Add(LayerCommands.Build(ctx, server));
        root.Subcommands.Add(ClearanceCommands.Build(ctx, server));
        root.Subcommands.Add(BackupCommand.Build(ctx, server));
        return (root, apiKey, balancing);
    }

    private static Command Evaluate(CliContext ctx, Option<Uri> server)
    {
        var input = new Argument<string?>("input")
        {
            Description = "Parcels, one per row: a .csv file with a header, or .jsonl / .ndjson (not with --stored).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var output = OutputOption("Where the evaluations go");
        var labels = LabelsOption();
        var errors = new Option<string?>("--errors")
        {
            Description = "Where unreadable and refused rows go (row, parcel_id, reason); default <output name>.errors.csv beside the output.",
            HelpName = "file",
        };
        var modelVersion = new Option<string?>("--model-version") { Description = "Evaluate with this model version (default: the active one).", HelpName = "version" };
        var chunkSize = new Option<int>("--chunk-size")
        {
            Description = $"Parcels per BatchEvaluate chunk (1 to {BatchOptions.MaxChunkSize}).",
            DefaultValueFactory = _ => 1000,
            HelpName = "n",
        };
        chunkSize.Validators.Add(r =>
        {
            var n = r.GetValueOrDefault<int>();
            if (n is < 1 or > BatchOptions.MaxChunkSize) r.AddError($"--chunk-size must be between 1 and {BatchOptions.MaxChunkSize}, got {n}");
        });
        var view = new Option<string>("--view")
        {
            Description = "basic (scores, verdicts, element scores) or full (every indicator and the top shortfalls; useful with .jsonl).",
            DefaultValueFactory = _ => "basic",
        };
        view.AcceptOnlyFromAmong("basic", "full");
        var robustness = new Option<bool>("--robustness")
        {
            Description = "Also tell how sure each verdict is under the uncertainty of the weights (the full view plus robustness): adds the columns " +
                          "p_below_threshold, ci_low, ci_high, stable, critical_element, critical_weight_change and a table of contested verdicts.",
        };
        var encoding = EncodingOption();
        var recordHistory = new Option<bool>("--record-history")
        {
            Description = "Write each evaluation to its parcel's history (what units summary and ListEvaluations report).",
        };

        var columnar = new Option<bool>("--columnar")
        {
            Description = "Send the parcels in columnar form: far less work for the server and the network, though reading the file still bounds the run. " +
                          "Each row is evaluated from its own cells only, never merged with the server's indicator cache, so use it when the file carries every parcel's data.",
        };

        var stored = new Option<bool>("--stored")
        {
            Description = "Instead of a file, evaluate the parcels stored in the server's indicator cache (all, or those of --unit, --street, --level) " +
                          "through EvaluateStored, in parcel-id order: no parcel data is sent.",
        };
        var unit = new Option<string?>("--unit") { Description = "With --stored: only the parcels of this management unit.", HelpName = "id" };
        var street = new Option<string?>("--street") { Description = "With --stored: only the parcels in this street.", HelpName = "name" };
        var level = new Option<Level>("--level")
        {
            Description = "With --stored: only the parcels of this level: PARK, COMMUNITY or SCATTERED.",
            HelpName = "PARK|COMMUNITY|SCATTERED",
            CustomParser = r => ParseLevel(r),
        };

        var command = new Command("evaluate",
            "Evaluates every parcel of a file through BatchEvaluate, or with --stored the parcels of the server's indicator cache through EvaluateStored, " +
            "and writes the verdicts, a summary and the refused rows.")
        {
            input, output, labels, errors, modelVersion, chunkSize, view, robustness, encoding, recordHistory, columnar, stored, unit, street, level,
        };
        command.Validators.Add(r =>
        {
            static bool Given(CommandResult r, Option o) => r.GetResult(o) is { Implicit: false };
            var hasInput = r.GetValue(input) is not null;
            if (Given(r, stored))
            {
                if (hasInput) r.AddError("give an input file or --stored, not both");
                foreach (var fileOnly in new Option[] { columnar, chunkSize, encoding }.Where(o => Given(r, o)))
                    r.AddError($"{fileOnly.Name} is for an input file; with --stored the server reads the parcels itself");
            }
            else
            {
                if (!hasInput) r.AddError("give an input file, or --stored to evaluate the parcels stored in the server's indicator cache");
                foreach (var storedOnly in new Option[] { unit, street, level }.Where(o => Given(r, o)))
                    r.AddError($"{storedOnly.Name} selects stored parcels; use it with --stored");
            }
        });
        command.SetAction((parse, token) =>
        {
            var evaluationView = parse.GetValue(robustness) ? EvaluationView.Robustness
                : parse.GetValue(view) == "full" ? EvaluationView.Full : EvaluationView.Basic;
            if (parse.GetValue(stored))
                return EvaluateStoredCommand.RunAsync(new EvaluateStoredSettings(
                    parse.GetValue(output)!, parse.GetValue(errors), parse.GetValue(server)!, parse.GetValue(modelVersion), evaluationView,
                    parse.GetValue(recordHistory), parse.GetValue(unit), parse.GetValue(street), parse.GetValue(level), LabelsOf(parse.GetValue(labels))), ctx, token);
            return EvaluateCommand.RunAsync(new EvaluateSettings(
                parse.GetValue(input)!, parse.GetValue(output)!, parse.GetValue(errors), parse.GetValue(server)!,
                parse.GetValue(modelVersion), parse.GetValue(chunkSize), evaluationView, parse.GetValue(encoding),
                parse.GetValue(recordHistory), parse.GetValue(columnar), LabelsOf(parse.GetValue(labels))), ctx, token);
        });
        return command;
    }

    // PARK, COMMUNITY or SCATTERED, in any case; nothing else (not a number, not UNSPECIFIED).
    private static Level ParseLevel(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        switch (text.ToUpperInvariant())
        {
            case "PARK": return Level.Park;
            case "COMMUNITY": return Level.Community;
            case "SCATTERED": return Level.Scattered;
            default:
                result.AddError($"--level: '{text}' is not a level (PARK, COMMUNITY or SCATTERED)");
                return Level.Unspecified;
        }
    }

    /// <summary>--output: one file or several (repeat the option), each in the format of its extension.</summary>
    internal static Option<string[]> OutputOption(string what) => new("--output", "-o")
    {
        Description = $"{what}; the format follows the extension: {Output.OutputFormats.Extensions}. Repeat the option to write several files in one run.",
        Required = true,
        HelpName = "file",
        Arity = ArgumentArity.OneOrMore,
    };

    /// <summary>--labels zh|en: the language of the files' headers and terms.</summary>
    internal static Option<string?> LabelsOption()
    {
        var labels = new Option<string?>("--labels")
        {
            Description = "Headers and terms in Chinese (zh: 地块编号, 低效认定 …) or English (en: parcel_id, IDENTIFIED_INEFFICIENT …); " +
                          "default zh for .xlsx, en for every other format.",
            HelpName = "zh|en",
        };
        labels.AcceptOnlyFromAmong("zh", "en");
        return labels;
    }

    /// <summary>The labels --labels asked for, if any.</summary>
    internal static Output.Labels? LabelsOf(string? text) => text switch
    {
        "zh" => Output.Labels.Zh,
        "en" => Output.Labels.En,
        _ => null,
    };

    /// <summary>--encoding: the input's text encoding when it is not UTF-8.</summary>
    internal static Option<string?> EncodingOption() => new("--encoding")
    {
        Description = "The input's text encoding when it is not UTF-8, e.g. gbk or gb18030 (a CSV saved by a Chinese-locale spreadsheet).",
        HelpName = "name",
    };

    private static Uri ParseServer(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : Environment.GetEnvironmentVariable(ServerVariable);
        if (string.IsNullOrWhiteSpace(text)) return ScoringClientOptions.DefaultAddress;
        if (!text.Contains("://", StringComparison.Ordinal)) text = "http://" + text;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == "dns"))
            return uri;
        result.AddError($"'{text}' is not a server address such as http://localhost:5080 or dns:///scoring:8080");
        return ScoringClientOptions.DefaultAddress;
    }

    /// <summary>Maps a failed call to an exit code, reporting it; shared by the commands.</summary>
    internal static async Task<int> CallAsync(CliContext ctx, Uri server, string what, Func<ScoringClient, Task<int>> call)
    {
        using var client = ctx.Connect(server);
        try
        {
            return await call(client);
        }
        catch (RpcException e)
        {
            return ctx.Fail(e, server, what);
        }
    }
}
