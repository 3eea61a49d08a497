using System.Collections.Immutable;
using MathNet.Numerics.LinearAlgebra;

namespace Scoring.Engine.Ahp;

/// <summary>
/// Saaty's eigenvector method: the weights of a judgment matrix are its normalised principal
/// eigenvector, and λmax measures how consistent the judgments are.
/// </summary>
public static class PriorityDerivation
{
    // Departures within this relative margin count as a tie; the first cell in row order wins.
    private const double TieTolerance = 1e-9;

    /// <summary>
    /// Derives the weights, λmax, CI, CR and (when CR ≥ 0.10) the worst judgment of one matrix; throws
    /// <see cref="InvalidJudgmentException"/> listing every problem if the matrix is not valid.
    /// </summary>
    public static PairwisePriorities Derive(PairwiseComparison matrix)
    {
        JudgmentValidation.ThrowIfAny(JudgmentValidation.Validate(matrix), nameof(matrix));
        var n = matrix.Order;
        var (weights, lambdaMax) = n switch
        {
            1 => ([1.0], 1.0),
            // With one judgment a the weights are exactly a : 1 and the matrix is consistent.
            2 => ([matrix.Judgment(0, 1) / (matrix.Judgment(0, 1) + 1), 1 / (matrix.Judgment(0, 1) + 1)], 2.0),
            _ => PrincipalEigenvector(matrix),
        };

        // λmax ≥ n for every positive reciprocal matrix; a hair below n is round-off.
        var ci = n <= 2 ? 0 : Math.Max(0, (lambdaMax - n) / (n - 1));
        var ri = SaatyScale.RandomIndex(n);
        var cr = ri == 0 ? 0 : ci / ri;
        var worst = cr >= SaatyScale.ConsistencyThreshold ? FindWorstJudgment(matrix, weights) : null;
        return new PairwisePriorities(matrix.Group, matrix.Expert ?? "", matrix.Items, [.. weights], lambdaMax, ci, cr, worst);
    }

    /// <summary>
    /// The judgment a_ij (i ≠ j) that departs most from the weights, by max(a_ij·w_j/w_i, w_i/(a_ij·w_j));
    /// of the two mirror cells the one above the diagonal is named.
    /// </summary>
    public static WorstJudgment FindWorstJudgment(PairwiseComparison matrix, IReadOnlyList<double> weights)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(weights);
        var n = matrix.Order;
        if (n < 2) throw new ArgumentException("a matrix of one item has no judgment to name", nameof(matrix));
        if (weights.Count != n) throw new ArgumentException($"{weights.Count} weights for {n} items", nameof(weights));
        int bestI = 0, bestJ = 1;
        var best = double.NegativeInfinity;
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                var ratio = matrix.Judgment(i, j) * weights[j] / weights[i];
                var departure = Math.Max(ratio, 1 / ratio);
                if (departure > best * (1 + TieTolerance)) (best, bestI, bestJ) = (departure, i, j);
            }
        }
        return new WorstJudgment(
            matrix.Items[bestI], matrix.Items[bestJ], bestI + 1, bestJ + 1,
            matrix.Judgment(bestI, bestJ), weights[bestI] / weights[bestJ]);
    }

    private static (double[] Weights, double LambdaMax) PrincipalEigenvector(PairwiseComparison matrix)
    {
        var n = matrix.Order;
        var a = Matrix<double>.Build.DenseOfRowMajor(n, n, matrix.Values.ToArray());
        var evd = a.Evd(Symmetricity.Asymmetric);

        // The Perron root is real and has the largest real part of all eigenvalues (|λ| ≤ λmax).
        var k = 0;
        for (var i = 1; i < n; i++)
            if (evd.EigenValues[i].Real > evd.EigenValues[k].Real) k = i;
        var lambdaMax = evd.EigenValues[k].Real;

        // For a real eigenvalue, its column of the (real) eigenvector matrix is the eigenvector.
        var v = evd.EigenVectors.Column(k);
        var sum = v.Sum();
        var weights = v.Select(x => x / sum).ToArray();
        if (weights.Any(w => !(w > 0)))
            throw new InvalidOperationException($"group '{matrix.Group}': the principal eigenvector is not positive; the matrix is not a positive reciprocal matrix");
        return (weights, lambdaMax);
    }
}
