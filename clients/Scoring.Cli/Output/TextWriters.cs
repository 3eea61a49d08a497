using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CsvHelper;
using Google.Protobuf;

namespace Scoring.Cli.Output;

/// <summary>CSV: a header row of the columns, then one row per record.</summary>
internal sealed class CsvRecordWriter<T> : SingleFileWriter<T> where T : IMessage
{
    private readonly CsvWriter _csv;
    private readonly IReadOnlyList<FileColumn<T>> _columns;

    public CsvRecordWriter(RecordFile<T> file) : base(file.Path)
    {
        _columns = file.Columns;
        _csv = CsvWriter.Create(Stream, CsvWriterOptions.Default with { NewLine = "\n" }, leaveOpen: true);
        _csv.WriteHeader([.. _columns.Select(c => c.Header)]);
    }

    public override async ValueTask WriteAsync(T record, Outline? outline, CancellationToken cancellationToken)
    {
        foreach (var column in _columns) _csv.WriteField(Cells.Text(column.Value(record)));
        await _csv.EndRecordAsync(cancellationToken);
    }

    protected override async ValueTask FinishAsync(CancellationToken cancellationToken) => await _csv.FlushAsync(cancellationToken);

    protected override ValueTask CloseAsync() => _csv.DisposeAsync();
}

/// <summary>JSON Lines: the protobuf JSON of each record on its own line.</summary>
internal sealed class JsonLinesRecordWriter<T>(RecordFile<T> file) : SingleFileWriter<T>(file.Path) where T : IMessage
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default);
    private StreamWriter? _writer;

    private StreamWriter Writer => _writer ??= new StreamWriter(Stream, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };

    public override async ValueTask WriteAsync(T record, Outline? outline, CancellationToken cancellationToken) =>
        await Writer.WriteLineAsync(Formatter.Format(record).AsMemory(), cancellationToken);

    protected override async ValueTask FinishAsync(CancellationToken cancellationToken) => await Writer.FlushAsync(cancellationToken);

    protected override async ValueTask CloseAsync()
    {
        if (_writer is not null) await _writer.DisposeAsync();
    }
}

/// <summary>GeoJSON: a FeatureCollection; each feature's geometry is the parcel's outline (null without one), its properties the columns.</summary>
internal sealed class GeoJsonRecordWriter<T> : SingleFileWriter<T> where T : IMessage
{
    private readonly Utf8JsonWriter _json;
    private readonly RecordFile<T> _file;

    public GeoJsonRecordWriter(RecordFile<T> file) : base(file.Path)
    {
        _file = file;
        _json = new Utf8JsonWriter(Stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        _json.WriteStartObject();
        _json.WriteString("type", "FeatureCollection");
        _json.WriteStartArray("features");
    }

    public override async ValueTask WriteAsync(T record, Outline? outline, CancellationToken cancellationToken)
    {
        _json.WriteStartObject();
        _json.WriteString("type", "Feature");
        _json.WriteString("id", _file.IdOf(record));
        _json.WritePropertyName("geometry");
        if (outline is null || string.IsNullOrWhiteSpace(outline.Geometry)) _json.WriteNullValue();
        else if (outline.Geometry.TrimStart().StartsWith('{')) _json.WriteRawValue(outline.Geometry);
        else WriteWkt(outline.Geometry);
        _json.WriteStartObject("properties");
        foreach (var column in _file.Columns)
        {
            switch (column.Value(record))
            {
                case null: _json.WriteNull(column.Header); break;
                case double d: _json.WriteNumber(column.Header, d); break;
                case var v: _json.WriteString(column.Header, Cells.Text(v)); break;
            }
        }
        _json.WriteEndObject();
        _json.WriteEndObject();
        if (_json.BytesPending > 64 * 1024) await _json.FlushAsync(cancellationToken);
    }

    // (E)WKT, as an input or the cache may hold an outline, written as the GeoJSON geometry it is, with a crs member when it
    // names its system (SRID=4549;…), so the system is not lost; null when it cannot be read.
    private void WriteWkt(string text)
    {
        var geometry = Scoring.Engine.Spatial.ShapeReader.Parse(text, out var crs, out _);
        if (geometry is null)
        {
            _json.WriteNullValue();
            return;
        }
        var json = JsonSerializer.Serialize(geometry, GeoJson);
        _json.WriteRawValue(Scoring.Engine.Spatial.CoordinateSystems.Parse(crs) is { } epsg ? Scoring.Engine.Spatial.ShapeText.WithCrs(json, epsg) : json);
    }

    private static readonly JsonSerializerOptions GeoJson = new() { Converters = { new NetTopologySuite.IO.Converters.GeoJsonConverterFactory() } };

    protected override async ValueTask FinishAsync(CancellationToken cancellationToken)
    {
        _json.WriteEndArray();
        _json.WriteEndObject();
        await _json.FlushAsync(cancellationToken);
    }

    protected override ValueTask CloseAsync() => _json.DisposeAsync();
}
