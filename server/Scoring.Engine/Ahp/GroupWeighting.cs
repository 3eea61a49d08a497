using System.Collections.Immutable;

namespace Scoring.Engine.Ahp;

/// <summary>
/// The weights of one group from its experts' judgment matrices: the combined (geometric-mean)
/// matrix's priorities and consistency, and each expert's own.
/// </summary>
/// <param name="Combined">The priorities of the combined matrix (the only matrix, when one expert judged).</param>
/// <param name="Experts">Each expert's own priorities and consistency, in the order given.</param>
public sealed record GroupWeights(PairwisePriorities Combined, ImmutableArray<PairwisePriorities> Experts)
{
    /// <summary><c>elements</c>, or the element code whose indicators are weighed.</summary>
    public string Group => Combined.Group;

    /// <summary>The items, in the first expert's order.</summary>
    public ImmutableArray<string> Items => Combined.Items;

    /// <summary>The weights of <see cref="Items"/>, summing to 1.</summary>
    public ImmutableArray<double> Weights => Combined.Weights;

    /// <summary>λmax of the combined matrix.</summary>
    public double LambdaMax => Combined.LambdaMax;

    /// <summary>CI of the combined matrix.</summary>
    public double ConsistencyIndex => Combined.ConsistencyIndex;

    /// <summary>CR of the combined matrix.</summary>
    public double ConsistencyRatio => Combined.ConsistencyRatio;

    /// <summary>Whether the combined matrix's CR is below <see cref="SaatyScale.ConsistencyThreshold"/> (0.10).</summary>
    public bool IsConsistent => Combined.IsConsistent;

    /// <summary>When the combined matrix is inconsistent, its judgment that departs most from the weights.</summary>
    public WorstJudgment? WorstJudgment => Combined.WorstJudgment;

    /// <summary>
    /// For an inconsistent combined matrix, the error that refuses it, naming the worst judgment's
    /// cell; null when consistent.
    /// </summary>
    public JudgmentError? InconsistencyError => Combined.InconsistencyError;

    /// <summary>The weight of one item.</summary>
    public double WeightOf(string item) => Combined.WeightOf(item);
}

/// <summary>Weighs a group from one or more experts' judgment matrices (AHP with AIJ aggregation).</summary>
public static class GroupWeighting
{
    /// <summary>
    /// Validates the matrices (against <paramref name="expectedItems"/> when given), combines them by
    /// geometric mean and derives the group's weights and consistency, plus each expert's. Throws
    /// <see cref="InvalidJudgmentException"/> listing every problem. An inconsistent result is
    /// returned, not thrown: check <see cref="GroupWeights.IsConsistent"/> and refuse it with
    /// <see cref="GroupWeights.InconsistencyError"/>.
    /// </summary>
    public static GroupWeights Weigh(IReadOnlyList<PairwiseComparison> matrices, IEnumerable<string>? expectedItems = null)
    {
        JudgmentValidation.ThrowIfAny(JudgmentValidation.Validate(matrices, expectedItems), nameof(matrices));
        var experts = matrices.Select(PriorityDerivation.Derive).ToImmutableArray();
        var combined = matrices.Count == 1
            ? experts[0]
            : PriorityDerivation.Derive(JudgmentAggregation.GeometricMean(matrices));
        return new GroupWeights(combined, experts);
    }
}
