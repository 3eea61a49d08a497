using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Grpc.Core;
using Scoring.Cli.Input;
using Scoring.Cli.Output;
using Scoring.Cli.Terminal;
using Scoring.Client;
using Scoring.V1;

namespace Scoring.Cli.Commands;

/// <summary>What <c>scoring evaluate</c> was asked to do.</summary>
internal sealed record EvaluateSettings(
    string Input, IReadOnlyList<string> Outputs, string? Errors, Uri Server, string? ModelVersion, int ChunkSize, EvaluationView View, string? Encoding = null,
    bool RecordHistory = false, bool Columnar = false, Labels? Labels = null);

/// <summary>
/// <c>scoring evaluate</c>: streams a CSV / JSON Lines file of parcels through BatchEvaluate and writes
/// one output row per evaluated parcel and one errors row per parcel not evaluated, both in input order.
/// </summary>
internal static class EvaluateCommand
{
    public static async Task<int> RunAsync(EvaluateSettings settings, CliContext ctx, CancellationToken cancellationToken)
    {
        IReadOnlyList<OutputFormat> formats;
        try
        {
            formats = [.. settings.Outputs.Select(OutputFormats.Of)];
            InputFile.Require(settings.Input, "input", ParcelSource.Extensions);
        }
        catch (UsageException e)
        {
            return ctx.Fail(e);
        }
        var errorsPath = settings.Errors ?? DefaultErrorsPath(settings.Outputs[0]);
        var needsGeometry = formats.FirstOrDefault(OutputFormats.IsGeographic, OutputFormat.Csv);

        using var client = ctx.Connect(settings.Server);
        var (columns, failed) = await ModelColumnsAsync(client, settings.Server, settings.ModelVersion, ctx, cancellationToken);
        if (columns is null) return failed;

        ParcelSource source;
        try
        {
            source = ParcelSource.Open(settings.Input, columns, keepGeometryInParcel: false, settings.Encoding);
        }
        catch (UsageException e)
        {
            return ctx.Fail(e);
        }
        await using var openSource = source;
        try
        {
            await source.OpenAsync(cancellationToken);
            if (needsGeometry != OutputFormat.Csv && !source.HasGeometry)
                throw new UsageException($"{OutputFormats.Name(needsGeometry)} output needs geometry, but '{settings.Input}' has no geometry column; write .csv, .xlsx or .jsonl instead");
        }
        catch (UsageException e)
        {
            return ctx.Fail(e);
        }
        foreach (var warning in source.Warnings()) ctx.Err.WriteLine(warning);
        ctx.Err.WriteLine($"evaluating {settings.Input} → {string.Join(", ", settings.Outputs)} with {settings.Server} " +
                          $"(columns from the server's model {columns.Version}; chunks of {settings.ChunkSize}{(settings.Columnar ? ", columnar" : "")})");

        return await WriteRunAsync(ctx, settings.Server, "BatchEvaluate", settings.Outputs, settings.Labels, errorsPath, columns,
            (writer, errors, summary, report) => PumpAsync(client, source, columns, settings, formats.Contains(OutputFormat.GeoJson),
                formats.Any(f => f is OutputFormat.GeoPackage or OutputFormat.Shapefile) ? new Outlines() : null, writer, errors, summary, report, cancellationToken),
            settings.View == EvaluationView.Robustness,
            cancellationToken);
    }

    /// <summary>
    /// The columns of the model a run evaluates with (the active one, or <paramref name="version"/>), or null and the exit
    /// code when it cannot be had: an unknown version or a model without definitions is a usage error.
    /// </summary>
    public static async Task<(ModelColumns? Columns, int Exit)> ModelColumnsAsync(ScoringClient client, Uri server, string? version,
        CliContext ctx, CancellationToken cancellationToken)
    {
        try
        {
            return (await ModelDefinitions.ColumnsAsync(client, version, cancellationToken), ExitCodes.Ok);
        }
        catch (UsageException e)
        {
            return (null, ctx.Fail(e));
        }
        catch (RpcException e)
        {
            return (null, e.StatusCode == StatusCode.NotFound ? ctx.Fail(new UsageException(CliContext.Describe(e))) : ctx.Fail(e, server, "GetModel"));
        }
    }

    /// <summary>
    /// Runs <paramref name="pump"/> into partial output files (one per path of <paramref name="outputs"/>, each in its
    /// format and labels) and a partial errors file under a progress display, then moves them into place and prints the
    /// summary tables; on any failure removes the partial files and reports it (a refusal of the whole call by
    /// <paramref name="rpc"/> is a usage error). Returns the exit code.
    /// </summary>
    public static async Task<int> WriteRunAsync(CliContext ctx, Uri server, string rpc, IReadOnlyList<string> outputs, Labels? labels, string errorsPath,
        ModelColumns columns, Func<RecordWriter<Evaluation>, ErrorsWriter, RunSummary, IProgressReport, Task> pump, bool robustness,
        CancellationToken cancellationToken)
    {
        var partialErrors = errorsPath + ".partial";
        var summary = new RunSummary();
        int exit;
        try
        {
            await using (var writer = EvaluationFiles(outputs, labels, columns, summary, robustness))
            await using (var errors = new ErrorsWriter(Create(partialErrors)))
            {
                await ProgressDisplay.RunAsync(ctx, "evaluating", async report =>
                {
                    await pump(writer, errors, summary, report);
                    return true;
                });
                await errors.CompleteAsync(cancellationToken);
                await writer.CommitAsync(cancellationToken);
            }
            File.Move(partialErrors, errorsPath, overwrite: true);
            exit = summary.Errors > 0 ? ExitCodes.Refused : ExitCodes.Ok;
        }
        catch (Exception e)
        {
            TryDelete(partialErrors);
            ctx.Err.WriteLine($"stopped after {summary.RowsOut + summary.Errors} rows; no output written (the partial files are removed).");
            switch (e)
            {
                case OperationCanceledException:
                    ctx.Err.WriteLine("cancelled.");
                    return ExitCodes.Cancelled;
                case RpcException { StatusCode: StatusCode.NotFound or StatusCode.InvalidArgument } refused:
                    return ctx.Fail(new UsageException(CliContext.Describe(refused)));
                case RpcException failed:
                    return ctx.Fail(failed, server, rpc);
                default:
                    throw;
            }
        }

        summary.Render(ctx.Console);
        ctx.Out.WriteLine(summary.Equation());
        foreach (var output in outputs) ctx.Out.WriteLine($"output: {output}");
        ctx.Out.WriteLine($"errors: {errorsPath}{(summary.Errors == 0 ? " (none)" : "")}");
        return exit;
    }

    // One writer per output, each with its format's labels (Chinese for a spreadsheet unless --labels says otherwise).
    private static RecordWriter<Evaluation> EvaluationFiles(IReadOnlyList<string> outputs, Labels? labels, ModelColumns columns, RunSummary summary, bool robustness)
    {
        var writers = new List<RecordWriter<Evaluation>>();
        try
        {
            foreach (var path in outputs)
            {
                var format = OutputFormats.Of(path);
                var fileLabels = OutputFormats.LabelsFor(format, labels);
                writers.Add(RecordWriter<Evaluation>.Create(new RecordFile<Evaluation>(path, format, fileLabels,
                    EvaluationColumns.For(columns.Elements, fileLabels, columns.NameOf, place: format is OutputFormat.GeoPackage or OutputFormat.Shapefile,
                        robustness: robustness),
                    e => e.ParcelId,
                    fileLabels == Labels.Zh ? "评价结果" : "evaluations", summary)));
            }
        }
        catch
        {
            foreach (var w in writers) w.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
        return writers.Count == 1 ? writers[0] : new FanOutWriter<Evaluation>(writers);
    }

    /// <summary>
    /// Writes one result: an evaluation to the output (with <paramref name="outline"/>, for the formats with shapes) and the summary
    /// (in <paramref name="unitId"/>, else the unit it was evaluated in); a refusal to the errors file as row <paramref name="row"/>.
    /// </summary>
    public static async Task WriteResultAsync(BatchResult result, long row, Outline? outline, string? unitId,
        RecordWriter<Evaluation> writer, ErrorsWriter errors, RunSummary summary, CancellationToken cancellationToken)
    {
        if (result.OutcomeCase == BatchResult.OutcomeOneofCase.Evaluation)
        {
            await writer.WriteAsync(result.Evaluation, outline, cancellationToken);
            summary.Add(result.Evaluation, unitId ?? result.Evaluation.UnitId);
        }
        else
        {
            await errors.WriteAsync(row, result.ParcelId, CliContext.Describe(result.Error), cancellationToken);
            summary.AddRefused();
        }
    }

    /// <summary>Beside the output: out.csv → out.errors.csv.</summary>
    public static string DefaultErrorsPath(string output)
    {
        var dir = Path.GetDirectoryName(output);
        var name = Path.GetFileNameWithoutExtension(output) + ".errors.csv";
        return string.IsNullOrEmpty(dir) ? name : Path.Combine(dir, name);
    }

    private static async Task PumpAsync(ScoringClient client, ParcelSource source, ModelColumns columns, EvaluateSettings settings, bool checkGeoJson,
        Outlines? outlines, RecordWriter<Evaluation> writer, ErrorsWriter errors, RunSummary summary, IProgressReport report, CancellationToken cancellationToken)
    {
        // Every row read, in order; readable ones are answered in the same order, so the head of the
        // queue is always either an unreadable row or the row of the next result.
        var rows = new ConcurrentQueue<InputRow>();
        long rowsIn = 0;
        var readingDone = false;

        async IAsyncEnumerable<ParcelInput> Readable([EnumeratorCancellation] CancellationToken token = default)
        {
            await foreach (var read in source.ReadAsync(token))
            {
                var row = checkGeoJson ? CheckGeometry(read) : read;
                if (outlines is not null && row.IsReadable) row = CheckOutline(row, outlines);
                rows.Enqueue(row);
                Interlocked.Increment(ref rowsIn);
                if (row.IsReadable) yield return row.Parcel!;
            }
            Volatile.Write(ref readingDone, true);
        }

        long Estimate()
        {
            var read = Interlocked.Read(ref rowsIn);
            if (Volatile.Read(ref readingDone) || source.BytesRead <= 0) return read;
            return Math.Max(read, (long)(read * (double)source.Length / source.BytesRead));
        }

        async Task FlushUnreadableAsync()
        {
            while (rows.TryPeek(out var head) && !head.IsReadable)
            {
                rows.TryDequeue(out _);
                await errors.WriteAsync(head.Number, head.ParcelId, head.Error!, cancellationToken);
                summary.AddUnreadable();
            }
        }

        // The model whose columns were read evaluates the rows, even if another is activated meanwhile.
        var options = new BatchOptions
        {
            ChunkSize = settings.ChunkSize, ModelVersion = columns.Version, View = settings.View, RecordHistory = settings.RecordHistory,
            Columnar = settings.Columnar,
        };
        await foreach (var result in client.EvaluateManyAsync(Readable(), options, cancellationToken))
        {
            await FlushUnreadableAsync();
            if (!rows.TryDequeue(out var row))
                throw new InvalidOperationException("a result arrived for a row that was not read");
            await WriteResultAsync(result, row.Number, row.Geometry is { } g ? new Outline(g) : null, row.Parcel!.UnitId, writer, errors, summary,
                cancellationToken);
            report.Report(summary.RowsOut + summary.Errors, Estimate());
        }
        await FlushUnreadableAsync();
        summary.RowsIn = Interlocked.Read(ref rowsIn);
        report.Report(summary.RowsOut + summary.Errors, summary.RowsIn);
    }

    // A GeoPackage or Shapefile holds polygons in one coordinate system: a row whose outline is not one, or is in
    // another system than the file's, goes to the errors file.
    private static InputRow CheckOutline(InputRow row, Outlines outlines)
    {
        outlines.Read(row.Geometry is { } g ? new Outline(g) : null, out var problem);
        return problem is null ? row : row with { Parcel = null, Error = $"geometry: {problem}" };
    }

    // GeoJSON output copies a GeoJSON geometry verbatim and writes (E)WKT as GeoJSON, so it must be one or the other.
    private static InputRow CheckGeometry(InputRow row)
    {
        if (!row.IsReadable || string.IsNullOrWhiteSpace(row.Geometry)) return row;
        var text = row.Geometry.TrimStart();
        if (!text.StartsWith('{'))
            return Scoring.Engine.Spatial.ShapeReader.Parse(text, out _, out var problem) is not null
                ? row
                : row with { Parcel = null, Error = $"geometry: {problem}" };
        try
        {
            using var doc = JsonDocument.Parse(row.Geometry);
            if (doc.RootElement.ValueKind == JsonValueKind.Object &&
                doc.RootElement.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String)
                return row;
        }
        catch (JsonException)
        {
        }
        return row with { Parcel = null, Error = "geometry: not a GeoJSON geometry object (e.g. {\"type\":\"Polygon\",\"coordinates\":[…]}) nor WKT" };
    }

    private static FileStream Create(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        return new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 64 * 1024, useAsync: true);
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
