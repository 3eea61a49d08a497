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
    string Input, string Output, string? Errors, Uri Server, string? ModelVersion, int ChunkSize, EvaluationView View, string? Encoding = null, bool RecordHistory = false,
    bool Columnar = false);

/// <summary>
/// <c>scoring evaluate</c>: streams a CSV / JSON Lines file of parcels through BatchEvaluate and writes
/// one output row per evaluated parcel and one errors row per parcel not evaluated, both in input order.
/// </summary>
internal static class EvaluateCommand
{
    public static async Task<int> RunAsync(EvaluateSettings settings, CliContext ctx, CancellationToken cancellationToken)
    {
        OutputFormat format;
        try
        {
            format = EvaluationWriter.FormatOf(settings.Output);
            if (!File.Exists(settings.Input)) throw new UsageException($"input file '{settings.Input}' does not exist");
        }
        catch (UsageException e)
        {
            return ctx.Fail(e);
        }
        var errorsPath = settings.Errors ?? DefaultErrorsPath(settings.Output);

        using var client = ctx.Connect(settings.Server);
        ModelColumns columns;
        try
        {
            columns = await ModelDefinitions.ColumnsAsync(client, settings.ModelVersion, cancellationToken);
        }
        catch (UsageException e)
        {
            return ctx.Fail(e);
        }
        catch (RpcException e)
        {
            return e.StatusCode == StatusCode.NotFound ? ctx.Fail(new UsageException(CliContext.Describe(e))) : ctx.Fail(e, settings.Server, "GetModel");
        }

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
            if (format == OutputFormat.GeoJson && !source.HasGeometry)
                throw new UsageException($"GeoJSON output needs geometry, but '{settings.Input}' has no geometry column; write .csv or .jsonl instead");
        }
        catch (UsageException e)
        {
            return ctx.Fail(e);
        }
        if (source.UnknownColumns.Count > 0)
            ctx.Err.WriteLine($"warning: unknown columns {string.Join(", ", source.UnknownColumns.Select(c => $"'{c}'"))}: " +
                              "a row with a value in one of them goes to the errors file");
        ctx.Err.WriteLine($"evaluating {settings.Input} → {settings.Output} with {settings.Server} " +
                          $"(columns from the server's model {columns.Version}; chunks of {settings.ChunkSize}{(settings.Columnar ? ", columnar" : "")})");

        var partialOutput = settings.Output + ".partial";
        var partialErrors = errorsPath + ".partial";
        var summary = new RunSummary();
        int exit;
        try
        {
            await using (var writer = EvaluationWriter.Create(format, Create(partialOutput), columns.Elements))
            await using (var errors = new ErrorsWriter(Create(partialErrors)))
            {
                await ProgressDisplay.RunAsync(ctx, "evaluating", report =>
                    PumpAsync(client, source, columns, settings, format, writer, errors, summary, report, cancellationToken));
                await writer.CompleteAsync(cancellationToken);
                await errors.CompleteAsync(cancellationToken);
            }
            File.Move(partialOutput, settings.Output, overwrite: true);
            File.Move(partialErrors, errorsPath, overwrite: true);
            exit = summary.Errors > 0 ? ExitCodes.Refused : ExitCodes.Ok;
        }
        catch (Exception e)
        {
            TryDelete(partialOutput);
            TryDelete(partialErrors);
            ctx.Err.WriteLine($"stopped after {summary.RowsOut + summary.Errors} rows; no output written (the partial files are removed).");
            switch (e)
            {
                case OperationCanceledException:
                    ctx.Err.WriteLine("cancelled.");
                    return ExitCodes.Cancelled;
                case RpcException { StatusCode: StatusCode.NotFound or StatusCode.InvalidArgument } rpc:
                    return ctx.Fail(new UsageException(CliContext.Describe(rpc)));
                case RpcException rpc:
                    return ctx.Fail(rpc, settings.Server, "BatchEvaluate");
                default:
                    throw;
            }
        }

        summary.Render(ctx.Console);
        ctx.Out.WriteLine(summary.Equation());
        ctx.Out.WriteLine($"output: {settings.Output}");
        ctx.Out.WriteLine($"errors: {errorsPath}{(summary.Errors == 0 ? " (none)" : "")}");
        return exit;
    }

    /// <summary>Beside the output: out.csv → out.errors.csv.</summary>
    public static string DefaultErrorsPath(string output)
    {
        var dir = Path.GetDirectoryName(output);
        var name = Path.GetFileNameWithoutExtension(output) + ".errors.csv";
        return string.IsNullOrEmpty(dir) ? name : Path.Combine(dir, name);
    }

    private static async Task<bool> PumpAsync(ScoringClient client, ParcelSource source, ModelColumns columns, EvaluateSettings settings, OutputFormat format,
        EvaluationWriter writer, ErrorsWriter errors, RunSummary summary, IProgressReport report, CancellationToken cancellationToken)
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
                var row = format == OutputFormat.GeoJson ? CheckGeometry(read) : read;
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
            if (result.OutcomeCase == BatchResult.OutcomeOneofCase.Evaluation)
            {
                await writer.WriteAsync(row, result.Evaluation, cancellationToken);
                summary.Add(row.Parcel!, result.Evaluation);
            }
            else
            {
                await errors.WriteAsync(row.Number, row.ParcelId, CliContext.Describe(result.Error), cancellationToken);
                summary.AddRefused();
            }
            report.Report(summary.RowsOut + summary.Errors, Estimate());
        }
        await FlushUnreadableAsync();
        summary.RowsIn = Interlocked.Read(ref rowsIn);
        report.Report(summary.RowsOut + summary.Errors, summary.RowsIn);
        return true;
    }

    // GeoJSON output copies the geometry verbatim, so it must be a GeoJSON geometry object.
    private static InputRow CheckGeometry(InputRow row)
    {
        if (!row.IsReadable || string.IsNullOrWhiteSpace(row.Geometry)) return row;
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
        return row with { Parcel = null, Error = "geometry: not a GeoJSON geometry object (e.g. {\"type\":\"Polygon\",\"coordinates\":[…]})" };
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
