using System.Globalization;

namespace Scoring.Engine.Ahp;

/// <summary>Saaty's 1–9 judgment scale, his random consistency index and the acceptance threshold.</summary>
public static class SaatyScale
{
    /// <summary>The smallest judgment on the scale (1/9: "extremely less important").</summary>
    public const double Min = 1.0 / 9.0;

    /// <summary>The largest judgment on the scale (9: "extremely more important").</summary>
    public const double Max = 9.0;

    /// <summary>Relative tolerance for a judgment at the ends of the scale and for the diagonal's 1.</summary>
    public const double ScaleTolerance = 1e-9;

    /// <summary>Tolerance for a_ji · a_ij = 1; decimals like 0.333333 for 1/3 need six or more digits.</summary>
    public const double ReciprocalTolerance = 1e-6;

    /// <summary>A matrix whose consistency ratio reaches this (CR ≥ 0.10) is inconsistent.</summary>
    public const double ConsistencyThreshold = 0.10;

    /// <summary>The largest matrix order with a tabulated random index.</summary>
    public const int MaxOrder = 15;

    // Saaty's random index RI(n) for n = 1…15, as given in the domain notes.
    private static readonly double[] RandomIndices =
        [0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59];

    /// <summary>Saaty's random index RI(n), the mean CI of random reciprocal matrices of order n (1 ≤ n ≤ 15).</summary>
    public static double RandomIndex(int order)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(order, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(order, MaxOrder);
        return RandomIndices[order - 1];
    }

    /// <summary>Whether a value lies on the scale [1/9, 9], allowing <see cref="ScaleTolerance"/>.</summary>
    public static bool IsOnScale(double value) =>
        double.IsFinite(value)
        && value >= Min * (1 - ScaleTolerance)
        && value <= Max * (1 + ScaleTolerance);

    /// <summary>A judgment as people write it: "5", "1/3", otherwise a short decimal.</summary>
    public static string Format(double value)
    {
        if (!double.IsFinite(value) || value <= 0) return value.ToString(CultureInfo.InvariantCulture);
        var whole = Math.Round(value);
        if (Math.Abs(value - whole) <= 1e-9 * value) return whole.ToString(CultureInfo.InvariantCulture);
        var inverse = Math.Round(1 / value);
        if (inverse >= 2 && Math.Abs(1 / value - inverse) <= 1e-6 * inverse)
            return "1/" + inverse.ToString(CultureInfo.InvariantCulture);
        return value.ToString("0.####", CultureInfo.InvariantCulture);
    }
}
