using Scoring.Cli.Input;
using Scoring.Cli.Output;
using Scoring.Cli.Terminal;
using Scoring.Client;
using Scoring.V1;

namespace Scoring.Cli.Commands;

/// <summary>What <c>scoring evaluate --stored</c> was asked to do: which cached parcels, and how.</summary>
internal sealed record EvaluateStoredSettings(
    IReadOnlyList<string> Outputs, string? Errors, Uri Server, string? ModelVersion, EvaluationView View, bool RecordHistory,
    string? UnitId, string? Street, Level Level, Labels? Labels = null);

/// <summary>
/// <c>scoring evaluate --stored</c>: evaluates the parcels of the server's indicator cache that match a selection
/// through ParcelService.EvaluateStored (no input file; nothing but the selection is sent) and writes the same output
/// file and summary tables as <c>scoring evaluate</c> does for a file, in parcel-id order.
/// </summary>
internal static class EvaluateStoredCommand
{
    public static async Task<int> RunAsync(EvaluateStoredSettings settings, CliContext ctx, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var format in settings.Outputs.Select(OutputFormats.Of))
                if (OutputFormats.IsGeographic(format))
                    throw new UsageException($"{OutputFormats.Name(format)} output needs geometry, which stored evaluations do not carry; write .csv, .xlsx or .jsonl instead");
        }
        catch (UsageException e)
        {
            return ctx.Fail(e);
        }
        var errorsPath = settings.Errors ?? EvaluateCommand.DefaultErrorsPath(settings.Outputs[0]);

        using var client = ctx.Connect(settings.Server);
        var (columns, failed) = await EvaluateCommand.ModelColumnsAsync(client, settings.Server, settings.ModelVersion, ctx, cancellationToken);
        if (columns is null) return failed;
        ctx.Err.WriteLine($"evaluating the stored parcels of {Selection(settings)} → {string.Join(", ", settings.Outputs)} with {settings.Server} (model {columns.Version})");

        // The model whose elements head the output evaluates every parcel, even if another is activated meanwhile.
        var request = new EvaluateStoredRequest
        {
            ModelVersion = columns.Version, UnitId = settings.UnitId ?? "", Street = settings.Street ?? "", Level = settings.Level,
            View = settings.View, RecordHistory = settings.RecordHistory,
        };
        return await EvaluateCommand.WriteRunAsync(ctx, settings.Server, "EvaluateStored", settings.Outputs, settings.Labels, errorsPath, columns,
            async (writer, errors, summary, report) =>
            {
                long count = 0;
                await foreach (var result in client.EvaluateStoredAsync(request, cancellationToken))
                {
                    // A refused parcel's row in the errors file is its position in the stream.
                    await EvaluateCommand.WriteResultAsync(result, ++count, outline: null, unitId: null, writer, errors, summary, cancellationToken);
                    report.Report(count, count);
                }
                summary.RowsIn = count;
            }, settings.View == EvaluationView.Robustness,
            cancellationToken);
    }

    /// <summary>The selection in words: "unit X, street Y, level PARK", or "every unit".</summary>
    private static string Selection(EvaluateStoredSettings s)
    {
        var parts = new List<string>();
        if (!string.IsNullOrEmpty(s.UnitId)) parts.Add($"unit {s.UnitId}");
        if (!string.IsNullOrEmpty(s.Street)) parts.Add($"street {s.Street}");
        if (s.Level != Level.Unspecified) parts.Add($"level {Verdicts.Short(s.Level)}");
        return parts.Count == 0 ? "every unit" : string.Join(", ", parts);
    }
}
