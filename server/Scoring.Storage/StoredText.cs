using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Scoring.Storage;

/// <summary>How times, dates and page tokens are written as text.</summary>
internal static class StoredText
{
    // UTC with a fixed width, so stored times sort correctly as text and round-trip to the tick.
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";
    private const string DateFormat = "yyyy-MM-dd";

    internal static string Time(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    internal static DateTimeOffset ParseTime(string text) =>
        new(DateTime.SpecifyKind(DateTime.ParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None), DateTimeKind.Utc));

    internal static string Date(DateOnly date) => date.ToString(DateFormat, CultureInfo.InvariantCulture);

    internal static DateOnly ParseDate(string text) => DateOnly.ParseExact(text, DateFormat, CultureInfo.InvariantCulture);

    /// <summary>An opaque page token: base64url of a JSON array of strings.</summary>
    internal static string EncodeToken(params string?[] parts) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(parts))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Decodes a page token made by <see cref="EncodeToken"/>, checking its kind and length.</summary>
    internal static string?[] DecodeToken(string token, string kind, int length, string paramName)
    {
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 += new string('=', (4 - base64.Length % 4) % 4);
            var parts = JsonSerializer.Deserialize<string?[]>(Convert.FromBase64String(base64));
            if (parts is { Length: > 0 } && parts.Length == length && parts[0] == kind) return parts;
        }
        catch (Exception e) when (e is FormatException or JsonException or DecoderFallbackException)
        {
        }
        throw new ArgumentException("Not a page token returned by this list call.", paramName);
    }

    /// <summary>Resolves a requested page size: 0 means the default, larger than the maximum means the maximum.</summary>
    internal static int PageSize(int requested, string paramName)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(requested, paramName);
        return requested == 0 ? ScoringDatabase.DefaultPageSize : Math.Min(requested, ScoringDatabase.MaxPageSize);
    }
}
