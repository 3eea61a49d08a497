using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Scoring.Storage;

/// <summary>
/// A statement prepared on a connection's own handle and run through SQLite's statement API, for the hot loops of ingest
/// and scans: parameters are bound by position, found once, where Microsoft.Data.Sqlite looks each one up by name on every
/// execution. It runs inside whatever transaction the connection has open. Errors surface as the
/// <see cref="SqliteException"/> Microsoft.Data.Sqlite would raise, so faults are named the same.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    /// <summary>Prepares <paramref name="sql"/> (one statement) on <paramref name="connection"/>.</summary>
    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle!;
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    /// <summary>The position of the parameter called <paramref name="name"/> (e.g. <c>$id</c>).</summary>
    public int Parameter(string name) =>
        raw.sqlite3_bind_parameter_index(_statement, name) is var index and > 0 ? index : throw new ArgumentException($"no parameter {name}", nameof(name));

    /// <summary>Binds a text, or NULL.</summary>
    public void Bind(int index, string? value) =>
        Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text(_statement, index, value));

    /// <summary>Binds an integer.</summary>
    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    /// <summary>Binds a real.</summary>
    public void Bind(int index, double value) => Check(raw.sqlite3_bind_double(_statement, index, value));

    /// <summary>Binds a blob.</summary>
    public void Bind(int index, ReadOnlySpan<byte> value) => Check(raw.sqlite3_bind_blob(_statement, index, value));

    /// <summary>Binds a value as Microsoft.Data.Sqlite reads it back: text, integer, real, blob, or NULL for null.</summary>
    public void Bind(int index, object? value)
    {
        switch (value)
        {
            case null or DBNull: Check(raw.sqlite3_bind_null(_statement, index)); break;
            case string text: Bind(index, text); break;
            case long or int or bool: Bind(index, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case double number: Check(raw.sqlite3_bind_double(_statement, index, number)); break;
            case byte[] bytes: Bind(index, bytes.AsSpan()); break;
            default: throw new ArgumentException($"{value.GetType().Name} is not bound here", nameof(value));
        }
    }

    /// <summary>Runs a statement that returns no rows, then makes it ready to run again (its bindings kept).</summary>
    public void Execute()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc != raw.SQLITE_DONE && rc != raw.SQLITE_ROW)
        {
            var error = new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), rc, raw.sqlite3_extended_errcode(_db));
            raw.sqlite3_reset(_statement);
            throw error;
        }
        raw.sqlite3_reset(_statement);
    }

    /// <summary>Steps a query: true while it has a row to read.</summary>
    public bool Read()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW) return true;
        if (rc == raw.SQLITE_DONE) return false;
        var error = new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), rc, raw.sqlite3_extended_errcode(_db));
        raw.sqlite3_reset(_statement);
        throw error;
    }

    /// <summary>Whether column <paramref name="column"/> of the current row is NULL.</summary>
    public bool IsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

    /// <summary>Column <paramref name="column"/> as an integer.</summary>
    public long Integer(int column) => raw.sqlite3_column_int64(_statement, column);

    /// <summary>Column <paramref name="column"/> as a real.</summary>
    public double Real(int column) => raw.sqlite3_column_double(_statement, column);

    /// <summary>Column <paramref name="column"/> as text (UTF-8 decoded).</summary>
    public string Text(int column) => raw.sqlite3_column_text(_statement, column).utf8_to_string();

    /// <summary>Column <paramref name="column"/>'s bytes (a text's UTF-8), valid until the next step.</summary>
    public ReadOnlySpan<byte> Bytes(int column) => raw.sqlite3_column_blob(_statement, column);

    /// <summary>Finalizes the statement.</summary>
    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, _db);
    }
}
