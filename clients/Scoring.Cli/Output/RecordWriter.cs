using Google.Protobuf;

namespace Scoring.Cli.Output;

/// <summary>A parcel's outline as its input or the cache gave it: GeoJSON or (E)WKT text, and the system it is in when named apart.</summary>
/// <param name="Geometry">GeoJSON geometry or (E)WKT text.</param>
/// <param name="Crs">The coordinate system (EPSG:nnnn) when the text does not name it; null when it does or is unknown.</param>
internal sealed record Outline(string Geometry, string? Crs = null);

/// <summary>What one output file holds: where it goes, in which format and labels, its columns, and how a record is named.</summary>
/// <param name="Path">The file's path (the Shapefile's .shp).</param>
/// <param name="Format">The format, from the extension.</param>
/// <param name="Labels">The language of its headers and terms.</param>
/// <param name="Columns">The columns, headed in <paramref name="Labels"/>.</param>
/// <param name="IdOf">The parcel id of a record (a GeoJSON feature's id).</param>
/// <param name="SheetName">The spreadsheet's first sheet.</param>
/// <param name="Summary">The run's tallies, written to a spreadsheet's second sheet once every record is in.</param>
internal sealed record RecordFile<T>(string Path, OutputFormat Format, Labels Labels, IReadOnlyList<FileColumn<T>> Columns,
    Func<T, string> IdOf, string SheetName, RunSummary? Summary) where T : IMessage;

/// <summary>
/// Writes records (evaluations, list entries), one per parcel, to a file in the order given. The file is written under
/// a partial name and moved into place by <see cref="CommitAsync"/>; disposed without it, it leaves nothing behind.
/// </summary>
internal abstract class RecordWriter<T> : IAsyncDisposable where T : IMessage
{
    /// <summary>A writer for <paramref name="file"/>, by its format.</summary>
    public static RecordWriter<T> Create(RecordFile<T> file) => file.Format switch
    {
        OutputFormat.Csv => new CsvRecordWriter<T>(file),
        OutputFormat.JsonLines => new JsonLinesRecordWriter<T>(file),
        OutputFormat.GeoJson => new GeoJsonRecordWriter<T>(file),
        OutputFormat.Xlsx => new XlsxRecordWriter<T>(file),
        OutputFormat.GeoPackage => new GeoPackageRecordWriter<T>(file),
        _ => new ShapefileRecordWriter<T>(file),
    };

    /// <summary>Writes one record; <paramref name="outline"/> is the parcel's shape, for the formats that carry one.</summary>
    public abstract ValueTask WriteAsync(T record, Outline? outline, CancellationToken cancellationToken);

    /// <summary>Finishes the file and moves it into place.</summary>
    public abstract ValueTask CommitAsync(CancellationToken cancellationToken);

    /// <summary>Releases the file, removing it when it was not committed.</summary>
    public abstract ValueTask DisposeAsync();
}

/// <summary>Writes every record to several files at once (one --output each).</summary>
internal sealed class FanOutWriter<T>(IReadOnlyList<RecordWriter<T>> writers) : RecordWriter<T> where T : IMessage
{
    public override async ValueTask WriteAsync(T record, Outline? outline, CancellationToken cancellationToken)
    {
        foreach (var w in writers) await w.WriteAsync(record, outline, cancellationToken);
    }

    public override async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        foreach (var w in writers) await w.CommitAsync(cancellationToken);
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var w in writers) await w.DisposeAsync();
    }
}

/// <summary>A writer of one file, written under <c>&lt;path&gt;.partial</c> and renamed when committed.</summary>
internal abstract class SingleFileWriter<T> : RecordWriter<T> where T : IMessage
{
    private readonly string _path;
    private bool _committed;

    protected SingleFileWriter(string path)
    {
        _path = path;
        PartialPath = path + ".partial";
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        Stream = new FileStream(PartialPath, FileMode.Create, FileAccess.Write, FileShare.Read, 64 * 1024, useAsync: true);
    }

    /// <summary>Where the file is written until it is committed.</summary>
    protected string PartialPath { get; }

    /// <summary>The partial file.</summary>
    protected Stream Stream { get; }

    /// <summary>Writes what is left (closing brackets, the last sheet) and flushes.</summary>
    protected abstract ValueTask FinishAsync(CancellationToken cancellationToken);

    /// <summary>Releases what the format holds over <see cref="Stream"/>.</summary>
    protected abstract ValueTask CloseAsync();

    public override async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        await FinishAsync(cancellationToken);
        await CloseAsync();
        await Stream.DisposeAsync();
        File.Move(PartialPath, _path, overwrite: true);
        _committed = true;
    }

    public override async ValueTask DisposeAsync()
    {
        if (_committed) return;
        try
        {
            await CloseAsync();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The file is being abandoned: what it could not finish does not matter.
        }
        await Stream.DisposeAsync();
        try { File.Delete(PartialPath); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
