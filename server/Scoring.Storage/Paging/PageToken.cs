using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Scoring.Storage.Paging;

/// <summary>
/// The page tokens and page sizes of every listing. A token is opaque to callers: base64url of a JSON array of
/// strings whose first element names the listing, followed by the listing's own parts (its filter and position).
/// </summary>
public static class PageToken
{
    /// <summary>The parameter every listing takes its page size in.</summary>
    public const string PageSizeParameter = "pageSize";

    /// <summary>The token of a page that ends at the position given by <paramref name="parts"/>.</summary>
    public static string Encode(string listing, params string?[] parts)
    {
        var all = new string?[parts.Length + 1];
        all[0] = listing;
        parts.CopyTo(all, 1);
        return Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(all)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The parts of a token made by <see cref="Encode"/> for <paramref name="listing"/> with <paramref name="partCount"/> parts.</summary>
    /// <exception cref="InvalidPageTokenException">The token is not one of this listing's.</exception>
    public static string?[] Decode(string token, string listing, int partCount)
    {
        ArgumentNullException.ThrowIfNull(token, InvalidPageTokenException.Parameter);
        byte[] bytes;
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            bytes = Convert.FromBase64String(base64 + new string('=', (4 - base64.Length % 4) % 4));
        }
        catch (FormatException)
        {
            throw new InvalidPageTokenException("is not base64url text");
        }

        string?[]? all;
        try
        {
            all = JsonSerializer.Deserialize<string?[]>(bytes);
        }
        catch (Exception e) when (e is JsonException or DecoderFallbackException)
        {
            all = null;
        }
        if (all is not { Length: > 0 } || all[0] is not { } named)
            throw new InvalidPageTokenException("is not a page token");
        if (named != listing)
            throw new InvalidPageTokenException($"belongs to the {named} listing, not to the {listing} listing");
        if (all.Length != partCount + 1)
            throw new InvalidPageTokenException(
                $"has {all.Length - 1} parts where a token of the {listing} listing has {partCount}");
        return all[1..];
    }

    /// <summary>
    /// Cuts <paramref name="rows"/>, read with a limit of one more than <paramref name="size"/> (the extra row tells
    /// whether a next page exists), down to the page; returns the next page's token, made from the parts that
    /// <paramref name="position"/> gives for the page's last row, or null on the last page.
    /// </summary>
    internal static string? CutPage<T>(List<T> rows, int size, string listing, Func<T, string?[]> position)
    {
        if (rows.Count <= size) return null;
        rows.RemoveRange(size, rows.Count - size);
        return Encode(listing, position(rows[^1]));
    }

    /// <summary>A position kept in a token as a decimal number.</summary>
    /// <exception cref="InvalidPageTokenException">The part is not a decimal number.</exception>
    internal static long Number(string? part) =>
        long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new InvalidPageTokenException("does not hold a position");

    /// <summary>Resolves a requested page size: 0 means the default, larger than the maximum means the maximum.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is negative.</exception>
    public static int PageSize(int requested)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(requested, PageSizeParameter);
        return requested == 0 ? ScoringDatabase.DefaultPageSize : Math.Min(requested, ScoringDatabase.MaxPageSize);
    }
}
