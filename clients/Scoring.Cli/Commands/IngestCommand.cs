using System.Collections.Concurrent;
using System.CommandLine;
using System.Globalization;
using CsvHelper;
using Grpc.Core;
using Scoring.Cli.Input;
using Scoring.Cli.Output;
using Scoring.Cli.Terminal;
using Scoring.Client;
using Scoring.V1;

namespace Scoring.Cli.Commands;

/// <summary>
/// <c>scoring ingest</c>: feeds parcels, their indicator values and veto answers (and management units)
/// into the server's indicator cache through ParcelService.UpsertParcels, one transaction per chunk.
/// </summary>
internal static class IngestCommand
{
    private const int MaxChunksInFlight = 4;

    public static Command Build(CliContext ctx, Option<Uri> server)
    {
        var input = new Argument<string>("input") { Description = "Parcels in the evaluate layout (.csv or .jsonl); empty cells leave cached values as they are." };
        var source = new Option<string>("--source") { Description = "The data source, e.g. tax-bureau (kept with every value).", Required = true, HelpName = "name" };
        var asOf = new Option<string>("--as-of")
        {
            Description = "The date the values describe, YYYY-MM-DD (default: today).",
            DefaultValueFactory = _ => DateTime.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            HelpName = "date",
        };
        asOf.Validators.Add(r =>
        {
            var v = r.GetValueOrDefault<string>();
            if (!DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                r.AddError($"--as-of must be a date YYYY-MM-DD, got '{v}'");
        });
        var units = new Option<string?>("--units")
        {
            Description = "Management units to store first: a CSV with unit_id, name, level, total_area_mu, industrial_area_mu.",
            HelpName = "file",
        };
        var errors = new Option<string?>("--errors") { Description = "Where unreadable and refused rows go (default <input name>.ingest-errors.csv in the current folder).", HelpName = "file" };
        var chunkSize = new Option<int>("--chunk-size") { Description = "Parcels per chunk (one transaction each).", DefaultValueFactory = _ => 1000, HelpName = "n" };
        chunkSize.Validators.Add(r =>
        {
            var n = r.GetValueOrDefault<int>();
            if (n is < 1 or > BatchOptions.MaxChunkSize) r.AddError($"--chunk-size must be between 1 and {BatchOptions.MaxChunkSize}, got {n}");
        });

        var encoding = Program.EncodingOption();
        var command = new Command("ingest", "Stores parcels, units, indicator values and veto answers in the server's indicator cache.")
        {
            input, source, asOf, units, errors, chunkSize, encoding,
        };
        command.SetAction((parse, token) => RunAsync(ctx, parse.GetValue(server)!, parse.GetValue(input)!, parse.GetValue(source)!,
            parse.GetValue(asOf)!, parse.GetValue(units), parse.GetValue(errors), parse.GetValue(chunkSize), parse.GetValue(encoding), token));
        return command;
    }

    private sealed record Chunk(List<InputRow> Rows, List<InputRow> Sent, int Units);

    private static async Task<int> RunAsync(CliContext ctx, Uri server, string inputPath, string sourceName, string asOf,
        string? unitsPath, string? errorsPath, int chunkSize, string? encodingName, CancellationToken token)
    {
        errorsPath ??= Path.GetFileNameWithoutExtension(inputPath) + ".ingest-errors.csv";
        List<ManagementUnit> unitList;
        ParcelSource source;
        using var client = ctx.Connect(server);
        try
        {
            InputFile.Require(inputPath, "input", ParcelSource.Extensions); // before any call: a usage error needs no server
            unitList = unitsPath is null ? [] : await ReadUnitsAsync(unitsPath, token);
            var columns = await ModelDefinitions.ColumnsAsync(client, null, token);
            source = ParcelSource.Open(inputPath, columns, keepGeometryInParcel: true, encodingName);
            await source.OpenAsync(token);
        }
        catch (UsageException e)
        {
            return ctx.Fail(e);
        }
        catch (RpcException e)
        {
            return ctx.Fail(e, server, "GetModel");
        }
        await using var openSource = source;
        foreach (var warning in source.Warnings()) ctx.Err.WriteLine(warning);

        long rowsIn = 0, stored = 0, valuesWritten = 0, unitsAccepted = 0, refused = 0;
        var unitErrors = new List<string>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(token);
        Exception? senderFailure = null;
        Task<List<InputRow>>? sending = null;
        try
        {
            await using var errors = new ErrorsWriter(File.Create(errorsPath));
            using var call = client.Parcels.UpsertParcels(cancellationToken: stop.Token);
            var window = new SemaphoreSlim(MaxChunksInFlight, MaxChunksInFlight);
            var pending = new ConcurrentQueue<Chunk>();

            // Chunks of readable rows go out while at most MaxChunksInFlight wait for their answer; each
            // chunk also remembers the unreadable rows read with it, so the errors file stays in row order.
            async Task<List<InputRow>> SendAsync()
            {
                UpsertParcelsRequest Request() => new() { Source = sourceName, AsOf = asOf };
                async Task Send(Chunk chunk, UpsertParcelsRequest request)
                {
                    await window.WaitAsync(stop.Token);
                    pending.Enqueue(chunk);
                    await call.RequestStream.WriteAsync(request, stop.Token);
                }
                try
                {
                    if (unitList.Count > 0)
                    {
                        var request = Request();
                        request.Units.AddRange(unitList);
                        await Send(new Chunk([], [], unitList.Count), request);
                    }
                    var rows = new List<InputRow>();
                    var sent = new List<InputRow>();
                    await foreach (var row in source.ReadAsync(stop.Token))
                    {
                        Interlocked.Increment(ref rowsIn);
                        rows.Add(row);
                        if (row.IsReadable) sent.Add(row);
                        if (sent.Count < chunkSize) continue;
                        var request = Request();
                        request.Parcels.AddRange(sent.Select(r => r.Parcel));
                        await Send(new Chunk(rows, sent, 0), request);
                        rows = [];
                        sent = [];
                    }
                    if (sent.Count > 0)
                    {
                        var request = Request();
                        request.Parcels.AddRange(sent.Select(r => r.Parcel));
                        await Send(new Chunk(rows, sent, 0), request);
                        rows = [];
                    }
                    await call.RequestStream.CompleteAsync();
                    return rows; // unreadable rows after the last readable one
                }
                catch (Exception e) when (!stop.IsCancellationRequested && e is not RpcException)
                {
                    // The input failed: end the call so the receiver wakes, and report this instead.
                    senderFailure = e;
                    await stop.CancelAsync();
                    throw;
                }
            }

            sending = SendAsync();
            await ProgressDisplay.RunAsync(ctx, "ingesting", async report =>
            {
                try
                {
                    await foreach (var response in call.ResponseStream.ReadAllAsync(stop.Token))
                    {
                        if (!pending.TryDequeue(out var chunk)) throw new InvalidOperationException("the server answered a chunk that was not sent");
                        window.Release();
                        valuesWritten += response.ValuesWritten;
                        unitsAccepted += response.UnitsAccepted;
                        var refusedRows = new Dictionary<long, string>();
                        foreach (var e in response.Errors)
                        {
                            var reason = CliContext.Describe(e.Status);
                            if (e.Index < 0)
                            {
                                // The chunk as a whole was refused (e.g. a bad --as-of): every item of it.
                                foreach (var row in chunk.Sent) refusedRows[row.Number] = reason;
                                if (chunk.Units > 0) unitErrors.Add($"{chunk.Units} units: {reason}");
                            }
                            else if (e.UnitId.Length > 0) unitErrors.Add($"unit {e.UnitId}: {reason}");
                            else if (e.Index < chunk.Sent.Count) refusedRows[chunk.Sent[e.Index].Number] = reason;
                        }
                        foreach (var row in chunk.Rows)
                        {
                            if (!row.IsReadable) await errors.WriteAsync(row.Number, row.ParcelId, row.Error!, token);
                            else if (refusedRows.TryGetValue(row.Number, out var reason)) await errors.WriteAsync(row.Number, row.ParcelId, reason, token);
                        }
                        refused += refusedRows.Count;
                        stored += chunk.Sent.Count - refusedRows.Count;
                        report.Report(stored + errors.Count, Interlocked.Read(ref rowsIn));
                    }
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && senderFailure is not null)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(senderFailure);
                }
                foreach (var row in await sending) await errors.WriteAsync(row.Number, row.ParcelId, row.Error!, token);
                return true;
            });
            await errors.CompleteAsync(token);

            foreach (var u in unitErrors) ctx.Err.WriteLine($"refused: {u}");
            if (unitList.Count > 0) ctx.Out.WriteLine($"units: {unitsAccepted} of {unitList.Count} stored");
            ctx.Out.WriteLine($"rows in {rowsIn} = rows stored {stored} + rows in errors {errors.Count} " +
                              $"({errors.Count - refused} unreadable, {refused} refused by the server); {valuesWritten} values written");
            ctx.Out.WriteLine($"errors: {errorsPath}{(errors.Count == 0 ? " (none)" : "")}");
            return errors.Count > 0 || unitErrors.Count > 0 ? ExitCodes.Refused : ExitCodes.Ok;
        }
        catch (RpcException e)
        {
            ctx.Err.WriteLine($"stopped: the chunks acknowledged so far are stored ({stored} parcels).");
            return ctx.Fail(e, server, "UpsertParcels");
        }
        finally
        {
            await stop.CancelAsync();
            if (sending is not null)
            {
                try { await sending; } catch (Exception) when (stop.IsCancellationRequested) { }
            }
        }
    }

    /// <summary>Reads a units CSV: unit_id, name, level, total_area_mu, industrial_area_mu (the last two optional).</summary>
    public static async Task<List<ManagementUnit>> ReadUnitsAsync(string path, CancellationToken token)
    {
        InputFile.Require(path, "units", "a .csv file");
        await using var csv = CsvReader.Create(File.OpenRead(path), new CsvReaderOptions { HasHeader = true, Separator = ',', TrimWhitespace = true }, leaveOpen: false);
        await csv.ReadHeaderAsync(token);
        var headers = csv.Headers.Select(h => h.Trim().ToLowerInvariant()).ToList();
        int Col(string name) => headers.IndexOf(name);
        if (Col("unit_id") < 0) throw new UsageException($"units file '{path}' has no unit_id column");
        var units = new List<ManagementUnit>();
        while (await csv.ReadAsync(token))
        {
            string Cell(string name) => Col(name) is var i and >= 0 ? csv.GetString(i).Trim() : "";
            var unit = new ManagementUnit { UnitId = Cell("unit_id"), Name = Cell("name") };
            var level = Cell("level");
            if (level.Length > 0)
            {
                if (!ParcelRowBuilder.TryLevel(level, out var l)) throw new UsageException($"units file '{path}', row {csv.RowNumber}: '{level}' is not a level");
                unit.Level = l;
            }
            foreach (var (column, set) in new (string, Action<double>)[] { ("total_area_mu", v => unit.TotalAreaMu = v), ("industrial_area_mu", v => unit.IndustrialAreaMu = v) })
            {
                var text = Cell(column);
                if (text.Length == 0) continue;
                if (!ParcelRowBuilder.TryNumber(text, out var v)) throw new UsageException($"units file '{path}', row {csv.RowNumber}: {column} '{text}' is not a number");
                set(v);
            }
            units.Add(unit);
        }
        return units;
    }
}
