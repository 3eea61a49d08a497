using Scoring.Engine.Evaluation;

namespace Scoring.Engine.Robustness;

/// <summary>The element whose weight, moved least, carries the score onto the threshold; Δ* is signed, a weight fraction.</summary>
/// <param name="ElementIndex">The element's index in the model; -1 when no element's weight can flip the verdict.</param>
/// <param name="WeightChange">Δ*: the change of that element's weight (the others rescaled proportionally); NaN when none.</param>
public readonly record struct FlipPoint(int ElementIndex, double WeightChange)
{
    /// <summary>
    /// Closed form: raising W_g by Δ and rescaling the others by (1 − W_g − Δ)/(1 − W_g) moves the score to
    /// S + Δ·(s_g − R_g), with R_g = (S − W_g·s_g)/(1 − W_g); so Δ*_g = (τ − S)/(s_g − R_g), feasible when
    /// s_g ≠ R_g and 0 ≤ W_g + Δ*_g ≤ 1. The smallest feasible |Δ*_g| wins; an element without data is not moved.
    /// </summary>
    public static FlipPoint Of(Scorecard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        var weights = card.ElementWeights;
        var scores = card.ElementScores;
        var score = 0.0;
        for (var e = 0; e < weights.Length; e++) score += weights[e] * scores[e];
        return Of(weights, scores, score, card.Model.Threshold, card.ElementMissing);
    }

    /// <summary>The same, from element weights and scores, the score S and the threshold τ.</summary>
    public static FlipPoint Of(IReadOnlyList<double> weights, IReadOnlyList<double> scores, double score, double threshold, IReadOnlyList<bool>? missing = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(scores);
        var best = new FlipPoint(-1, double.NaN);
        for (var g = 0; g < weights.Count; g++)
        {
            var w = weights[g];
            if (missing?[g] == true || w >= 1) continue;
            var rest = (score - w * scores[g]) / (1 - w);
            var slope = scores[g] - rest;
            if (Math.Abs(slope) < 1e-12) continue;
            var delta = (threshold - score) / slope;
            if (w + delta < 0 || w + delta > 1) continue;
            if (best.ElementIndex < 0 || Math.Abs(delta) < Math.Abs(best.WeightChange)) best = new FlipPoint(g, delta);
        }
        return best;
    }

    /// <summary>The score when element <paramref name="g"/>'s weight moves by <paramref name="delta"/>, the others rescaled proportionally.</summary>
    public static double ScoreWith(IReadOnlyList<double> weights, IReadOnlyList<double> scores, int g, double delta)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(scores);
        var scale = (1 - weights[g] - delta) / (1 - weights[g]);
        var total = 0.0;
        for (var e = 0; e < weights.Count; e++) total += (e == g ? weights[e] + delta : weights[e] * scale) * scores[e];
        return total;
    }
}
