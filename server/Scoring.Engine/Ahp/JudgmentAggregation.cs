using System.Collections.Immutable;

namespace Scoring.Engine.Ahp;

/// <summary>
/// Combines several experts' judgment matrices for one group into one by the element-wise geometric
/// mean (aggregation of individual judgments, AIJ), which keeps the result reciprocal.
/// </summary>
public static class JudgmentAggregation
{
    /// <summary>The expert name given to a group's combined matrix.</summary>
    public const string CombinedExpert = "combined";

    /// <summary>
    /// The element-wise geometric mean of valid matrices of one group, over the first matrix's item
    /// order (the others are reordered to it); throws <see cref="InvalidJudgmentException"/> when the
    /// matrices are invalid or compare different items. A single matrix is returned as it is.
    /// </summary>
    public static PairwiseComparison GeometricMean(IReadOnlyList<PairwiseComparison> matrices)
    {
        JudgmentValidation.ThrowIfAny(JudgmentValidation.Validate(matrices), nameof(matrices));
        var first = matrices[0];
        if (matrices.Count == 1) return first;

        var items = first.Items;
        var n = items.Length;
        var logSums = new double[n * n];
        foreach (var m in matrices)
        {
            // Position of each of the first matrix's items in this expert's order.
            var at = items.Select(code => m.Items.IndexOf(code, StringComparer.Ordinal)).ToArray();
            for (var i = 0; i < n; i++)
                for (var j = 0; j < n; j++)
                    logSums[i * n + j] += Math.Log(m.Judgment(at[i], at[j]));
        }
        var values = ImmutableArray.CreateBuilder<double>(n * n);
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
                // The diagonal stays exactly 1; below it, the exact reciprocal of the mirror cell.
                values.Add(i == j ? 1 : i < j ? Math.Exp(logSums[i * n + j] / matrices.Count) : 1 / values[j * n + i]);
        return new PairwiseComparison(first.Group, items, values.MoveToImmutable(), CombinedExpert);
    }
}
