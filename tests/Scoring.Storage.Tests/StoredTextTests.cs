namespace Scoring.Storage.Tests;

/// <summary>Stored times: fixed-width UTC text, read back to the tick.</summary>
public sealed class StoredTextTests
{
    [Theory]
    [InlineData("2024-02-29T23:59:59.9999999Z", 2024, 2, 29, 23, 59, 59, 9_999_999)]
    [InlineData("0001-01-01T00:00:00.0000000Z", 1, 1, 1, 0, 0, 0, 0)]
    [InlineData("2026-12-01T04:37:40.1234567Z", 2026, 12, 1, 4, 37, 40, 1_234_567)]
    public void A_stored_time_is_read_to_the_tick(string text, int year, int month, int day, int hour, int minute, int second, int ticks)
    {
        var expected = new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero).AddTicks(ticks);

        Assert.Equal(expected, StoredText.ParseTime(text));
        Assert.Equal(text, StoredText.Time(expected));
    }

    [Theory]
    [InlineData("2023-02-29T00:00:00.0000000Z")] // no such day
    [InlineData("2026-13-01T00:00:00.0000000Z")]
    [InlineData("2026-12-01T24:00:00.0000000Z")]
    [InlineData("2026-12-01T00:00:00.000000xZ")]
    [InlineData("2026-12-01 00:00:00")]
    public void Text_that_is_not_a_stored_time_is_refused(string text) =>
        Assert.Throws<FormatException>(() => StoredText.ParseTime(text));
}
