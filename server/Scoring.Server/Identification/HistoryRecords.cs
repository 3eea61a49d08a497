using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Scoring.Engine.Evaluation;
using Scoring.Storage.Evaluations;

namespace Scoring.Server.Identification;

/// <summary>
/// The one shape of a history record's inputs, whatever form the parcel came in: the values the engine read,
/// in model order, each with its origin (and, for cached values, source and date).
/// </summary>
/// <remarks>
/// <code>
/// {"level":1,"area_mu":120,"industry_code":"3911","unit_id":"park-a","street":"秣陵街道","redevelopment_underway":false,
///  "indicators":{"far":{"value":1.5,"origin":"inline"},…},
///  "categories":{"enterprise_type":{"value":"above_scale","origin":"inline"},…},
///  "vetoes":{"safety":{"value":true,"origin":"cache","source":"planning-bureau","as_of":"2025-06-30"},…}}
/// </code>
/// Optional attributes appear only when known. Written directly: it is on the path of every recorded evaluation.
/// </remarks>
public static class HistoryRecords
{
    /// <summary>The history record of a parcel just scored.</summary>
    public static EvaluationRecord Create(in EvaluatedParcel parcel, DateTimeOffset now)
    {
        var v = parcel.Verdict;
        return new(v.ParcelId, v.ModelVersion, v.Score, (int)v.Classification, (int)v.Disposition, v.Completeness, InputsJson(parcel), now)
        {
            Level = (int)v.Level,
            AreaMu = v.AreaMu,
            UnitId = parcel.UnitId,
            Street = parcel.Street,
            ClearanceZone = parcel.Spatial is { } spatial ? (int)spatial.Zone : null,
            FailedVetoes = FailedVetoes(parcel),
            TopShortfalls = [.. Evaluator.TopShortfalls(parcel.Card).Select(s => s.Code)],
            RedevelopmentModes = parcel.Spatial is { Modes: var modes } ? [.. modes.Select(m => (int)m.Mode)] : [],
        };
    }

    // The reasons a list shows beside the verdict: the veto checks failed, in model order.
    private static string[] FailedVetoes(in EvaluatedParcel parcel)
    {
        if (!parcel.Card.AnyVetoFailed) return [];
        var answers = parcel.Vector.Vetoes;
        return [.. parcel.Model.Vetoes.Where(v => answers[v.Index] == VetoAnswer.Failed).Select(v => v.Code)];
    }

    private static string InputsJson(in EvaluatedParcel parcel)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var w = new Utf8JsonWriter(buffer))
        {
            var vector = parcel.Vector;
            var model = parcel.Model;
            w.WriteStartObject();
            w.WriteNumber("level", (int)vector.Level);
            w.WriteNumber("area_mu", vector.AreaMu);
            Text(w, "industry_code", parcel.IndustryCode);
            Text(w, "unit_id", parcel.UnitId);
            Text(w, "street", parcel.Street);
            Flag(w, "inside_development_boundary", parcel.InsideDevelopmentBoundary);
            Flag(w, "in_ecological_red_line", parcel.InEcologicalRedLine);
            Flag(w, "redevelopment_underway", parcel.RedevelopmentUnderway);
            Flag(w, "locally_reported", parcel.LocallyReported);

            w.WriteStartObject("indicators");
            foreach (var ind in model.Indicators)
            {
                if (ind.IsCategorical || vector.ValueOrigins[ind.Index] == ValueOrigin.None) continue;
                w.WriteStartObject(ind.Code);
                w.WriteNumber("value", vector.Values[ind.Index]);
                Origin(w, parcel.IndicatorProvenance(ind.Index));
                w.WriteEndObject();
            }
            w.WriteEndObject();

            w.WriteStartObject("categories");
            foreach (var ind in model.Indicators)
            {
                if (!ind.IsCategorical || vector.ValueOrigins[ind.Index] == ValueOrigin.None) continue;
                w.WriteStartObject(ind.Code);
                w.WriteString("value", ind.Categories!.Keys[(int)vector.Values[ind.Index]]);
                Origin(w, parcel.IndicatorProvenance(ind.Index));
                w.WriteEndObject();
            }
            w.WriteEndObject();

            w.WriteStartObject("vetoes");
            foreach (var veto in model.Vetoes)
            {
                if (vector.VetoOrigins[veto.Index] == ValueOrigin.None) continue;
                w.WriteStartObject(veto.Code);
                w.WriteBoolean("value", vector.Vetoes[veto.Index] == VetoAnswer.Met);
                Origin(w, parcel.VetoProvenance(veto.Index));
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // "origin", and for a cached value its "source" and "as_of".
    private static void Origin(Utf8JsonWriter w, ValueProvenance provenance)
    {
        if (provenance.Origin == ValueOrigin.Cache)
        {
            w.WriteString("origin", "cache");
            w.WriteString("source", provenance.Source);
            w.WriteString("as_of", provenance.AsOf!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
        else
        {
            w.WriteString("origin", "inline");
        }
    }

    private static void Text(Utf8JsonWriter w, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value)) w.WriteString(name, value);
    }

    private static void Flag(Utf8JsonWriter w, string name, bool? value)
    {
        if (value is { } b) w.WriteBoolean(name, b);
    }
}
