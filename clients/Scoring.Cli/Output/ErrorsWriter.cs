using System.Globalization;
using CsvHelper;

namespace Scoring.Cli.Output;

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
