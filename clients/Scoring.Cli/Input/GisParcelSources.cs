using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using NetTopologySuite.IO.Esri;
using NetTopologySuite.IO.Esri.Shapefiles.Readers;
using Scoring.Engine.Spatial;

namespace Scoring.Cli.Input;

/// <summary>
/// Parcels from a GIS file: each feature a row, its attributes the cells (named as the CSV columns), its shape the
/// parcel's outline, sent as EWKT naming the file's coordinate system (SRID=4549;POLYGON …) when the file declares an
/// accepted one; a file that declares none leaves the system to the server's default.
/// </summary>
internal abstract class GisParcelSource(string path, ModelColumns columns, bool keepGeometryInParcel) : ParcelSource(path, columns)
{
    private readonly ParcelRowBuilder _builder = new(columns, keepGeometryInParcel);
    private readonly WKTWriter _wkt = new();
    private string[] _headers = [];
    private ColumnRole?[] _roles = [];

    /// <summary>The file's coordinate system, when it declares an accepted one.</summary>
    protected int? Epsg { get; set; }

    // Progress counts features.
    public override long BytesRead => 0;

    // Every feature has a shape (or an empty one).
    public override bool HasGeometry => true;

    /// <summary>Takes the attribute names (and checks them as a header row).</summary>
    protected void SetHeaders(IReadOnlyList<string> names, string how, Func<string, ColumnRole?>? find = null)
    {
        _headers = [.. names];
        _roles = ReadHeader(_headers, how, find);
        if (_roles.Any(r => r is { Kind: ColumnKind.Attribute, Code: "geometry" }))
            throw new UsageException($"input '{Path}' has an attribute named geometry; the shape of each feature is its geometry");
    }

    /// <summary>One feature as a row: its attribute values in header order, and its shape.</summary>
    protected InputRow Row(long number, IReadOnlyList<object?> values, Geometry? shape)
    {
        _builder.Reset();
        for (var i = 0; i < _headers.Length; i++) _builder.Set(_headers[i], _roles[i], XlsxParcelSource.Text(values[i]));
        if (shape is { IsEmpty: false })
        {
            var text = _wkt.Write(shape);
            _builder.Set("geometry", new ColumnRole(ColumnKind.Attribute, "geometry"), Epsg is { } epsg ? $"SRID={epsg};{text}" : text);
        }
        return _builder.Build(number);
    }
}

/// <summary>An Esri Shapefile: its .dbf fields by name (a name cut to 10 characters matches the one code it starts), its .prj system.</summary>
internal sealed class ShapefileParcelSource(string path, ModelColumns columns, bool keepGeometryInParcel) : GisParcelSource(path, columns, keepGeometryInParcel)
{
    private ShapefileReader? _reader;

    public override Task OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            _reader = Shapefile.OpenRead(Path, new ShapefileReaderOptions());
        }
        catch (Exception e) when (e is IOException or FileNotFoundException or ShapefileException or NotSupportedException or ArgumentException)
        {
            throw new UsageException($"input '{Path}' is not a Shapefile that can be read (with its .shx and .dbf): {e.Message}");
        }
        Epsg = CoordinateSystems.FromWkt(_reader.Projection);
        SetHeaders([.. Enumerable.Range(0, _reader.Fields.Count).Select(i => _reader.Fields[i].Name)], "the .dbf fields", Columns.FindField);
        return Task.CompletedTask;
    }

    public override async IAsyncEnumerable<InputRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_reader is null) yield break;
        long number = 0;
        while (_reader.Read(out var deleted))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (deleted) continue;
            number++;
            var values = Enumerable.Range(0, _reader.Fields.Count).Select(i => _reader.Fields[i].Value).ToList();
            if (number % 1000 == 0) await Task.Yield();
            yield return Row(number, values, _reader.Geometry);
        }
    }

    public override ValueTask DisposeAsync()
    {
        _reader?.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A GeoPackage: its first feature table, the columns besides the primary key and the geometry, the system of gpkg_geometry_columns.</summary>
internal sealed class GeoPackageParcelSource(string path, ModelColumns columns, bool keepGeometryInParcel) : GisParcelSource(path, columns, keepGeometryInParcel)
{
    private SqliteConnection? _connection;
    private string _table = "", _geometryColumn = "";
    private List<string> _names = [];

    public override Task OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            _connection.Open();
            (_table, _geometryColumn, var epsg) = GeoPackageTables.First(_connection, $"input '{Path}'");
            if (epsg is { } code && CoordinateSystems.IsAccepted(code)) Epsg = code;
            using (var command = _connection.CreateCommand())
            {
                command.CommandText = $"SELECT name, pk FROM pragma_table_info('{_table.Replace("'", "''", StringComparison.Ordinal)}');";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                    if (reader.GetInt64(1) == 0 && reader.GetString(0) != _geometryColumn) _names.Add(reader.GetString(0));
            }
        }
        catch (SqliteException e)
        {
            throw new UsageException($"input '{Path}' is not a GeoPackage that can be read: {e.Message}");
        }
        SetHeaders(_names, $"the columns of table {_table}");
        return Task.CompletedTask;
    }

    public override async IAsyncEnumerable<InputRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_connection is null) yield break;
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT {Quote(_geometryColumn)}{string.Concat(_names.Select(n => ", " + Quote(n)))} FROM {Quote(_table)} ORDER BY rowid;";
        using var reader = command.ExecuteReader();
        var geometries = new GeoPackageGeoReader();
        long number = 0;
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            number++;
            var shape = reader.IsDBNull(0) ? null : geometries.Read((byte[])reader.GetValue(0));
            var values = Enumerable.Range(1, _names.Count).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i)).ToList();
            if (number % 1000 == 0) await Task.Yield();
            yield return Row(number, values, shape);
        }
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public override ValueTask DisposeAsync()
    {
        _connection?.Dispose();
        return ValueTask.CompletedTask;
    }
}
