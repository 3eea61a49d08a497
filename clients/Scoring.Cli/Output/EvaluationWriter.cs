using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using Google.Protobuf;
using Scoring.Cli.Input;
using Scoring.V1;

namespace Scoring.Cli.Output;

/// <summary>The formats evaluate writes, chosen by the output file's extension.</summary>
internal enum OutputFormat
{
    /// <summary>.csv: one row per parcel.</summary>
    Csv,
    /// <summary>.jsonl / .ndjson: the protobuf JSON of each Evaluation.</summary>
    JsonLines,
    /// <summary>.geojson: a FeatureCollection; needs geometry in the input.</summary>
    GeoJson,
}

/// <summary>Writes evaluations, one per readable row, in input order.</summary>
internal abstract class EvaluationWriter : IAsyncDisposable
{
    /// <summary>The extensions understood, for messages.</summary>
    public const string Extensions = ".csv, .jsonl (or .ndjson) or .geojson";

    /// <summary>The format of an output path; throws <see cref="UsageException"/> for an unknown extension.</summary>
    public static OutputFormat FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => OutputFormat.Csv,
        ".jsonl" or ".ndjson" => OutputFormat.JsonLines,
        ".geojson" => OutputFormat.GeoJson,
        var ext => throw new UsageException($"output '{path}': cannot tell the format from '{ext}'; use {Extensions}"),
    };

    /// <summary>A writer of <paramref name="format"/> over <paramref name="stream"/>, which it owns.</summary>
    public static EvaluationWriter Create(OutputFormat format, Stream stream, IReadOnlyList<ModelElement> elements) => format switch
    {
        OutputFormat.Csv => new CsvEvaluationWriter(stream, elements),
        OutputFormat.JsonLines => new JsonLinesEvaluationWriter(stream),
        _ => new GeoJsonEvaluationWriter(stream, elements),
    };

    /// <summary>Writes one parcel's evaluation; <paramref name="geometry"/> (GeoJSON, from the input) is for GeoJSON output.</summary>
    public abstract ValueTask WriteAsync(Evaluation evaluation, string? geometry, CancellationToken cancellationToken);

    /// <summary>Finishes the file (closing brackets, flush).</summary>
    public abstract ValueTask CompleteAsync(CancellationToken cancellationToken);

    /// <summary>Releases the file.</summary>
    public abstract ValueTask DisposeAsync();

    /// <summary>
    /// The CSV / GeoJSON columns, in order: parcel_id, score, classification, disposition, completeness, element codes, failed_vetoes,
    /// clearance_zone, redevelopment_modes (';'-separated), warnings (';'-separated).
    /// </summary>
    public static IReadOnlyList<string> Columns(IReadOnlyList<ModelElement> elements) =>
        ["parcel_id", "score", "classification", "disposition", "completeness", .. elements.Select(e => e.Code), "failed_vetoes",
            "clearance_zone", "redevelopment_modes", "warnings"];

    /// <summary>The clearance tier as written to files: empty when not known.</summary>
    public static string Zone(Evaluation e) => e.ClearanceZone == ClearanceZone.Unspecified ? "" : Verdicts.Short(e.ClearanceZone);

    /// <summary>The suggested modes as written to files, ';'-separated.</summary>
    public static string Modes(Evaluation e) => string.Join(';', e.RedevelopmentModes.Select(m => Verdicts.Short(m.Mode)));

    /// <summary>A number as written to files: at most 6 decimals, invariant.</summary>
    public static string Number(double value) => Math.Round(value, 6).ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>The score of element <paramref name="code"/>, or null when it is missing from the evaluation or had no data.</summary>
    public static double? ElementScore(Evaluation e, string code)
    {
        foreach (var el in e.Elements)
            if (el.Code == code) return el.Missing ? null : el.Score;
        return null;
    }
}

/// <summary>CSV output: parcel_id, score, classification, disposition, completeness, element scores, failed_vetoes.</summary>
internal sealed class CsvEvaluationWriter : EvaluationWriter
{
    private readonly CsvWriter _csv;
    private readonly IReadOnlyList<ModelElement> _elements;

    public CsvEvaluationWriter(Stream stream, IReadOnlyList<ModelElement> elements)
    {
        _elements = elements;
        _csv = CsvWriter.Create(stream, CsvWriterOptions.Default with { NewLine = "\n" }, leaveOpen: false);
        _csv.WriteHeader([.. Columns(elements)]);
    }

    public override async ValueTask WriteAsync(Evaluation e, string? geometry, CancellationToken cancellationToken)
    {
        _csv.WriteField(e.ParcelId);
        _csv.WriteField(Number(e.Score));
        _csv.WriteField(Verdicts.Short(e.Classification));
        _csv.WriteField(Verdicts.Short(e.Disposition));
        _csv.WriteField(Number(e.Completeness));
        foreach (var el in _elements)
            _csv.WriteField(ElementScore(e, el.Code) is { } s ? Number(s) : "");
        _csv.WriteField(string.Join(';', e.FailedVetoes));
        _csv.WriteField(Zone(e));
        _csv.WriteField(Modes(e));
        _csv.WriteField(string.Join(';', e.Warnings));
        await _csv.EndRecordAsync(cancellationToken);
    }

    public override async ValueTask CompleteAsync(CancellationToken cancellationToken) => await _csv.FlushAsync(cancellationToken);

    public override ValueTask DisposeAsync() => _csv.DisposeAsync();
}

/// <summary>JSON Lines output: the protobuf JSON of each Evaluation on its own line.</summary>
internal sealed class JsonLinesEvaluationWriter(Stream stream) : EvaluationWriter
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default);
    private readonly StreamWriter _writer = new(stream, new UTF8Encoding(false)) { NewLine = "\n" };

    public override async ValueTask WriteAsync(Evaluation e, string? geometry, CancellationToken cancellationToken) =>
        await _writer.WriteLineAsync(Formatter.Format(e).AsMemory(), cancellationToken);

    public override async ValueTask CompleteAsync(CancellationToken cancellationToken) => await _writer.FlushAsync(cancellationToken);

    public override async ValueTask DisposeAsync() => await _writer.DisposeAsync();
}

/// <summary>GeoJSON output: a FeatureCollection; geometry from the input row, properties as the CSV columns.</summary>
internal sealed class GeoJsonEvaluationWriter : EvaluationWriter
{
    private readonly Stream _stream;
    private readonly Utf8JsonWriter _json;
    private readonly IReadOnlyList<ModelElement> _elements;

    public GeoJsonEvaluationWriter(Stream stream, IReadOnlyList<ModelElement> elements)
    {
        _stream = stream;
        _elements = elements;
        _json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        _json.WriteStartObject();
        _json.WriteString("type", "FeatureCollection");
        _json.WriteStartArray("features");
    }

    public override async ValueTask WriteAsync(Evaluation e, string? geometry, CancellationToken cancellationToken)
    {
        _json.WriteStartObject();
        _json.WriteString("type", "Feature");
        _json.WriteString("id", e.ParcelId);
        _json.WritePropertyName("geometry");
        if (string.IsNullOrWhiteSpace(geometry)) _json.WriteNullValue();
        else _json.WriteRawValue(geometry);
        _json.WriteStartObject("properties");
        _json.WriteString("parcel_id", e.ParcelId);
        _json.WriteNumber("score", Math.Round(e.Score, 6));
        _json.WriteString("classification", Verdicts.Short(e.Classification));
        _json.WriteString("disposition", Verdicts.Short(e.Disposition));
        _json.WriteNumber("completeness", Math.Round(e.Completeness, 6));
        foreach (var el in _elements)
        {
            if (ElementScore(e, el.Code) is { } s) _json.WriteNumber(el.Code, Math.Round(s, 6));
            else _json.WriteNull(el.Code);
        }
        _json.WriteString("failed_vetoes", string.Join(';', e.FailedVetoes));
        _json.WriteString("clearance_zone", Zone(e));
        _json.WriteString("redevelopment_modes", Modes(e));
        _json.WriteString("warnings", string.Join(';', e.Warnings));
        _json.WriteEndObject();
        _json.WriteEndObject();
        if (_json.BytesPending > 64 * 1024) await _json.FlushAsync(cancellationToken);
    }

    public override async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        _json.WriteEndArray();
        _json.WriteEndObject();
        await _json.FlushAsync(cancellationToken);
    }

    public override async ValueTask DisposeAsync()
    {
        await _json.DisposeAsync();
        await _stream.DisposeAsync();
    }
}

/// <summary>The errors file: row, parcel_id, reason — one line per row that was not evaluated.</summary>
internal sealed class ErrorsWriter : IAsyncDisposable
{
    private readonly CsvWriter _csv;

    public ErrorsWriter(Stream stream)
    {
        _csv = CsvWriter.Create(stream, CsvWriterOptions.Default with { NewLine = "\n" }, leaveOpen: false);
        _csv.WriteHeader(["row", "parcel_id", "reason"]);
    }

    /// <summary>Rows written.</summary>
    public long Count { get; private set; }

    /// <summary>Writes one refused or unreadable row.</summary>
    public async ValueTask WriteAsync(long row, string parcelId, string reason, CancellationToken cancellationToken)
    {
        _csv.WriteField(row.ToString(CultureInfo.InvariantCulture));
        _csv.WriteField(parcelId);
        _csv.WriteField(reason);
        await _csv.EndRecordAsync(cancellationToken);
        Count++;
    }

    /// <summary>Flushes the file.</summary>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken) => await _csv.FlushAsync(cancellationToken);

    public ValueTask DisposeAsync() => _csv.DisposeAsync();
}
