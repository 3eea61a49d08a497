using System.Net.Sockets;
using Npgsql;

namespace Scoring.Storage.Postgres;

/// <summary>Which PostgreSQL failures are storage faults, by SQLSTATE, and how they are told to clients.</summary>
internal static class PostgresFaults
{
    /// <summary>The fault a failure stands for, found anywhere in its inner chain; null when it is none.</summary>
    public static StorageFaultException? From(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is StorageFaultException fault) return fault;
            if (e is PostgresException pg && Kind(pg.SqlState) is { } kind) return new StorageFaultException(kind, Describe(kind, pg.MessageText), pg);
            if (e is NpgsqlException { InnerException: SocketException or EndOfStreamException or IOException } lost)
                return new StorageFaultException(StorageFault.Missing, Describe(StorageFault.Missing, lost.Message), lost);
        }
        return null;
    }

    /// <summary>The client-facing sentence for a fault, with PostgreSQL's own words as the cause.</summary>
    public static string Describe(StorageFault fault, string cause) => fault switch
    {
        StorageFault.ReadOnly => $"the PostgreSQL database is read-only, so writes are refused until it takes writes again ({cause})",
        StorageFault.Corrupt => $"the PostgreSQL database reports damaged data; restore it from a backup ({cause})",
        StorageFault.Full => $"the PostgreSQL server has no space left, so writes are refused until space is freed; reads go on ({cause})",
        _ => $"the PostgreSQL database cannot be reached, so calls that need it are refused ({cause})",
    };

    private static StorageFault? Kind(string sqlState) => sqlState switch
    {
        "25006" => StorageFault.ReadOnly,                       // read_only_sql_transaction (a standby, a read-only setting)
        "XX001" or "XX002" => StorageFault.Corrupt,             // data_corrupted, index_corrupted
        "53100" => StorageFault.Full,                           // disk_full
        "57P01" or "57P02" or "57P03" or "3D000" => StorageFault.Missing, // shut down, starting up, no such database
        _ when sqlState.StartsWith("08", StringComparison.Ordinal) => StorageFault.Missing, // connection exceptions
        _ => null,
    };
}
