using Scoring.Engine.Model;

namespace Scoring.Engine.Robustness;

/// <summary>
/// The weight vectors drawn once for one model version: per draw, every element weight and every indicator's weight
/// inside its element, and their product (the global weight). Laid out weight by weight, draw after draw, so that one
/// weight of a block of consecutive draws is one contiguous run: what the vectorised scoring reads.
/// </summary>
public sealed class WeightDraws
{
    /// <summary>The fewest draws a model may ask for.</summary>
    public const int MinCount = 1_000;

    /// <summary>The most draws a model may ask for.</summary>
    public const int MaxCount = 200_000;

    internal WeightDraws(string version, int count, double[][] elementWeights, double[][] localWeights, int[] elementOf, string method, int seed,
        double[] consistencyRatios, int dropped)
    {
        Version = version;
        Count = count;
        ElementWeights = elementWeights;
        LocalWeights = localWeights;
        Method = method;
        Seed = seed;
        ConsistencyRatios = consistencyRatios;
        Dropped = dropped;
        GlobalWeights = new double[localWeights.Length][];
        for (var i = 0; i < localWeights.Length; i++)
        {
            var (g, l, w) = (new double[count], localWeights[i], elementWeights[elementOf[i]]);
            for (var n = 0; n < count; n++) g[n] = w[n] * l[n];
            GlobalWeights[i] = g;
        }
    }

    /// <summary>The model version the draws belong to.</summary>
    public string Version { get; }

    /// <summary>How many weight vectors were kept.</summary>
    public int Count { get; }

    /// <summary>The seed the draws were made with.</summary>
    public int Seed { get; }

    /// <summary>The noise model, its parameter, N and the seed, as one short text.</summary>
    public string Method { get; }

    /// <summary>
    /// Per kept draw, the largest CR of its perturbed combined judgment matrices; empty for a version without judgments.
    /// </summary>
    public IReadOnlyList<double> ConsistencyRatios { get; }

    /// <summary>How many judgment-based draws were dropped for a CR above <see cref="WeightSampler.MaxConsistencyRatio"/>.</summary>
    public int Dropped { get; }

    /// <summary>[element][draw]: the element weights, each draw's summing to 1.</summary>
    internal double[][] ElementWeights { get; }

    /// <summary>[indicator][draw]: each indicator's weight inside its element, each element's summing to 1 per draw.</summary>
    internal double[][] LocalWeights { get; }

    /// <summary>[indicator][draw]: element weight × indicator weight.</summary>
    internal double[][] GlobalWeights { get; }

    /// <summary>The global weights of one draw, in model order (for checks and reference computations).</summary>
    public double[] GlobalWeightsOf(int draw)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(draw);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(draw, Count);
        return [.. GlobalWeights.Select(g => g[draw])];
    }

    /// <summary>The element weights of one draw, in model order.</summary>
    public double[] ElementWeightsOf(int draw)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(draw);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(draw, Count);
        return [.. ElementWeights.Select(w => w[draw])];
    }

    /// <summary>The settings a model's document gives (the defaults when it has no <c>robustness</c> section).</summary>
    public static RobustnessDocument SettingsOf(ScoringModel model) => model.Document.Robustness ?? new RobustnessDocument();
}
