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

    /// <summary>Evaluates a validated parcel with a model.</summary>
    public static EvaluationResult Evaluate(ScoringModel model, ParcelVector parcel)
    {
        var indicators = model.Indicators;
        var utilities = new double[indicators.Length];
        var present = new bool[indicators.Length];
        for (var i = 0; i < indicators.Length; i++)
        {
            var raw = parcel.Values[i];
            if (double.IsNaN(raw)) continue;
            present[i] = true;
            var ind = indicators[i];
            utilities[i] = ind.IsCategorical
                ? ind.Categories!.UtilityOf((int)raw)
                : model.CurveFor(ind, parcel.Level, parcel.Division).Evaluate(raw);
        }

        // Element scores and the weights that remain after missing data.
        var elements = model.Elements;
        var renormalize = model.MissingData == MissingDataPolicy.Renormalize;
        var elementScores = new double[elements.Length];
        var elementMissing = new bool[elements.Length];
        var presentWeight = new double[elements.Length]; // Σ local weights of present indicators
        var elementWeightSum = 0.0;
        var completeness = 0.0;
        for (var e = 0; e < elements.Length; e++)
        {
            double weighted = 0, weights = 0;
            foreach (var i in elements[e].Indicators)
            {
                if (!present[i]) continue;
                weights += indicators[i].Weight;
                weighted += indicators[i].Weight * utilities[i];
                completeness += indicators[i].GlobalWeight;
            }
            presentWeight[e] = weights;
            elementMissing[e] = weights <= 0;
            elementScores[e] = renormalize ? (weights > 0 ? weighted / weights : 0) : weighted;
            if (!renormalize || !elementMissing[e]) elementWeightSum += elements[e].Weight;
        }

        var score = 0.0;
        var elementResults = ImmutableArray.CreateBuilder<ElementResult>(elements.Length);
        var elementWeights = new double[elements.Length];
        for (var e = 0; e < elements.Length; e++)
        {
            var w = renormalize
                ? (elementMissing[e] || elementWeightSum <= 0 ? 0 : elements[e].Weight / elementWeightSum)
                : elements[e].Weight;
            elementWeights[e] = w;
            score += w * elementScores[e];
            elementResults.Add(new ElementResult(elements[e].Code, elements[e].Name, w, elementScores[e], elementMissing[e]));
        }
        score = Math.Clamp(score, 0, 1);

        var indicatorResults = ImmutableArray.CreateBuilder<IndicatorResult>(indicators.Length);
        for (var i = 0; i < indicators.Length; i++)
        {
            var ind = indicators[i];
            var e = ind.Element;
            double weight = renormalize
                ? (present[i] ? elementWeights[e] * ind.Weight / presentWeight[e] : 0)
                : elementWeights[e] * ind.Weight;
            var raw = parcel.Values[i];
            indicatorResults.Add(new IndicatorResult(
                ind.Code,
                present[i] && !ind.IsCategorical ? raw : double.NaN,
                present[i] && ind.IsCategorical ? ind.Categories!.Keys[(int)raw] : null,
                utilities[i], weight, weight * utilities[i], ind.GlobalWeight, !present[i]));
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

        var classification = Classify(model, score, completeness, failed.Count > 0, unknown.Count > 0);
        var indicatorArray = indicatorResults.MoveToImmutable();
        return new EvaluationResult
        {
            ParcelId = parcel.ParcelId,
            ModelVersion = model.Version,
            Score = score,
            Classification = classification,
            Disposition = Dispose(classification, parcel),
            Completeness = completeness,
            Level = parcel.Level,
            AreaMu = parcel.AreaMu,
            Elements = elementResults.MoveToImmutable(),
            Indicators = indicatorArray,
            FailedVetoes = failed.ToImmutable(),
            UnknownVetoes = unknown.ToImmutable(),
            TopShortfalls = Shortfalls(model, indicatorArray),
        };
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
        if (classification is Classification.InefficientVeto or Classification.InefficientScore) return Disposition.IdentifiedInefficient;
        return Disposition.Retained;
    }

    private static ImmutableArray<Shortfall> Shortfalls(ScoringModel model, ImmutableArray<IndicatorResult> results)
    {
        var count = model.Document.TopShortfalls;
        if (count == 0) return [];
        return [.. results
            .Select((r, i) => (r, i, gap: (1 - r.Utility) * r.Weight))
            .Where(x => x.gap > Tolerance)
            .OrderByDescending(x => x.gap).ThenBy(x => x.i)
            .Take(count)
            .Select(x => new Shortfall(x.r.Code, model.Indicators[x.i].Name, x.gap, x.r.Utility))];
    }
}
