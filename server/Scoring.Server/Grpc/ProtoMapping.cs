using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using Scoring.Server.Identification;
using Scoring.V1;
using EngineOrigin = Scoring.Engine.Evaluation.ValueOrigin;
using EngineVetoAnswer = Scoring.Engine.Evaluation.VetoAnswer;

namespace Scoring.Server.Grpc;

/// <summary>Maps contract messages to engine values and back; nothing else happens here.</summary>
internal static class ProtoMapping
{
    /// <summary>A map-form parcel as engine facts (the proto maps are used as they are, not copied).</summary>
    public static ParcelFacts ToFacts(this ParcelInput p) => new()
    {
        ParcelId = p.ParcelId,
        Level = (int)p.Level,
        AreaMu = p.AreaMu,
        Indicators = p.Indicators,
        Categories = p.Categories,
        Vetoes = p.Vetoes,
        IndustryCode = p.IndustryCode,
        UnitId = p.UnitId,
        Street = p.Street,
        InsideDevelopmentBoundary = p.HasInsideDevelopmentBoundary ? p.InsideDevelopmentBoundary : null,
        InEcologicalRedLine = p.HasInEcologicalRedLine ? p.InEcologicalRedLine : null,
        RedevelopmentUnderway = p.HasRedevelopmentUnderway ? p.RedevelopmentUnderway : null,
        LocallyReported = p.HasLocallyReported ? p.LocallyReported : null,
        Geometry = p.Geometry.Length == 0 ? null : p.Geometry,
        Crs = p.Crs.Length == 0 ? null : p.Crs,
    };

    /// <summary>The layout of a columnar block's codes under <paramref name="model"/>.</summary>
    public static ColumnLayout Layout(this ParcelColumns columns, ScoringModel model) =>
        new(model, columns.IndicatorCodes, columns.CategoryCodes, columns.VetoCodes, "columns.");

    // A row's answer as the engine reads it; a number that is no VetoAnswer stays out of range, so the reader refuses it.
    internal static EngineVetoAnswer Answer(V1.VetoAnswer answer) =>
        (int)answer is var v and >= 0 and <= byte.MaxValue ? (EngineVetoAnswer)v : (EngineVetoAnswer)byte.MaxValue;

    /// <summary>The contract's Evaluation of a parcel just scored; <paramref name="full"/> adds indicators (with provenance) and shortfalls.</summary>
    public static Evaluation ToProto(this in EvaluatedParcel parcel, bool full) =>
        full ? parcel.Explain().ToProto(parcel.Model, full: true, parcel) : parcel.FillBasic(new Evaluation());

    /// <summary>
    /// Writes the basic view of <paramref name="parcel"/> into <paramref name="e"/>, which may hold an earlier parcel's basic
    /// view: every field that view sets is set or cleared, and its element scores are refilled in place, so that a stream
    /// can reuse the messages of a chunk it has sent instead of allocating new ones for every parcel.
    /// </summary>
    public static Evaluation FillBasic(this in EvaluatedParcel parcel, Evaluation e)
    {
        e.ForgetSize(); // a refilled message's size is counted again
        var card = parcel.Card;
        SetHeader(e, parcel.Verdict, parcel.UnitId, parcel.Street);
        SpatialMapping.SetSpatial(e, parcel.Spatial);
        var elements = parcel.Model.Elements;
        if (e.Elements.Count != elements.Length)
        {
            e.Elements.Clear();
            for (var i = 0; i < elements.Length; i++) e.Elements.Add(new ElementScore());
        }
        for (var i = 0; i < elements.Length; i++)
        {
            var (el, score) = (elements[i], e.Elements[i]);
            score.Code = el.Code;
            score.Name = "";
            score.Weight = card.ElementWeights[el.Index];
            score.Score = card.ElementScores[el.Index];
            score.Missing = card.ElementMissing[el.Index];
        }
        e.FailedVetoes.Clear();
        e.UnknownVetoes.Clear();
        if (card.AnyVetoFailed || card.AnyVetoUnknown)
        {
            var answers = parcel.Vector.Vetoes;
            foreach (var veto in parcel.Model.Vetoes)
            {
                if (answers[veto.Index] == EngineVetoAnswer.Failed) e.FailedVetoes.Add(veto.Code);
                else if (answers[veto.Index] == EngineVetoAnswer.Unknown) e.UnknownVetoes.Add(veto.Code);
            }
        }
        return e;
    }

    /// <summary>The contract's Evaluation of an explained parcel; <paramref name="full"/> adds indicators and shortfalls.</summary>
    public static Evaluation ToProto(this EvaluationResult r, ScoringModel model, bool full, in EvaluatedParcel? parcel = null)
    {
        var e = Header(r.Verdict, parcel?.UnitId, parcel?.Street);
        SpatialMapping.AddSpatial(e, parcel?.Spatial);
        e.FailedVetoes.Add(r.FailedVetoes);
        e.UnknownVetoes.Add(r.UnknownVetoes);
        // The basic view leaves names out (they are in the model): it is the bulk of a batch's bytes otherwise.
        foreach (var el in r.Elements)
            e.Elements.Add(new ElementScore { Code = el.Code, Name = full ? el.Name : "", Weight = el.Weight, Score = el.Score, Missing = el.Missing });
        if (!full) return e;

        AddIndicators(e, r, model, parcel);
        foreach (var s in r.TopShortfalls)
            e.TopShortfalls.Add(new V1.Shortfall { Code = s.Code, Name = s.Name, Gap = s.Gap, Utility = s.Utility });
        return e;
    }

    /// <summary>The headline fields of an Evaluation: who, which model, score, classes, completeness, level, area, unit, street.</summary>
    public static Evaluation Header(Verdict v, string? unitId = null, string? street = null) => SetHeader(new Evaluation(), v, unitId, street);

    // Sets every headline field of e.
    private static Evaluation SetHeader(Evaluation e, Verdict v, string? unitId, string? street)
    {
        e.ParcelId = v.ParcelId;
        e.ModelVersion = v.ModelVersion;
        e.Score = v.Score;
        e.Classification = (V1.Classification)(int)v.Classification;
        e.Disposition = (V1.Disposition)(int)v.Disposition;
        e.Completeness = v.Completeness;
        e.Level = (Level)(int)v.Level;
        e.AreaMu = v.AreaMu;
        e.UnitId = unitId ?? "";
        e.Street = street ?? "";
        return e;
    }

    private static void AddIndicators(Evaluation e, EvaluationResult r, ScoringModel model, in EvaluatedParcel? parcel)
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
                var provenance = parcel?.IndicatorProvenance(i) ?? new ValueProvenance(EngineOrigin.Inline, null, null, false);
                s.Origin = provenance.Origin == EngineOrigin.Cache ? V1.ValueOrigin.Cache : V1.ValueOrigin.Inline;
                s.Source = provenance.Source ?? "";
                s.AsOf = provenance.AsOfText ?? "";
                s.Stale = provenance.Stale;
            }
            e.Indicators.Add(s);
        }
    }
}
