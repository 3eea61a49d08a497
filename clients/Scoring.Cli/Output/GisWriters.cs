using System.Globalization;
using System.Text;
using Google.Protobuf;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using NetTopologySuite.IO.Esri;
using NetTopologySuite.IO.Esri.Shapefiles.Writers;
using Scoring.Engine.Spatial;

namespace Scoring.Cli.Output;

/// <summary>
/// A GeoPackage (.gpkg, OGC 1.4): one feature table, <c>parcels</c>, of each parcel's outline (column <c>geom</c>) and its
/// columns as attributes (numbers REAL, times ISO 8601 text), declared in the outlines' system through
/// gpkg_spatial_ref_sys (with its EPSG WKT) and gpkg_geometry_columns. Written in one transaction under a partial name.
/// </summary>
internal sealed class GeoPackageRecordWriter<T> : RecordWriter<T> where T : IMessage
{
    /// <summary>The feature table's name.</summary>
    public const string Table = "parcels";

    private readonly RecordFile<T> _file;
    private readonly string _partial;
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;
    private readonly SqliteCommand _insert;
    private readonly Outlines _outlines = new();
    private readonly GeoPackageGeoWriter _geometries = new();
    private Envelope _extent = new();
    private bool _multi, _committed;

    public GeoPackageRecordWriter(RecordFile<T> file)
    {
        _file = file;
        _partial = file.Path + ".partial";
        File.Delete(_partial);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _partial, Pooling = false }.ToString());
        _connection.Open();
        Execute($"""
            PRAGMA application_id = 1196444487; -- 'GPKG'
            PRAGMA user_version = 10400;        -- GeoPackage 1.4
            CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
                organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
            CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '',
                last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
                srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
            CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
                srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
                CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
                CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
            INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system');
            INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
            CREATE TABLE "{Table}" (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom GEOMETRY{string.Concat(file.Columns.Select(c => $", {Quote(c.Header)} {SqlType(c.Kind)}"))});
            """);
        _transaction = _connection.BeginTransaction();
        _insert = _connection.CreateCommand();
        _insert.Transaction = _transaction;
        _insert.CommandText = $"INSERT INTO \"{Table}\" (geom{string.Concat(file.Columns.Select(c => ", " + Quote(c.Header)))}) " +
                              $"VALUES ($g{string.Concat(file.Columns.Select((_, i) => $", $c{i}"))});";
        _insert.Parameters.Add("$g", SqliteType.Blob);
        for (var i = 0; i < file.Columns.Count; i++) _insert.Parameters.Add($"$c{i}", file.Columns[i].Kind == CellKind.Number ? SqliteType.Real : SqliteType.Text);
        _insert.Prepare();
    }

    public override ValueTask WriteAsync(T record, Outline? outline, CancellationToken cancellationToken)
    {
        var geometry = _outlines.Read(outline, out _);
        if (geometry is not null)
        {
            _extent.ExpandToInclude(geometry.EnvelopeInternal);
            _multi |= geometry is MultiPolygon;
        }
        _insert.Parameters[0].Value = geometry is null ? DBNull.Value : _geometries.Write(geometry);
        for (var i = 0; i < _file.Columns.Count; i++)
            _insert.Parameters[i + 1].Value = _file.Columns[i].Value(record) switch
            {
                null => DBNull.Value,
                double d => d,
                var v => Cells.Text(v),
            };
        _insert.ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public override ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        var epsg = _outlines.DeclaredEpsg;
        using (var declare = _connection.CreateCommand())
        {
            declare.Transaction = _transaction;
            declare.CommandText = $"""
                INSERT INTO gpkg_spatial_ref_sys VALUES ($name, {epsg}, 'EPSG', {epsg}, $wkt, NULL);
                INSERT INTO gpkg_contents (table_name, data_type, identifier, min_x, min_y, max_x, max_y, srs_id)
                    VALUES ('{Table}', 'features', '{Table}', $minx, $miny, $maxx, $maxy, {epsg});
                INSERT INTO gpkg_geometry_columns VALUES ('{Table}', 'geom', '{(_multi ? "MULTIPOLYGON" : "POLYGON")}', {epsg}, 0, 0);
                """;
            declare.Parameters.AddWithValue("$name", CoordinateSystems.Name(epsg));
            declare.Parameters.AddWithValue("$wkt", CoordinateSystems.Wkt(epsg));
            foreach (var (name, value) in new[] { ("$minx", _extent.MinX), ("$miny", _extent.MinY), ("$maxx", _extent.MaxX), ("$maxy", _extent.MaxY) })
                declare.Parameters.AddWithValue(name, _extent.IsNull ? DBNull.Value : value);
            declare.ExecuteNonQuery();
        }
        _transaction.Commit();
        Close();
        File.Move(_partial, _file.Path, overwrite: true);
        _committed = true;
        return ValueTask.CompletedTask;
    }

    public override ValueTask DisposeAsync()
    {
        if (_committed) return ValueTask.CompletedTask;
        Close();
        try { File.Delete(_partial); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return ValueTask.CompletedTask;
    }

    private void Close()
    {
        _insert.Dispose();
        _transaction.Dispose();
        _connection.Dispose();
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string SqlType(CellKind kind) => kind switch
    {
        CellKind.Number => "REAL",
        CellKind.Time => "DATETIME",
        _ => "TEXT",
    };
}

/// <summary>
/// An Esri Shapefile (.shp with .shx, .dbf, .prj and .cpg): polygons, the columns as dBASE fields under their short
/// names (at most 10 characters: classif, disposit, …; a name met twice ends in _2), text in UTF-8 as the .cpg says, numbers as doubles, and the
/// outlines' system in the .prj (OGC WKT with its EPSG authority). Written under partial names, renamed when complete.
/// </summary>
internal sealed class ShapefileRecordWriter<T> : RecordWriter<T> where T : IMessage
{
    /// <summary>The files of a Shapefile, by extension.</summary>
    public static readonly string[] Parts = [".shp", ".shx", ".dbf", ".prj", ".cpg"];

    // dBASE text fields hold at most 254 bytes.
    private const int TextLength = 254;

    private readonly RecordFile<T> _file;
    private readonly string _partialBase, _finalBase;
    private readonly ShapefileWriter _writer;
    private readonly Outlines _outlines = new();
    private readonly string[] _fields;
    private bool _committed, _closed;

    public ShapefileRecordWriter(RecordFile<T> file)
    {
        _fields = UniqueFields(file.Columns.Select(c => c.ShapefileField));
        _file = file;
        var full = Path.GetFullPath(file.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        _finalBase = Path.Combine(Path.GetDirectoryName(full)!, Path.GetFileNameWithoutExtension(full));
        _partialBase = _finalBase + ".partial";
        var options = new ShapefileWriterOptions(ShapeType.Polygon) { Encoding = Encoding.UTF8 };
        for (var i = 0; i < file.Columns.Count; i++)
        {
            if (file.Columns[i].Kind == CellKind.Number) options.AddNumericDoubleField(_fields[i]);
            else options.AddCharacterField(_fields[i], file.Columns[i].Kind == CellKind.Time ? 20 : TextLength);
        }
        _writer = Shapefile.OpenWrite(_partialBase + ".shp", options);
    }

    public override ValueTask WriteAsync(T record, Outline? outline, CancellationToken cancellationToken)
    {
        _writer.Geometry = _outlines.Read(outline, out _);
        for (var i = 0; i < _file.Columns.Count; i++)
        {
            _writer.Fields[_fields[i]].Value = _file.Columns[i].Value(record) switch
            {
                null => null,
                double d => d,
                var v => Fit(Cells.Text(v)),
            };
        }
        _writer.Write();
        return ValueTask.CompletedTask;
    }

    public override ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        Close();
        File.WriteAllText(_partialBase + ".prj", CoordinateSystems.Wkt(_outlines.DeclaredEpsg), new UTF8Encoding(false));
        foreach (var ext in Parts)
            if (File.Exists(_partialBase + ext)) File.Move(_partialBase + ext, _finalBase + ext, overwrite: true);
        _committed = true;
        return ValueTask.CompletedTask;
    }

    public override ValueTask DisposeAsync()
    {
        if (_committed) return ValueTask.CompletedTask;
        try
        {
            Close();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // Abandoned: what it could not finish does not matter.
        }
        foreach (var ext in Parts)
            try { File.Delete(_partialBase + ext); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return ValueTask.CompletedTask;
    }

    private void Close()
    {
        if (_closed) return;
        _closed = true;
        _writer.Dispose();
    }

    /// <summary>
    /// The dBASE names of the columns: each column's short name, and when two are alike after the cut (two element codes
    /// sharing their first 10 characters) the later ones end in _2, _3 … within the 10 characters.
    /// </summary>
    public static string[] UniqueFields(IEnumerable<string> names)
    {
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var fields = new List<string>();
        foreach (var name in names)
        {
            var field = name;
            for (var n = 2; !taken.Add(field); n++)
            {
                var suffix = "_" + n.ToString(CultureInfo.InvariantCulture);
                field = name[..Math.Min(name.Length, FileColumn<T>.MaxShapefileField - suffix.Length)] + suffix;
            }
            fields.Add(field);
        }
        return [.. fields];
    }

    // Cut to the field's 254 bytes of UTF-8 on a character boundary.
    private static string Fit(string text)
    {
        if (Encoding.UTF8.GetByteCount(text) <= TextLength) return text;
        var length = text.Length;
        while (Encoding.UTF8.GetByteCount(text.AsSpan(0, length)) > TextLength) length--;
        if (length > 0 && char.IsHighSurrogate(text[length - 1])) length--;
        return text[..length];
    }
}
