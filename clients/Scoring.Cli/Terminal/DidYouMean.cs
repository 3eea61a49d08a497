namespace Scoring.Cli.Terminal;

/// <summary>The known word closest to a mistyped one (a column, a subcommand, an option), if any is close enough.</summary>
internal static class DidYouMean
{
    /// <summary>
    /// The candidate at the smallest edit distance from <paramref name="word"/> (case ignored), when that distance is
    /// at most 2 and under half the word's length; null when nothing is that close.
    /// </summary>
    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        var typed = word.Trim().ToLowerInvariant();
        if (typed.Length == 0) return null;
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(typed, candidate.ToLowerInvariant());
            if (distance == 0 || distance >= bestDistance) continue;
            best = candidate;
            bestDistance = distance;
        }
        return bestDistance <= 2 && bestDistance * 2 < typed.Length ? best : null;
    }

    // Levenshtein distance, counting a swap of two neighbouring letters as one edit ("modle" → "model").
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
