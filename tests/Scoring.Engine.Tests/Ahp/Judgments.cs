using System.Collections.Immutable;
using Scoring.Engine.Ahp;

namespace Scoring.Engine.Tests.Ahp;

/// <summary>Builds judgment matrices for tests from rows as they are printed in the sources.</summary>
internal static class Judgments
{
    public static PairwiseComparison Matrix(string group, string[] items, double[][] rows, string expert = "") =>
        new(group, [.. items], [.. rows.SelectMany(r => r)], expert);

    /// <summary>The perfectly consistent matrix a_ij = w_i / w_j of the given weights.</summary>
    public static PairwiseComparison Consistent(string group, double[] weights, string expert = "")
    {
        var items = Enumerable.Range(1, weights.Length).Select(i => $"i{i}").ToArray();
        return Matrix(group, items, [.. weights.Select(wi => weights.Select(wj => wi / wj).ToArray())], expert);
    }

    /// <summary>The 2×2 matrix with one judgment a = [x, y].</summary>
    public static PairwiseComparison Pair(string group, string x, string y, double a, string expert = "") =>
        Matrix(group, [x, y], [[1, a], [1 / a, 1]], expert);

    public static void AllClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tolerance)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance,
                $"[{i}]: expected {expected[i]} ± {tolerance}, got {actual[i]}");
    }

    public static void Close(double expected, double actual, double tolerance) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"expected {expected} ± {tolerance}, got {actual}");

    public static ImmutableArray<double> Normalised(params double[] w) => [.. w.Select(x => x / w.Sum())];
}
