using System.CommandLine;
using Grpc.Core;
using Scoring.Cli.Input;
using Scoring.Cli.Output;
using Scoring.Cli.Terminal;
using Scoring.Client;
using Scoring.V1;
using Spectre.Console;

namespace Scoring.Cli.Commands;

/// <summary>What <c>scoring list</c> was asked for: the ListEvaluations filters and order, and where the list goes.</summary>
internal sealed record ListSettings(Uri Server, ListEvaluationsRequest Request, IReadOnlyList<string> Outputs, Labels? Labels);

/// <summary>
/// <c>scoring list</c>: the district's lists (名单) from the evaluations the server keeps, through ListEvaluations page by
/// page: a table on the terminal, or files (.csv, .xlsx, .jsonl, …) with the parcel, its place, its verdict and the reasons.
/// </summary>
internal static class ListCommand
{
    /// <summary>The orders ListEvaluations knows.</summary>
    public static readonly string[] Orders = ["parcel_id", "score", "evaluate_time"];

    public static Command Build(CliContext ctx, Option<Uri> server)
    {
        var classification = VerdictOptions.Classification("Only parcels of this classification");
        var disposition = VerdictOptions.Disposition("Only parcels of this disposition");
        var clearanceZone = VerdictOptions.ClearanceZone("Only parcels in this clearance tier");
        var level = VerdictOptions.Level("Only parcels of this level");
        var street = new Option<string?>("--street") { Description = "Only parcels of this street (街道), as evaluated.", HelpName = "name" };
        var unit = new Option<string?>("--unit") { Description = "Only parcels of this management unit, as evaluated.", HelpName = "id" };
        var modelVersion = new Option<string?>("--model-version") { Description = "Only evaluations made with this model version.", HelpName = "version" };
        var latestOnly = new Option<bool>("--latest-only")
        {
            Description = "Only the latest evaluation of each parcel (the default); --latest-only false lists every evaluation kept.",
            DefaultValueFactory = _ => true,
            Arity = ArgumentArity.ZeroOrOne,
        };
        var orderBy = new Option<string>("--order-by")
        {
            Description = "parcel_id (the default), score (lowest first) or evaluate_time (newest first).",
            DefaultValueFactory = _ => "parcel_id",
            HelpName = string.Join('|', Orders),
        };
        orderBy.AcceptOnlyFromAmong(Orders);
        var output = Program.OutputOption("Where the list goes (default: a table on the terminal)");
        output.Required = false;
        var labels = Program.LabelsOption();

        var command = new Command("list",
            "Lists the district's evaluations kept by the server (the lists planners hand on, 名单): each parcel's latest verdict by default, " +
            "filtered and ordered as asked, with its street, unit, level, area, score, disposition, failed vetoes, top shortfalls and suggested modes.")
        {
            classification, disposition, clearanceZone, street, unit, level, modelVersion, latestOnly, orderBy, output, labels,
        };
        command.SetAction((parse, token) =>
        {
            var request = new ListEvaluationsRequest
            {
                Classification = parse.GetValue(classification), Disposition = parse.GetValue(disposition),
                ClearanceZone = parse.GetValue(clearanceZone), Street = parse.GetValue(street) ?? "", UnitId = parse.GetValue(unit) ?? "",
                Level = parse.GetValue(level), ModelVersion = parse.GetValue(modelVersion) ?? "", LatestOnly = parse.GetValue(latestOnly),
                OrderBy = parse.GetValue(orderBy)!,
            };
            return RunAsync(new ListSettings(parse.GetValue(server)!, request, parse.GetValue(output) ?? [], Program.LabelsOf(parse.GetValue(labels))),
                ctx, token);
        });
        return command;
    }

    public static async Task<int> RunAsync(ListSettings settings, CliContext ctx, CancellationToken cancellationToken)
    {
        IReadOnlyList<OutputFormat> formats;
        try
        {
            formats = [.. settings.Outputs.Select(OutputFormats.Of)];
        }
        catch (UsageException e)
        {
            return ctx.Fail(e);
        }
        return await Program.CallAsync(ctx, settings.Server, "ListEvaluations", async client =>
        {
            // Chinese labels name vetoes and indicators as the active model does.
            var nameOf = await NamesAsync(client, settings, formats, cancellationToken);
            var listed = client.ListEvaluationsAsync(settings.Request, cancellationToken);
            if (settings.Outputs.Count == 0) return await PrintAsync(ctx, listed, settings, nameOf, cancellationToken);
            return await WriteAsync(ctx, client, listed, settings, nameOf, cancellationToken);
        });
    }

    private static async Task<Func<string, string>> NamesAsync(ScoringClient client, ListSettings settings, IReadOnlyList<OutputFormat> formats,
        CancellationToken cancellationToken)
    {
        var zh = formats.Count == 0 ? settings.Labels == Labels.Zh : formats.Any(f => OutputFormats.LabelsFor(f, settings.Labels) == Labels.Zh);
        if (!zh) return code => code;
        return (await ModelDefinitions.ColumnsAsync(client, null, cancellationToken)).NameOf;
    }

    // The terminal's table: short headers, the disposition as the paper's legend names it, scores to 4 decimals, verdicts
    // kept whole, lists split at ", " so they wrap between items. The model versions and the span of evaluation times
    // close the table (files carry both on every row, and every figure in full).
    private static async Task<int> PrintAsync(CliContext ctx, IAsyncEnumerable<EvaluationRecord> listed, ListSettings settings,
        Func<string, string> nameOf, CancellationToken cancellationToken)
    {
        var labels = settings.Labels ?? Labels.En;
        var zh = labels == Labels.Zh;
        string Items(IEnumerable<string> codes) => string.Join(", ", zh ? codes.Select(nameOf) : codes);
        var table = new Table().AddColumns(zh
            ? ["地块", "街道", "片区", "层级", "亩", "得分", "认定", "处置", "清退分区", "否决项", "主要短板", "建议模式"]
            : ["parcel", "street", "unit", "level", "亩", "score", "classification", "处置", "tier", "failed vetoes", "top shortfalls", "modes"]);
        for (var i = 0; i <= 8; i++) table.Columns[i].NoWrap();
        foreach (var i in new[] { 4, 5 }) table.Columns[i].RightAligned();
        var versions = new SortedSet<string>(StringComparer.Ordinal);
        DateTime? first = null, last = null;
        var count = 0;
        await foreach (var r in listed.WithCancellation(cancellationToken))
        {
            table.AddRow([.. new[]
            {
                r.ParcelId, r.Street, r.UnitId, r.Level == Level.Unspecified ? "" : Verdicts.Term(r.Level, labels),
                r.AreaMu.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture), r.Score.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture),
                Verdicts.Term(r.Classification, labels), Verdicts.Chinese(r.Disposition), Verdicts.Term(r.ClearanceZone, labels),
                Items(r.FailedVetoes), Items(r.TopShortfalls), string.Join(", ", r.RedevelopmentModes.Select(m => zh ? Verdicts.Chinese(m) : Verdicts.Short(m))),
            }.Select(Markup.Escape)]);
            versions.Add(r.ModelVersion);
            if (r.EvaluateTime?.ToDateTime() is { } at)
            {
                if (first is null || at < first) first = at;
                if (last is null || at > last) last = at;
            }
            count++;
        }
        if (count > 0) ctx.Console.Write(table);
        ctx.Out.WriteLine($"{count} {(count == 1 ? "evaluation" : "evaluations")} listed ({Describe(settings.Request)})");
        if (count > 0)
            ctx.Out.WriteLine($"model {string.Join(", ", versions)}; evaluated {Minute(first!.Value)}{(Minute(first.Value) == Minute(last!.Value) ? "" : $" to {Minute(last.Value)}")} UTC");
        return ExitCodes.Ok;
    }

    private static string Minute(DateTime t) => t.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<int> WriteAsync(CliContext ctx, ScoringClient client, IAsyncEnumerable<EvaluationRecord> listed, ListSettings settings,
        Func<string, string> nameOf, CancellationToken cancellationToken)
    {
        var summary = new RunSummary();
        var writers = settings.Outputs.Select(path =>
        {
            var format = OutputFormats.Of(path);
            var labels = OutputFormats.LabelsFor(format, settings.Labels);
            return RecordWriter<EvaluationRecord>.Create(new RecordFile<EvaluationRecord>(path, format, labels, ListColumns.For(labels, nameOf),
                r => r.ParcelId, labels == Labels.Zh ? "名单" : "list", summary));
        }).ToList();
        await using var writer = new FanOutWriter<EvaluationRecord>(writers);
        // The shapes of the GIS files come from the cache: the parcels of the same street, unit or level.
        var shapes = settings.Outputs.Select(OutputFormats.Of).Any(OutputFormats.IsGeographic) ? await CachedOutlinesAsync(client, settings.Request, cancellationToken) : null;
        var checker = new Outlines();
        var unshaped = 0;
        await ProgressDisplay.RunAsync(ctx, "listing", async report =>
        {
            await foreach (var record in listed.WithCancellation(cancellationToken))
            {
                Outline? outline = null;
                if (shapes is not null && shapes.TryGetValue(record.ParcelId, out var cached))
                {
                    checker.Read(cached, out var problem);
                    if (problem is null) outline = cached;
                }
                if (shapes is not null && outline is null) unshaped++;
                await writer.WriteAsync(record, outline, cancellationToken);
                summary.Add(record);
                report.Report(summary.RowsOut, summary.RowsOut);
            }
            return true;
        });
        await writer.CommitAsync(cancellationToken);
        summary.Render(ctx.Console);
        ctx.Out.WriteLine($"{summary.RowsOut} {(summary.RowsOut == 1 ? "evaluation" : "evaluations")} listed ({Describe(settings.Request)})");
        foreach (var path in settings.Outputs) ctx.Out.WriteLine($"output: {path}");
        if (unshaped > 0)
            ctx.Err.WriteLine($"note: {unshaped} listed {(unshaped == 1 ? "parcel has" : "parcels have")} no outline in the cache usable here " +
                              $"(none, or in another coordinate system than EPSG:{checker.DeclaredEpsg}): written without a shape");
        return ExitCodes.Ok;
    }

    /// <summary>The outline of every cached parcel of the request's street, unit and level, by parcel id (ListParcels, page by page).</summary>
    public static async Task<Dictionary<string, Outline>> CachedOutlinesAsync(ScoringClient client, ListEvaluationsRequest request, CancellationToken cancellationToken)
    {
        var outlines = new Dictionary<string, Outline>(StringComparer.Ordinal);
        var page = new ListParcelsRequest { PageSize = ScoringClient.ListPageSize, Street = request.Street, UnitId = request.UnitId, Level = request.Level };
        do
        {
            var response = await client.Parcels.ListParcelsAsync(page, cancellationToken: cancellationToken);
            foreach (var p in response.Parcels)
                if (p.Attributes is { Geometry.Length: > 0 } a) outlines[a.ParcelId] = new Outline(a.Geometry, a.Crs.Length > 0 ? a.Crs : null);
            page.PageToken = response.NextPageToken;
        } while (page.PageToken.Length > 0);
        return outlines;
    }

    /// <summary>The filters in words, for the closing line: "latest of each parcel, street 秣陵街道, classification INEFFICIENT_SCORE; by score".</summary>
    public static string Describe(ListEvaluationsRequest r)
    {
        var parts = new List<string> { r.LatestOnly ? "latest of each parcel" : "every evaluation kept" };
        if (r.Classification != Classification.Unspecified) parts.Add($"classification {Verdicts.Short(r.Classification)}");
        if (r.Disposition != Disposition.Unspecified) parts.Add($"disposition {Verdicts.Short(r.Disposition)}");
        if (r.ClearanceZone != ClearanceZone.Unspecified) parts.Add($"clearance zone {Verdicts.Short(r.ClearanceZone)}");
        if (r.Street.Length > 0) parts.Add($"street {r.Street}");
        if (r.UnitId.Length > 0) parts.Add($"unit {r.UnitId}");
        if (r.Level != Level.Unspecified) parts.Add($"level {Verdicts.Short(r.Level)}");
        if (r.ModelVersion.Length > 0) parts.Add($"model {r.ModelVersion}");
        return $"{string.Join(", ", parts)}; by {r.OrderBy}";
    }
}
