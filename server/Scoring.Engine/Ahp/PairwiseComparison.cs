using System.Collections.Immutable;

namespace Scoring.Engine.Ahp;

/// <summary>
/// One expert's pairwise comparison (judgment) matrix for one group: <see cref="Values"/> is row-major
/// n×n over <see cref="Items"/>, where the value at row i, column j says how much more important item i
/// is than item j on Saaty's 1–9 scale.
/// </summary>
/// <param name="Group"><c>elements</c> for element weights, or an element code for its indicators.</param>
/// <param name="Items">The compared element or indicator codes, in row (and column) order.</param>
/// <param name="Values">The n×n judgments, row-major.</param>
/// <param name="Expert">Who gave the judgments; may be empty.</param>
public sealed record PairwiseComparison(
    string Group,
    ImmutableArray<string> Items,
    ImmutableArray<double> Values,
    string Expert = "")
{
    /// <summary>The number of compared items, n.</summary>
    public int Order => Items.IsDefault ? 0 : Items.Length;

    /// <summary>The judgment of item <paramref name="row"/> over item <paramref name="column"/> (zero-based).</summary>
    public double Judgment(int row, int column) => Values[row * Order + column];
}
