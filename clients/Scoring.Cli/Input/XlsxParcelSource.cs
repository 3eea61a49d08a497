using System.Globalization;
using System.Runtime.CompilerServices;
using MiniExcelLibs;

namespace Scoring.Cli.Input;

/// <summary>
/// A spreadsheet (.xlsx): the first sheet, its first row the header, one parcel per row after it, read as a stream through
/// MiniExcel. Headers are as in CSV (codes, the model's Chinese names, the attribute fields); a cell holds a number, text or
/// a yes/no, read as the CSV cell it would be (numbers in full precision, invariant). A row with no cell filled is skipped.
/// </summary>
internal sealed class XlsxParcelSource(string path, ModelColumns columns, bool keepGeometryInParcel) : ParcelSource(path, columns)
{
    private readonly ParcelRowBuilder _builder = new(columns, keepGeometryInParcel);
    private IEnumerator<IDictionary<string, object?>>? _rows;
    private string[] _letters = [];
    private string[] _headers = [];
    private ColumnRole?[] _roles = [];

    // The size of a spreadsheet says little about how far its rows have got: progress counts rows only.
    public override long BytesRead => 0;

    public override bool HasGeometry => _roles.Any(r => r is { Kind: ColumnKind.Attribute, Code: "geometry" });

    public override Task OpenAsync(CancellationToken cancellationToken)
    {
        IEnumerable<IDictionary<string, object?>> rows;
        try
        {
            rows = MiniExcel.Query(Path, useHeaderRow: false, excelType: ExcelType.XLSX).Cast<IDictionary<string, object?>>();
            _rows = rows.GetEnumerator();
            if (!_rows.MoveNext()) throw new UsageException($"input '{Path}' has no header row");
        }
        catch (Exception e) when (e is InvalidDataException or System.Xml.XmlException or InvalidOperationException or NotSupportedException)
        {
            throw new UsageException($"input '{Path}' is not a spreadsheet that can be read: {e.Message}");
        }
        var header = _rows.Current;
        // Columns by letter, up to the last one with a header; MiniExcel gives every row the same letters.
        var named = header.Where(kv => Text(kv.Value).Length > 0).Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
        _letters = [.. header.Keys.Take(header.Keys.ToList().FindLastIndex(named.Contains) + 1)];
        _headers = [.. _letters.Select(l => Text(header[l]))];
        _roles = ReadHeader(_headers, "first row of the first sheet");
        return Task.CompletedTask;
    }

    public override async IAsyncEnumerable<InputRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_rows is null) yield break;
        long number = 0;
        while (_rows.MoveNext())
        {
            cancellationToken.ThrowIfCancellationRequested();
            number++;
            var cells = _rows.Current;
            if (cells.Values.All(v => Text(v).Length == 0)) continue;
            _builder.Reset();
            for (var i = 0; i < _letters.Length; i++)
                _builder.Set(_headers[i], _roles[i], cells.TryGetValue(_letters[i], out var v) ? Text(v) : "");
            var row = _builder.Build(number);
            var extra = cells.Where(kv => Array.IndexOf(_letters, kv.Key) < 0 && Text(kv.Value).Length > 0).Select(kv => kv.Key).FirstOrDefault();
            if (extra is not null && row.IsReadable)
                row = ParcelRowBuilder.Unreadable(row.Number, row.ParcelId, $"column {extra} has a value but no header");
            if (number % 1000 == 0) await Task.Yield();
            yield return row;
        }
    }

    /// <summary>A cell as the CSV text it stands for: numbers invariant in full precision, yes/no as true/false, dates as ISO dates.</summary>
    public static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        DateTime t => t.TimeOfDay == TimeSpan.Zero ? t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : t.ToString("s", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public override ValueTask DisposeAsync()
    {
        _rows?.Dispose();
        return ValueTask.CompletedTask;
    }
}
