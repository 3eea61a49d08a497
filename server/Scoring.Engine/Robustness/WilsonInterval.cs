namespace Scoring.Engine.Robustness;

/// <summary>The Wilson score interval of a binomial proportion.</summary>
public static class WilsonInterval
{
    /// <summary>z of a two-sided 95 % interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>The 95 % interval of <paramref name="successes"/> out of <paramref name="trials"/> (trials &gt; 0).</summary>
    public static (double Low, double High) Of(int successes, int trials)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, trials);
        double n = trials, p = successes / n, z2 = Z95 * Z95;
        var denominator = 1 + z2 / n;
        var centre = (p + z2 / (2 * n)) / denominator;
        var half = Z95 / denominator * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>Whether an interval decides the verdict: entirely above 0.95 or entirely below 0.05.</summary>
    public static bool IsDecisive(double low, double high) => low > 0.95 || high < 0.05;
}
