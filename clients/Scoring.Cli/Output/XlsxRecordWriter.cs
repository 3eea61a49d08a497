using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Google.Protobuf;
using MiniExcelLibs;
using MiniExcelLibs.OpenXml;

namespace Scoring.Cli.Output;

/// <summary>
/// A spreadsheet (.xlsx) through MiniExcel: the records on the first sheet (numbers as numbers, times as dates), the
/// summary tables on the second. MiniExcel pulls rows from a sequence while the run pushes them, so the two meet in a
/// small bounded channel: MiniExcel writes on its own task while records arrive, and memory stays flat however many
/// rows there are.
/// </summary>
internal sealed class XlsxRecordWriter<T> : SingleFileWriter<T> where T : IMessage
{
    private const int RowsInFlight = 1024;

    private readonly RecordFile<T> _file;
    private readonly Channel<IDictionary<string, object?>> _rows =
        Channel.CreateBounded<IDictionary<string, object?>>(new BoundedChannelOptions(RowsInFlight) { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _abandon = new();
    private readonly Task _saving;

    public XlsxRecordWriter(RecordFile<T> file) : base(file.Path)
    {
        _file = file;
        var sheets = new Dictionary<string, object> { [file.SheetName] = RowsAsync(_abandon.Token) };
        if (file.Summary is { } summary) sheets[SummarySheet(file.Labels)] = SummaryRows(summary, file.Labels);
        _saving = Task.Run(async () =>
        {
            try
            {
                await MiniExcel.SaveAsAsync(Stream, sheets, excelType: ExcelType.XLSX, configuration: new OpenXmlConfiguration { TableStyles = TableStyles.None },
                    cancellationToken: _abandon.Token);
            }
            finally
            {
                // Whatever ended the writing, a record pushed after it must not wait for a reader that is gone.
                _rows.Writer.TryComplete();
            }
        });
    }

    /// <summary>The summary sheet's name.</summary>
    public static string SummarySheet(Labels labels) => labels == Labels.Zh ? "汇总" : "summary";

    public override async ValueTask WriteAsync(T record, Outline? outline, CancellationToken cancellationToken)
    {
        var row = new Dictionary<string, object?>(_file.Columns.Count, StringComparer.Ordinal);
        foreach (var column in _file.Columns) row[column.Header] = Cell(column.Value(record));
        if (!await _rows.Writer.WaitToWriteAsync(cancellationToken) || !_rows.Writer.TryWrite(row))
        {
            await _saving; // throws why the spreadsheet stopped
            throw new InvalidOperationException($"{_file.Path}: the spreadsheet stopped taking rows");
        }
    }

    protected override async ValueTask FinishAsync(CancellationToken cancellationToken)
    {
        _rows.Writer.TryComplete();
        await _saving.WaitAsync(cancellationToken);
        await Stream.FlushAsync(cancellationToken);
    }

    protected override async ValueTask CloseAsync()
    {
        _rows.Writer.TryComplete();
        if (!_saving.IsCompleted) await _abandon.CancelAsync();
        try
        {
            await _saving;
        }
        catch (OperationCanceledException)
        {
            // Abandoned on purpose.
        }
        _abandon.Dispose();
    }

    private async IAsyncEnumerable<IDictionary<string, object?>> RowsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in _rows.Reader.ReadAllAsync(cancellationToken)) yield return row;
    }

    // Read when MiniExcel reaches the second sheet, that is once every record is written: the tallies are final then.
    private static IEnumerable<IDictionary<string, object?>> SummaryRows(RunSummary summary, Labels labels)
    {
        var zh = labels == Labels.Zh;
        foreach (var line in summary.Lines(labels))
        {
            yield return new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                [zh ? "汇总表" : "table"] = line.Table,
                [zh ? "分组" : "group"] = line.Key,
                [zh ? "名称" : "name"] = line.Name,
                [zh ? "宗数" : "parcels"] = (double)line.Parcels,
                [zh ? "占比" : "share"] = Round(line.Share),
                [zh ? "低效宗数" : "inefficient"] = (double?)line.Inefficient,
                [zh ? "待研判宗数" : "review"] = (double?)line.Review,
                [zh ? "平均得分(面积加权)" : "mean_score"] = Round(line.MeanScore),
                [zh ? "面积(亩)" : "area_mu"] = Cells.Round(line.AreaMu),
            };
        }
    }

    private static double? Round(double? value) => value is { } v ? Cells.Round(v) : null;

    // Times as dates (UTC); everything else as the column gives it.
    private static object? Cell(object? value) => value is DateTimeOffset t ? t.UtcDateTime : value;
}
