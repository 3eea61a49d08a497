using System.Globalization;

namespace Scoring.Storage;

/// <summary>How times and dates are written as text.</summary>
internal static class StoredText
{
    // UTC with a fixed width, so stored times sort correctly as text and round-trip to the tick.
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";
    private const string DateFormat = "yyyy-MM-dd";

    internal static string Time(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    internal static DateTimeOffset ParseTime(string text) =>
        FixedWidthTime(text) ?? new(DateTime.SpecifyKind(DateTime.ParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None), DateTimeKind.Utc));

    // The time format read field by field: every cached parcel read carries two, and the general parser costs more than
    // the rest of the row. Null when the text is not exactly in the format (the general parser then says why).
    private static DateTimeOffset? FixedWidthTime(string t)
    {
        if (t.Length != 28 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':' || t[19] != '.' || t[27] != 'Z') return null;
        int year = Digits(t, 0, 4), month = Digits(t, 5, 2), day = Digits(t, 8, 2), hour = Digits(t, 11, 2), minute = Digits(t, 14, 2),
            second = Digits(t, 17, 2), ticks = Digits(t, 20, 7);
        if ((year | month | day | hour | minute | second | ticks) < 0 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(year, 1), month)
            || year < 1 || hour > 23 || minute > 59 || second > 59) return null;
        return new DateTimeOffset(new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(ticks));
    }

    // The number written in `count` ASCII digits from `start`; -1 when one is not a digit.
    private static int Digits(string text, int start, int count)
    {
        var n = 0;
        for (var i = start; i < start + count; i++)
        {
            var d = text[i] - '0';
            if ((uint)d > 9) return -1;
            n = n * 10 + d;
        }
        return n;
    }

    internal static bool IsTime(string? text) =>
        DateTime.TryParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    internal static string Date(DateOnly date) => date.ToString(DateFormat, CultureInfo.InvariantCulture);

    internal static DateOnly ParseDate(string text) => DateOnly.ParseExact(text, DateFormat, CultureInfo.InvariantCulture);
}
