using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using CsvHelper;
using Google.Protobuf;
using Scoring.V1;

namespace Scoring.Cli.Input;

/// <summary>A problem with how the command was called or with its files as a whole: exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>Checks that a file the command reads is there and is a file.</summary>
internal static class InputFile
{
    /// <summary>Throws <see cref="UsageException"/> when <paramref name="path"/> is a directory or does not exist.</summary>
    /// <param name="path">The path given.</param>
    /// <param name="noun">What the file is, for the message: "input", "units", "judgments".</param>
    /// <param name="kinds">What to give instead of a directory, e.g. ".csv, .jsonl or .ndjson".</param>
    public static void Require(string path, string noun, string kinds)
    {
        if (Directory.Exists(path)) throw new UsageException($"{noun} '{path}' is a directory; give a file ({kinds})");
        if (!File.Exists(path)) throw new UsageException($"{noun} file '{path}' does not exist");
    }
}

/// <summary>An input file of parcels, one per row: CSV or a spreadsheet (with a header row) or JSON Lines, chosen by extension.</summary>
internal abstract class ParcelSource : IAsyncDisposable
{
    /// <summary>The extensions understood, for messages.</summary>
    public const string Extensions = ".csv, .xlsx, .jsonl, .ndjson, .shp or .gpkg";

    protected ParcelSource(string path, ModelColumns columns)
    {
        Path = path;
        Columns = columns;
        Length = new FileInfo(path).Length;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>The column classification in use.</summary>
    protected ModelColumns Columns { get; }

    /// <summary>Size of the file in bytes.</summary>
    public long Length { get; }

    /// <summary>Bytes read so far (approximate), for progress.</summary>
    public abstract long BytesRead { get; }

    /// <summary>Whether rows carry geometry (a geometry column / key).</summary>
    public abstract bool HasGeometry { get; }

    /// <summary>Headers that are neither ParcelInput fields nor codes or names of the model.</summary>
    public IReadOnlyList<string> UnknownColumns { get; protected set; } = [];

    /// <summary>
    /// What the reader should know about the file as a whole, as warning lines: a delimiter other than the comma,
    /// and the unknown columns, each with the known column it was probably meant to be.
    /// </summary>
    public IEnumerable<string> Warnings()
    {
        if (this is CsvParcelSource { Delimiter: not ',' } csv)
            yield return $"note: '{Path}' is read with fields split on {CsvParcelSource.DelimiterName(csv.Delimiter)} (found in its header row)";
        if (UnknownColumns.Count == 0) yield break;
        var named = UnknownColumns.Select(c => Columns.Closest(c) is { } close ? $"'{c}' (did you mean '{close}'?)" : $"'{c}'");
        yield return $"warning: unknown columns {string.Join(", ", named)}: a row with a value in one of them goes to the errors file";
    }

    /// <summary>Opens a CSV or JSON Lines file by its extension; throws <see cref="UsageException"/> when that is impossible.</summary>
    public static ParcelSource Open(string path, ModelColumns columns, bool keepGeometryInParcel, string? encodingName = null)
    {
        InputFile.Require(path, "input", Extensions);
        var encoding = EncodingOf(encodingName);
        return System.IO.Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".csv" => new CsvParcelSource(path, columns, keepGeometryInParcel, encoding),
            ".jsonl" or ".ndjson" => new JsonLinesParcelSource(path, columns, keepGeometryInParcel, encoding),
            ".xlsx" => new XlsxParcelSource(path, columns, keepGeometryInParcel),
            ".shp" => new ShapefileParcelSource(path, columns, keepGeometryInParcel),
            ".gpkg" => new GeoPackageParcelSource(path, columns, keepGeometryInParcel),
            var ext => throw new UsageException($"input '{path}': cannot tell the format from '{ext}'; use {Extensions}"),
        };
    }

    /// <summary>
    /// The input's text encoding: UTF-8 (with or without BOM) unless named, e.g. gbk or gb18030 for a CSV
    /// saved by a Chinese-locale spreadsheet.
    /// </summary>
    public static Encoding? EncodingOf(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        try
        {
            return Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            throw new UsageException($"unknown encoding '{name}' (try utf-8, gbk or gb18030)");
        }
    }

    /// <summary>
    /// The role of each header cell (null for an unknown column, recorded in <see cref="UnknownColumns"/>); throws
    /// <see cref="UsageException"/> for a file without headers, without parcel_id, or with two columns for one code.
    /// <paramref name="how"/> says how the header was read, for the message ("split on commas", "first row of sheet X").
    /// </summary>
    protected ColumnRole?[] ReadHeader(IReadOnlyList<string> headers, string how, Func<string, ColumnRole?>? find = null)
    {
        if (headers.Count == 0 || headers.All(string.IsNullOrWhiteSpace))
            throw new UsageException($"input '{Path}' has no header row");
        ColumnRole?[] roles = [.. headers.Select(find ?? Columns.Find)];
        UnknownColumns = [.. headers.Where((_, i) => roles[i] is null)];

        var seen = new Dictionary<(ColumnKind, string), string>();
        for (var i = 0; i < headers.Count; i++)
        {
            if (roles[i] is not { } role) continue;
            if (!seen.TryAdd((role.Kind, role.Code), headers[i]))
                throw new UsageException($"input '{Path}': columns '{seen[(role.Kind, role.Code)]}' and '{headers[i]}' both hold {role.Code}");
        }
        if (!seen.ContainsKey((ColumnKind.Attribute, "parcel_id")))
            throw new UsageException($"input '{Path}' has no parcel_id column (header, {how}: {string.Join(", ", headers)})");
        return roles;
    }

    /// <summary>Reads the header (or first record) and checks it; throws <see cref="UsageException"/> when unusable.</summary>
    public abstract Task OpenAsync(CancellationToken cancellationToken);

    /// <summary>Every row, in file order.</summary>
    public abstract IAsyncEnumerable<InputRow> ReadAsync(CancellationToken cancellationToken);

    /// <summary>Closes the file.</summary>
    public abstract ValueTask DisposeAsync();
}

/// <summary>A CSV file with a header row, read with CsvHelper.</summary>
internal sealed class CsvParcelSource : ParcelSource
{
    private readonly CsvReader _reader;
    private readonly ParcelRowBuilder _builder;
    private readonly char _delimiter;
    private string[] _headers = [];
    private ColumnRole?[] _roles = [];

    public CsvParcelSource(string path, ModelColumns columns, bool keepGeometryInParcel, Encoding? encoding) : base(path, columns)
    {
        _builder = new ParcelRowBuilder(columns, keepGeometryInParcel);
        _delimiter = DetectDelimiter(path, encoding);
        _reader = CsvReader.Create(File.OpenRead(path), new CsvReaderOptions
        {
            HasHeader = true,
            Separator = _delimiter,
            TrimWhitespace = true,
            Encoding = encoding,
        }, leaveOpen: false);
    }

    public override long BytesRead => _reader.ByteOffset;

    public override bool HasGeometry => _roles.Any(r => r is { Kind: ColumnKind.Attribute, Code: "geometry" });

    public override async Task OpenAsync(CancellationToken cancellationToken)
    {
        await _reader.ReadHeaderAsync(cancellationToken);
        _headers = [.. _reader.Headers];
        _roles = ReadHeader(_headers, $"split on {DelimiterName(_delimiter)}");
    }

    /// <summary>The delimiter in use: comma, or semicolon or tab when the header row has those and no comma.</summary>
    public char Delimiter => _delimiter;

    /// <summary>How a delimiter is named in messages.</summary>
    public static string DelimiterName(char delimiter) => delimiter switch
    {
        ',' => "commas",
        ';' => "semicolons",
        '\t' => "tabs",
        _ => $"'{delimiter}'",
    };

    // The header row decides: a comma outside quotes means a comma-separated file; otherwise the more frequent of
    // semicolon and tab (a spreadsheet saved in a European locale, or a tab-separated export). Default comma.
    private static char DetectDelimiter(string path, Encoding? encoding)
    {
        using var reader = new StreamReader(path, encoding ?? Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var header = reader.ReadLine() ?? "";
        int commas = 0, semicolons = 0, tabs = 0;
        var quoted = false;
        foreach (var c in header)
        {
            if (c == '"') quoted = !quoted;
            else if (quoted) continue;
            else if (c == ',') commas++;
            else if (c == ';') semicolons++;
            else if (c == '\t') tabs++;
        }
        if (commas > 0 || semicolons + tabs == 0) return ',';
        return tabs > semicolons ? '\t' : ';';
    }

    public override async IAsyncEnumerable<InputRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await _reader.ReadAsync(cancellationToken))
        {
            _builder.Reset();
            for (var i = 0; i < _headers.Length; i++)
                _builder.Set(_headers[i], _roles[i], _reader.GetString(i));
            var row = _builder.Build(_reader.RowNumber);
            if (_reader.FieldCount > _headers.Length && row.IsReadable)
            {
                for (var i = _headers.Length; i < _reader.FieldCount; i++)
                {
                    if (_reader.GetString(i).Trim().Length == 0) continue;
                    row = ParcelRowBuilder.Unreadable(row.Number, row.ParcelId,
                        $"the row has {_reader.FieldCount} fields but the header only {_headers.Length}");
                    break;
                }
            }
            yield return row;
        }
    }

    public override ValueTask DisposeAsync() => _reader.DisposeAsync();
}

/// <summary>
/// A JSON Lines file: one object per line, either flat (keys as CSV headers) or the protobuf JSON of
/// a ParcelInput (with indicators / categories / vetoes maps). Blank lines are skipped.
/// </summary>
internal sealed class JsonLinesParcelSource : ParcelSource
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default);
    private readonly StreamReader _reader;
    private readonly ParcelRowBuilder _builder;
    private readonly bool _keepGeometryInParcel;
    private (long Number, string Text)? _first;
    private long _lineNumber;
    private long _bytesRead;

    public JsonLinesParcelSource(string path, ModelColumns columns, bool keepGeometryInParcel, Encoding? encoding) : base(path, columns)
    {
        _builder = new ParcelRowBuilder(columns, keepGeometryInParcel);
        _keepGeometryInParcel = keepGeometryInParcel;
        _reader = new StreamReader(File.OpenRead(path), encoding ?? Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
    }

    public override long BytesRead => Interlocked.Read(ref _bytesRead);

    public override bool HasGeometry => _first is { } first && FirstHasGeometry(first.Text);

    public override async Task OpenAsync(CancellationToken cancellationToken)
    {
        _first = await NextLineAsync(cancellationToken);
        var unknown = new List<string>();
        if (_first is { } first)
        {
            try
            {
                using var doc = JsonDocument.Parse(first.Text);
                if (doc.RootElement.ValueKind == JsonValueKind.Object && !IsProtobufForm(doc.RootElement))
                    unknown.AddRange(doc.RootElement.EnumerateObject().Select(p => p.Name).Where(n => Columns.Find(n) is null));
            }
            catch (JsonException)
            {
                // Reported as that row's error.
            }
        }
        UnknownColumns = unknown;
    }

    public override async IAsyncEnumerable<InputRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_first is { } first)
        {
            _first = null;
            yield return ReadRow(first.Number, first.Text);
        }
        while (await NextLineAsync(cancellationToken) is { } line)
            yield return ReadRow(line.Number, line.Text);
    }

    private async Task<(long Number, string Text)?> NextLineAsync(CancellationToken cancellationToken)
    {
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            _lineNumber++;
            Interlocked.Add(ref _bytesRead, Encoding.UTF8.GetByteCount(line) + 1);
            if (!string.IsNullOrWhiteSpace(line)) return (_lineNumber, line);
        }
        return null;
    }

    private InputRow ReadRow(long number, string text)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            return ParcelRowBuilder.Unreadable(number, "", $"not valid JSON: {e.Message}");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return ParcelRowBuilder.Unreadable(number, "", "the line is not a JSON object");
            return IsProtobufForm(root) ? ReadProtobufForm(number, text, root) : ReadFlat(number, root);
        }
    }

    private InputRow ReadFlat(long number, JsonElement root)
    {
        _builder.Reset();
        foreach (var property in root.EnumerateObject())
        {
            var role = Columns.Find(property.Name);
            var v = property.Value;
            string? cell = v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Number => v.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                JsonValueKind.Null or JsonValueKind.Undefined => "",
                _ when role is { Kind: ColumnKind.Attribute, Code: "geometry" } => v.GetRawText(),
                _ => null,
            };
            if (cell is null)
            {
                var id = root.TryGetProperty("parcel_id", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() ?? "" : "";
                return ParcelRowBuilder.Unreadable(number, id, $"{property.Name}: a {v.ValueKind.ToString().ToLowerInvariant()} is not a cell value");
            }
            _builder.Set(property.Name, role, cell);
        }
        return _builder.Build(number);
    }

    private InputRow ReadProtobufForm(long number, string text, JsonElement root)
    {
        var id = root.TryGetProperty("parcelId", out var p) || root.TryGetProperty("parcel_id", out p)
            ? p.ValueKind == JsonValueKind.String ? p.GetString() ?? "" : ""
            : "";
        try
        {
            var parcel = Parser.Parse<ParcelInput>(text);
            var geometry = parcel.Geometry.Length > 0 ? parcel.Geometry : null;
            if (!_keepGeometryInParcel) parcel.Geometry = "";
            return new InputRow(number, parcel.ParcelId, parcel, null, geometry);
        }
        catch (InvalidProtocolBufferException e)
        {
            return ParcelRowBuilder.Unreadable(number, id, $"not a ParcelInput: {e.Message}");
        }
        catch (InvalidJsonException e)
        {
            return ParcelRowBuilder.Unreadable(number, id, $"not a ParcelInput: {e.Message}");
        }
    }

    private static bool IsProtobufForm(JsonElement root) =>
        root.TryGetProperty("indicators", out _) || root.TryGetProperty("categories", out _) ||
        root.TryGetProperty("vetoes", out _);

    private static bool FirstHasGeometry(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("geometry", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public override ValueTask DisposeAsync()
    {
        _reader.Dispose();
        return ValueTask.CompletedTask;
    }
}
