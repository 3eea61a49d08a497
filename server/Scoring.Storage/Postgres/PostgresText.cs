namespace Scoring.Storage.Postgres;

/// <summary>
/// Times between .NET and <c>timestamptz</c>: written as UTC <see cref="DateTime"/>s cut to the microsecond PostgreSQL
/// keeps, read back as the fixed-width UTC text the SQLite store keeps (<see cref="StoredText"/>), so rows, page tokens and
/// records read the same from either store.
/// </summary>
internal static class PostgresText
{
    /// <summary><paramref name="time"/> cut to the microsecond, as it reads back from a <c>timestamptz</c>.</summary>
    public static DateTimeOffset Stored(DateTimeOffset time) => new(time.UtcTicks - time.UtcTicks % 10, TimeSpan.Zero);

    /// <summary>A <c>timestamptz</c> parameter: UTC, cut to the microsecond.</summary>
    public static DateTime Utc(DateTimeOffset time) => Stored(time).UtcDateTime;

    /// <summary>A time in <see cref="StoredText"/>'s format (a page token's) as a <c>timestamptz</c> parameter.</summary>
    public static DateTime Utc(string storedTime) => Utc(StoredText.ParseTime(storedTime));

    /// <summary>
    /// The SQL that reads <paramref name="column"/> (a <c>timestamptz</c>) as <see cref="StoredText"/> writes times:
    /// <c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c> in UTC, the seventh digit 0.
    /// </summary>
    public static string TimeColumn(string column) => $"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"0Z\"')";
}
