using Microsoft.Data.Sqlite;

namespace Scoring.Storage;

/// <summary>What is wrong with the database file, as far as the service can tell.</summary>
public enum StorageFault
{
    /// <summary>The file cannot be written (SQLITE_READONLY, SQLITE_PERM); reads go on.</summary>
    ReadOnly,

    /// <summary>The file is damaged (SQLITE_CORRUPT, SQLITE_NOTADB, or a failed integrity check).</summary>
    Corrupt,

    /// <summary>The disk or the configured size limit is full (SQLITE_FULL); reads go on.</summary>
    Full,

    /// <summary>The file was deleted, moved or replaced, or cannot be opened (SQLITE_CANTOPEN, SQLITE_IOERR).</summary>
    Missing,
}

/// <summary>A storage failure the service can name: the write it interrupted was not committed.</summary>
public sealed class StorageFaultException(StorageFault fault, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>The kind of fault.</summary>
    public StorageFault Fault { get; } = fault;

    /// <summary>The fault a SQLite failure stands for, found anywhere in the exception's inner chain; null when it is none.</summary>
    public static StorageFaultException? From(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is StorageFaultException fault) return fault;
            if (e is SqliteException sqlite && Kind(sqlite) is { } kind) return new StorageFaultException(kind, Describe(kind, sqlite.Message), sqlite);
        }
        return null;
    }

    /// <summary>The client-facing sentence for a fault, with SQLite's own words as the cause.</summary>
    public static string Describe(StorageFault fault, string cause) => fault switch
    {
        StorageFault.ReadOnly => $"the database is read-only, so writes are refused until it is writable again ({cause})",
        StorageFault.Corrupt => $"the database file is damaged; restore it from a backup ({cause})",
        StorageFault.Full => $"the database is full, so writes are refused until space is freed; reads go on ({cause})",
        _ => $"the database file was deleted, replaced or cannot be opened, so writes are refused ({cause})",
    };

    private static StorageFault? Kind(SqliteException e)
    {
        const int ReadOnlyDatabaseMoved = 8 | (4 << 8); // SQLITE_READONLY_DBMOVED: the file was renamed or unlinked
        if (e.SqliteExtendedErrorCode == ReadOnlyDatabaseMoved) return StorageFault.Missing;
        return (e.SqliteErrorCode & 0xFF) switch
        {
            3 or 8 => StorageFault.ReadOnly, // SQLITE_PERM, SQLITE_READONLY
            11 or 26 => StorageFault.Corrupt, // SQLITE_CORRUPT, SQLITE_NOTADB
            13 => StorageFault.Full, // SQLITE_FULL
            10 or 14 => StorageFault.Missing, // SQLITE_IOERR, SQLITE_CANTOPEN
            _ => null,
        };
    }
}
