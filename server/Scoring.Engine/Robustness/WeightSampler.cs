using System.Globalization;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;
using Scoring.Engine.Ahp;
using Scoring.Engine.Model;

namespace Scoring.Engine.Robustness;

/// <summary>
/// Draws a model version's weight vectors (issue 16): at every node (the element weights, and each element's
/// indicator weights) either the node's AHP judgments perturbed the way AHP-OS does, when the version was built from
/// judgments for it, or Dirichlet(α·w0) around the node's weights w0. Deterministic for a version and its settings.
/// </summary>
public static class WeightSampler
{
    /// <summary>A judgment-based draw is dropped when a combined matrix's CR exceeds this.</summary>
    public const double MaxConsistencyRatio = 0.1;

    /// <summary>How many attempts per wanted draw before giving up on more consistent ones.</summary>
    public const int AttemptsPerDraw = 50;

    /// <summary>
    /// Draws the weights of <paramref name="model"/>; <paramref name="judgments"/> are the AHP matrices the version was
    /// built from (empty for a weight-table version). Groups with judgments are perturbed; the others get Dirichlet draws.
    /// </summary>
    public static WeightDraws Draw(ScoringModel model, IReadOnlyList<PairwiseComparison> judgments)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(judgments);
        var settings = WeightDraws.SettingsOf(model);
        var seed = settings.Seed ?? DrawSeed.Of(model.Version);
        var random = new MersenneTwister(seed, threadSafe: false);
        var wanted = settings.Draws;
        var elements = model.Elements;
        var indicators = model.Indicators;

        // Node 0 is the element weights; node e + 1 is element e's indicator weights.
        var nodes = new List<Node> { new(ModelWeights.ElementsGroup, [.. elements.Select(e => e.Weight)], [.. elements.Select(e => e.Code)]) };
        nodes.AddRange(elements.Select(e => new Node(e.Code, [.. e.Indicators.Select(i => indicators[i].Weight)], [.. e.Indicators.Select(i => indicators[i].Code)])));
        var judged = new Dictionary<string, JudgedNode>(StringComparer.Ordinal);
        foreach (var group in judgments.GroupBy(j => j.Group, StringComparer.Ordinal))
            if (nodes.Any(n => n.Group == group.Key)) judged[group.Key] = new JudgedNode([.. group]);

        var elementWeights = elements.Select(_ => new double[wanted]).ToArray();
        var localWeights = indicators.Select(_ => new double[wanted]).ToArray();
        var draw = new double[nodes.Count][];
        var ratios = new double[judged.Count > 0 ? wanted : 0];
        int kept = 0, dropped = 0;
        for (var attempt = 0; kept < wanted && attempt < wanted * AttemptsPerDraw; attempt++)
        {
            var worst = 0.0;
            for (var k = 0; k < nodes.Count; k++)
            {
                var node = nodes[k];
                if (judged.TryGetValue(node.Group, out var j))
                {
                    var weighed = j.Perturbed(random);
                    worst = Math.Max(worst, weighed.ConsistencyRatio);
                    draw[k] = [.. node.Codes.Select(weighed.WeightOf)];
                }
                else draw[k] = Dirichlet(random, settings.Concentration, node.Weights);
            }
            if (worst > MaxConsistencyRatio)
            {
                dropped++;
                continue;
            }
            if (ratios.Length > 0) ratios[kept] = worst;
            for (var e = 0; e < elements.Length; e++)
            {
                elementWeights[e][kept] = draw[0][e];
                var members = elements[e].Indicators;
                for (var m = 0; m < members.Length; m++) localWeights[members[m]][kept] = draw[e + 1][m];
            }
            kept++;
        }
        if (kept < wanted)
        {
            elementWeights = [.. elementWeights.Select(w => w[..kept])];
            localWeights = [.. localWeights.Select(w => w[..kept])];
            if (ratios.Length > 0) ratios = ratios[..kept];
        }
        return new WeightDraws(model.Version, kept, elementWeights, localWeights, [.. indicators.Select(i => i.Element)],
            Describe(nodes, judged, settings.Concentration, kept, seed), seed, ratios, dropped);
    }

    /// <summary>One Dirichlet(α·w0) draw by normalised Gamma(α·w0ᵢ, 1) draws; a zero weight stays zero.</summary>
    public static double[] Dirichlet(Random random, double concentration, IReadOnlyList<double> weights)
    {
        var x = new double[weights.Count];
        var sum = 0.0;
        for (var i = 0; i < x.Length; i++)
            sum += x[i] = weights[i] > 0 ? Gamma.Sample(random, concentration * weights[i], 1) : 0;
        for (var i = 0; i < x.Length; i++) x[i] /= sum;
        return x;
    }

    /// <summary>
    /// A judgment moved on Saaty's scale by <paramref name="step"/>: positions run 1/9 … 1/2, 1, 2 … 9 as −8 … 0 … 8,
    /// so a judgment below 1 moves through its reciprocal; the result is capped at 9 (and 1/9).
    /// </summary>
    public static double MoveOnScale(double judgment, double step)
    {
        var position = judgment >= 1 ? judgment - 1 : 1 - 1 / judgment;
        position = Math.Clamp(position + step, -8, 8);
        return position >= 0 ? 1 + position : 1 / (1 - position);
    }

    private static string Describe(List<Node> nodes, Dictionary<string, JudgedNode> judged, double alpha, int count, int seed)
    {
        var inv = CultureInfo.InvariantCulture;
        var parts = new List<string>();
        if (judged.Count > 0)
            parts.Add("AHP-OS judgment perturbation " + string.Join(", ",
                judged.Select(j => string.Create(inv, $"{j.Key} d={j.Value.Step:0.###}"))) + ", draws with CR > 0.1 dropped");
        var dirichlet = nodes.Count(n => !judged.ContainsKey(n.Group));
        if (dirichlet > 0)
            parts.Add(string.Create(inv, $"Dirichlet(α·w0) α={alpha:0.###}") + (judged.Count > 0 ? $" at the {dirichlet} other nodes" : " at every node"));
        return string.Join("; ", parts) + string.Create(inv, $"; N={count}, seed={seed}");
    }

    private sealed record Node(string Group, double[] Weights, string[] Codes);

    // One group's expert matrices; each draw moves every judgment above the diagonal by −d, 0 or +d, d = 0.5/√K.
    private sealed class JudgedNode(PairwiseComparison[] matrices)
    {
        public double Step { get; } = 0.5 / Math.Sqrt(matrices.Length);

        public PairwisePriorities Perturbed(Random random)
        {
            var moved = new PairwiseComparison[matrices.Length];
            for (var k = 0; k < matrices.Length; k++)
            {
                var m = matrices[k];
                var n = m.Order;
                var values = new double[n * n];
                for (var i = 0; i < n; i++)
                {
                    values[i * n + i] = 1;
                    for (var j = i + 1; j < n; j++)
                    {
                        var a = MoveOnScale(m.Judgment(i, j), (random.Next(3) - 1) * Step);
                        values[i * n + j] = a;
                        values[j * n + i] = 1 / a;
                    }
                }
                moved[k] = m with { Values = [.. values] };
            }
            return PriorityDerivation.Derive(moved.Length == 1 ? moved[0] : JudgmentAggregation.GeometricMean(moved));
        }
    }
}
