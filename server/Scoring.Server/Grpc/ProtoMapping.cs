using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using Scoring.V1;

namespace Scoring.Server.Grpc;

/// <summary>Maps contract messages to engine values and back; nothing else happens here.</summary>
internal static class ProtoMapping
{
    /// <summary>The parcel's data as the engine reads it (the proto maps are used as they are, not copied).</summary>
    public static ParcelFacts ToFacts(this ParcelInput p) => new()
    {
        ParcelId = p.ParcelId,
        Level = (int)p.Level,
        AreaMu = p.AreaMu,
        Indicators = p.Indicators,
        Categories = p.Categories,
        Vetoes = p.Vetoes,
        IndustryCode = p.IndustryCode,
        InsideDevelopmentBoundary = p.HasInsideDevelopmentBoundary ? p.InsideDevelopmentBoundary : null,
        InEcologicalRedLine = p.HasInEcologicalRedLine ? p.InEcologicalRedLine : null,
        RedevelopmentUnderway = p.HasRedevelopmentUnderway ? p.RedevelopmentUnderway : null,
        LocallyReported = p.HasLocallyReported ? p.LocallyReported : null,
    };

    /// <summary>The contract's Evaluation; <paramref name="full"/> adds indicators and shortfalls.</summary>
    public static Evaluation ToProto(this EvaluationResult r, ScoringModel model, bool full, Action<IndicatorScore>? describe = null)
    {
        var e = Header(r.Verdict);
        e.FailedVetoes.Add(r.FailedVetoes);
        e.UnknownVetoes.Add(r.UnknownVetoes);
        // The basic view leaves names out (they are in the model): it is the bulk of a batch's bytes otherwise.
        foreach (var el in r.Elements)
            e.Elements.Add(new ElementScore { Code = el.Code, Name = full ? el.Name : "", Weight = el.Weight, Score = el.Score, Missing = el.Missing });
        if (!full) return e;

        AddIndicators(e, r, model, describe);
        foreach (var s in r.TopShortfalls)
            e.TopShortfalls.Add(new V1.Shortfall { Code = s.Code, Name = s.Name, Gap = s.Gap, Utility = s.Utility });
        return e;
    }

    /// <summary>The headline fields of an Evaluation: who, which model, score, classes, completeness, level, area.</summary>
    public static Evaluation Header(Verdict v) => new()
    {
        ParcelId = v.ParcelId,
        ModelVersion = v.ModelVersion,
        Score = v.Score,
        Classification = (V1.Classification)(int)v.Classification,
        Disposition = (V1.Disposition)(int)v.Disposition,
        Completeness = v.Completeness,
        Level = (Level)(int)v.Level,
        AreaMu = v.AreaMu,
    };

    private static void AddIndicators(Evaluation e, EvaluationResult r, ScoringModel model, Action<IndicatorScore>? describe)
    {
        for (var i = 0; i < r.Indicators.Length; i++)
        {
            var x = r.Indicators[i];
            var def = model.Indicators[i];
            var s = new IndicatorScore
            {
                Code = x.Code,
                Name = def.Name,
                Element = model.Elements[def.Element].Code,
                Utility = x.Utility,
                Weight = x.Weight,
                Contribution = x.Contribution,
                ModelWeight = x.ModelWeight,
                Missing = x.Missing,
                Category = x.Category ?? "",
            };
            if (!double.IsNaN(x.Value)) s.Value = x.Value;
            if (!x.Missing)
            {
                s.Origin = ValueOrigin.Inline;
                describe?.Invoke(s);
            }
            e.Indicators.Add(s);
        }
    }
}
