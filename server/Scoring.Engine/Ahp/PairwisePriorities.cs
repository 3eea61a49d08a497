using System.Collections.Immutable;
using System.Globalization;

namespace Scoring.Engine.Ahp;

/// <summary>The judgment that departs most from the weights derived from its matrix.</summary>
/// <param name="RowItem">The item of the judgment's row.</param>
/// <param name="ColumnItem">The item of the judgment's column.</param>
/// <param name="RowNumber">1-based row of the cell.</param>
/// <param name="ColumnNumber">1-based column of the cell.</param>
/// <param name="Given">The judgment a_ij as given.</param>
/// <param name="Implied">The ratio w_i / w_j that the derived weights imply for that cell.</param>
public sealed record WorstJudgment(
    string RowItem,
    string ColumnItem,
    int RowNumber,
    int ColumnNumber,
    double Given,
    double Implied)
{
    /// <summary>How far the judgment is from the implied ratio, as a factor ≥ 1: max(a/r, r/a).</summary>
    public double Departure => Math.Max(Given / Implied, Implied / Given);
}

/// <summary>
/// What one judgment matrix yields: the priority vector (weights summing to 1, in the matrix's item
/// order), the principal eigenvalue λmax, CI, CR and, when inconsistent, the worst judgment.
/// </summary>
/// <param name="Group">The group the matrix weighs.</param>
/// <param name="Expert">Whose judgments these are; the combined matrix of a group is named <see cref="JudgmentAggregation.CombinedExpert"/>.</param>
/// <param name="Items">The items, in the matrix's order.</param>
/// <param name="Weights">The normalised principal eigenvector, one weight per item.</param>
/// <param name="LambdaMax">The principal eigenvalue λmax (n for a perfectly consistent matrix).</param>
/// <param name="ConsistencyIndex">CI = (λmax − n)/(n − 1); 0 for n ≤ 2.</param>
/// <param name="ConsistencyRatio">CR = CI / RI(n); 0 where RI(n) = 0.</param>
/// <param name="WorstJudgment">When inconsistent, the judgment that departs most from the weights; otherwise null.</param>
public sealed record PairwisePriorities(
    string Group,
    string Expert,
    ImmutableArray<string> Items,
    ImmutableArray<double> Weights,
    double LambdaMax,
    double ConsistencyIndex,
    double ConsistencyRatio,
    WorstJudgment? WorstJudgment)
{
    /// <summary>Whether CR is below <see cref="SaatyScale.ConsistencyThreshold"/> (0.10).</summary>
    public bool IsConsistent => ConsistencyRatio < SaatyScale.ConsistencyThreshold;

    /// <summary>The weight of one item.</summary>
    public double WeightOf(string item)
    {
        var i = Items.IndexOf(item, StringComparer.Ordinal);
        return i >= 0 ? Weights[i] : throw new ArgumentException($"'{item}' is not an item of group '{Group}'", nameof(item));
    }

    /// <summary>
    /// For an inconsistent matrix, an error naming the group and the worst judgment's cell, for
    /// refusing it; null when the matrix is consistent.
    /// </summary>
    public JudgmentError? InconsistencyError => WorstJudgment is not { } worst
        ? null
        : new JudgmentError(
            Group, worst.RowItem, worst.ColumnItem,
            string.Create(CultureInfo.InvariantCulture,
                $"inconsistent judgments: CR = {ConsistencyRatio:0.000} ≥ {SaatyScale.ConsistencyThreshold:0.00}; ") +
            $"this judgment departs most from the derived weights: given {SaatyScale.Format(worst.Given)}, " +
            string.Create(CultureInfo.InvariantCulture, $"the weights imply {worst.Implied:0.###}"),
            Expert, worst.RowNumber, worst.ColumnNumber);
}
