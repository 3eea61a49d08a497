using System.Collections.Immutable;
using Scoring.Engine.Model;

namespace Scoring.Engine.Evaluation;

/// <summary>The two-stage identification: the veto stage, then the weighted score, classification and disposition.</summary>
public static class Evaluator
{
    /// <summary>
    /// Scores are compared with the threshold and the band edges with this slack, so that a parcel
    /// exactly at a line is not pushed across it by floating-point rounding of the weighted sum.
    /// </summary>
    public const double Tolerance = 1e-9;

    /// <summary>Evaluates a validated parcel with a model, with the full explanation.</summary>
    public static EvaluationResult Evaluate(ScoringModel model, ParcelVector parcel)
    {
        var card = new Scorecard(model);
        Score(parcel, card);
        return Explain(parcel, card);
    }

    /// <summary>
    /// Scores a validated parcel into <paramref name="card"/> (sized for the model): utilities,
    /// element scores and weights after missing data, score, completeness, vetoes, classification
    /// and disposition. Allocates nothing.
    /// </summary>
    public static void Score(ParcelVector parcel, Scorecard card)
    {
        var model = card.Model;
        var utilities = card.Utilities;
        var present = card.Present;
        var values = parcel.Values;
        var curves = model.CurvesFor(parcel.Level, parcel.Division);
        var localWeights = model.LocalWeights;
        var globalWeights = model.GlobalWeights;
        var categories = model.CategoryUtilities;
        var starts = model.ElementStarts;

        // One pass: utilities, element scores, and the weight that had data.
        var elements = model.Elements;
        var renormalize = model.MissingData == MissingDataPolicy.Renormalize;
        var elementWeightSum = 0.0;
        var completeness = 0.0;
        var anyElementMissing = false;
        for (var e = 0; e < elements.Length; e++)
        {
            double weighted = 0, weights = 0;
            var complete = true;
            for (var i = starts[e]; i < starts[e + 1]; i++)
            {
                var raw = values[i];
                if (double.IsNaN(raw))
                {
                    present[i] = false;
                    utilities[i] = 0;
                    complete = false;
                    continue;
                }
                var u = categories[i] is { } table ? table[(int)raw] : curves[i]!.Evaluate(raw);
                present[i] = true;
                utilities[i] = u;
                weights += localWeights[i];
                weighted += localWeights[i] * u;
                completeness += globalWeights[i];
            }
            card.PresentWeights[e] = weights;
            card.ElementMissing[e] = weights <= 0;
            card.ElementComplete[e] = complete;
            // Rescale only when something is missing: a complete element keeps the model's weights exactly.
            card.ElementScores[e] = renormalize && !complete ? (weights > 0 ? weighted / weights : 0) : weighted;
            if (!renormalize || !card.ElementMissing[e]) elementWeightSum += elements[e].Weight;
            else anyElementMissing = true;
        }

        var score = 0.0;
        for (var e = 0; e < elements.Length; e++)
        {
            var w = !renormalize || !anyElementMissing
                ? elements[e].Weight
                : card.ElementMissing[e] || elementWeightSum <= 0 ? 0 : elements[e].Weight / elementWeightSum;
            card.ElementWeights[e] = w;
            score += w * card.ElementScores[e];
        }

        bool failed = false, unknown = false;
        foreach (var answer in parcel.Vetoes)
        {
            failed |= answer == VetoAnswer.Failed;
            unknown |= answer == VetoAnswer.Unknown;
        }
        card.Score = Math.Clamp(score, 0, 1);
        card.Completeness = Math.Min(completeness, 1); // a full parcel's sum of weights may round a hair above 1
        card.AnyVetoFailed = failed;
        card.AnyVetoUnknown = unknown;
        card.Classification = Classify(model, card.Score, completeness, failed, unknown);
        card.Disposition = Dispose(card.Classification, parcel);
    }

    /// <summary>The full explanation of a scored parcel: every element, indicator, veto and the top shortfalls.</summary>
    public static EvaluationResult Explain(ParcelVector parcel, Scorecard card)
    {
        var model = card.Model;
        WeighIndicators(card);
        var elements = ImmutableArray.CreateBuilder<ElementResult>(model.Elements.Length);
        foreach (var el in model.Elements)
            elements.Add(new ElementResult(el.Code, el.Name, card.ElementWeights[el.Index], card.ElementScores[el.Index], card.ElementMissing[el.Index]));

        var indicators = ImmutableArray.CreateBuilder<IndicatorResult>(model.Indicators.Length);
        foreach (var ind in model.Indicators)
        {
            var i = ind.Index;
            var raw = parcel.Values[i];
            var weight = card.IndicatorWeights[i];
            indicators.Add(new IndicatorResult(
                ind.Code,
                card.Present[i] && !ind.IsCategorical ? raw : double.NaN,
                card.Present[i] && ind.IsCategorical ? ind.Categories!.Keys[(int)raw] : null,
                card.Utilities[i], weight, weight * card.Utilities[i], ind.GlobalWeight, !card.Present[i]));
        }

        var failed = ImmutableArray.CreateBuilder<string>();
        var unknown = ImmutableArray.CreateBuilder<string>();
        foreach (var veto in model.Vetoes)
        {
            switch (parcel.Vetoes[veto.Index])
            {
                case VetoAnswer.Failed: failed.Add(veto.Code); break;
                case VetoAnswer.Unknown: unknown.Add(veto.Code); break;
            }
        }

        var indicatorArray = indicators.MoveToImmutable();
        return new EvaluationResult
        {
            ParcelId = parcel.ParcelId,
            ModelVersion = model.Version,
            Score = card.Score,
            Classification = card.Classification,
            Disposition = card.Disposition,
            Completeness = card.Completeness,
            Level = parcel.Level,
            AreaMu = parcel.AreaMu,
            Elements = elements.MoveToImmutable(),
            Indicators = indicatorArray,
            FailedVetoes = failed.ToImmutable(),
            UnknownVetoes = unknown.ToImmutable(),
            TopShortfalls = Shortfalls(model, card.Utilities, card.IndicatorWeights),
        };
    }

    // Each indicator's global weight after renormalisation; only explanations need it.
    private static void WeighIndicators(Scorecard card)
    {
        var model = card.Model;
        var renormalize = model.MissingData == MissingDataPolicy.Renormalize;
        foreach (var ind in model.Indicators)
        {
            var (i, e) = (ind.Index, ind.Element);
            card.IndicatorWeights[i] = !renormalize || card.ElementComplete[e]
                ? card.ElementWeights[e] * ind.Weight
                : card.Present[i] ? card.ElementWeights[e] * ind.Weight / card.PresentWeights[e] : 0;
        }
    }

    /// <summary>The classification rules of domain.md, first match wins.</summary>
    public static Classification Classify(ScoringModel model, double score, double completeness, bool anyVetoFailed, bool anyVetoUnknown)
    {
        if (anyVetoFailed) return Classification.InefficientVeto;
        if (completeness < model.MinCompleteness - Tolerance) return Classification.InsufficientData;
        if (score < model.Threshold - Tolerance) return Classification.InefficientScore;
        if (score < model.Threshold + model.ReviewBand - Tolerance || anyVetoUnknown) return Classification.Review;
        return Classification.Efficient;
    }

    /// <summary>The disposition rules of domain.md, first match wins.</summary>
    public static Disposition Dispose(Classification classification, ParcelVector parcel)
    {
        if (parcel.RedevelopmentUnderway) return Disposition.RedevelopmentUnderway;
        if (parcel.InEcologicalRedLine) return Disposition.EcologicalClearance;
        if (parcel.LocallyReported) return Disposition.LocallyReported;
        if (classification.IsInefficient()) return Disposition.IdentifiedInefficient;
        return Disposition.Retained;
    }

    /// <summary>
    /// The indicators that cost a scored parcel most, largest gap first: the <see cref="EvaluationResult.TopShortfalls"/>
    /// of its explanation, without making the rest of it.
    /// </summary>
    public static ImmutableArray<Shortfall> TopShortfalls(Scorecard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        WeighIndicators(card);
        return Shortfalls(card.Model, card.Utilities, card.IndicatorWeights);
    }

    private static ImmutableArray<Shortfall> Shortfalls(ScoringModel model, double[] utilities, double[] weights)
    {
        var count = model.Document.TopShortfalls;
        if (count == 0) return [];
        // Keep the largest gaps in a small sorted buffer: ties keep model order.
        var top = new List<(double Gap, int Index)>(count + 1);
        for (var i = 0; i < utilities.Length; i++)
        {
            var gap = (1 - utilities[i]) * weights[i];
            if (gap <= Tolerance || (top.Count == count && gap <= top[^1].Gap)) continue;
            var at = top.Count;
            while (at > 0 && top[at - 1].Gap < gap) at--;
            top.Insert(at, (gap, i));
            if (top.Count > count) top.RemoveAt(count);
        }
        return [.. top.Select(t => new Shortfall(model.Indicators[t.Index].Code, model.Indicators[t.Index].Name, t.Gap, utilities[t.Index]))];
    }
}
