using System.Text.Json;
using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using EvaluationRecord = Scoring.Storage.Evaluations.EvaluationRecord;
using Scoring.Storage.Parcels;
using Scoring.Server.Grpc;
using Scoring.V1;

namespace Scoring.Server.Parcels;

/// <summary>
/// A parcel ready to evaluate: the inline values of the request laid over the cached ones (inline
/// wins per indicator, per veto and per attribute), and where each value came from.
/// </summary>
internal sealed class PreparedParcel
{
    private readonly ParcelInput _inline;
    private readonly CachedParcel? _cached;

    private PreparedParcel(ParcelInput inline, CachedParcel? cached, ParcelFacts facts)
    {
        _inline = inline;
        _cached = cached;
        Facts = facts;
    }

    /// <summary>The merged data, as the engine reads it.</summary>
    public ParcelFacts Facts { get; }

    /// <summary>The management unit: inline when given, else the cached one.</summary>
    public string? UnitId => _inline.UnitId.Length > 0 ? _inline.UnitId : _cached?.Attributes.UnitId;

    /// <summary>The street: inline when given, else the cached one.</summary>
    public string? Street => _inline.Street.Length > 0 ? _inline.Street : _cached?.Attributes.Street;

    /// <summary>The parcel's id as given.</summary>
    public string ParcelId => _inline.ParcelId;

    /// <summary>
    /// Whether there is anything to evaluate: the cache knows the parcel, or the request carries more
    /// than its id (a parcel given inline with no values at all is evaluated: INSUFFICIENT_DATA).
    /// </summary>
    public bool Known => _cached is not null || CarriesData(_inline);

    /// <summary>Whether the request carries anything besides the parcel id.</summary>
    public static bool CarriesData(ParcelInput p) =>
        p.Indicators.Count > 0 || p.Categories.Count > 0 || p.Vetoes.Count > 0 || p.Level != Level.Unspecified || p.AreaMu != 0 ||
        p.IndustryCode.Length > 0 || p.UnitId.Length > 0 || p.Street.Length > 0 || p.Name.Length > 0 || p.EnterpriseName.Length > 0 ||
        p.Geometry.Length > 0 || p.HasInsideDevelopmentBoundary || p.HasInEcologicalRedLine || p.HasRedevelopmentUnderway || p.HasLocallyReported;

    /// <summary>Lays <paramref name="inline"/> over <paramref name="cached"/> (which may be null).</summary>
    /// <remarks>Cached codes the model does not know (left from another model) are left out.</remarks>
    public static PreparedParcel Merge(ScoringModel model, ParcelInput inline, CachedParcel? cached)
    {
        if (cached is null) return new PreparedParcel(inline, null, inline.ToFacts());
        var a = cached.Attributes;
        var facts = new ParcelFacts
        {
            ParcelId = inline.ParcelId,
            Level = inline.Level != Level.Unspecified ? (int)inline.Level : a.Level ?? 0,
            AreaMu = inline.AreaMu != 0 ? inline.AreaMu : a.AreaMu ?? 0,
            IndustryCode = inline.IndustryCode.Length > 0 ? inline.IndustryCode : a.IndustryCode,
            InsideDevelopmentBoundary = inline.HasInsideDevelopmentBoundary ? inline.InsideDevelopmentBoundary : a.InsideDevelopmentBoundary,
            InEcologicalRedLine = inline.HasInEcologicalRedLine ? inline.InEcologicalRedLine : a.InEcologicalRedLine,
            RedevelopmentUnderway = inline.HasRedevelopmentUnderway ? inline.RedevelopmentUnderway : a.RedevelopmentUnderway,
            LocallyReported = inline.HasLocallyReported ? inline.LocallyReported : a.LocallyReported,
            Indicators = Overlay(inline.Indicators, cached.Indicators, v => v.Number!.Value, c => model.IndicatorsByCode.TryGetValue(c, out var d) && !d.IsCategorical),
            Categories = Overlay(inline.Categories, cached.Categories, v => v.Category!, c => model.IndicatorsByCode.TryGetValue(c, out var d) && d.IsCategorical),
            Vetoes = Overlay(inline.Vetoes, cached.Vetoes, v => v.Veto!.Value, model.VetoesByCode.ContainsKey),
        };
        return new PreparedParcel(inline, cached, facts);
    }

    /// <summary>Fills origin, source, as_of and stale of a present indicator.</summary>
    public void Describe(IndicatorScore score, DateOnly staleBefore)
    {
        if (_inline.Indicators.ContainsKey(score.Code) || _inline.Categories.ContainsKey(score.Code) || _cached is null)
        {
            score.Origin = ValueOrigin.Inline;
            return;
        }
        if (!_cached.Indicators.TryGetValue(score.Code, out var value) && !_cached.Categories.TryGetValue(score.Code, out value))
            return;
        score.Origin = ValueOrigin.Cache;
        score.Source = value.Source;
        score.AsOf = value.AsOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        score.Stale = value.AsOf < staleBefore;
    }

    /// <summary>The history record of an evaluation of this parcel, with the inputs used and their origins.</summary>
    public EvaluationRecord ToRecord(Verdict result, DateTimeOffset now) =>
        new(result.ParcelId, result.ModelVersion, result.Score, (int)result.Classification,
            (int)result.Disposition, result.Completeness, InputsJson(), now)
        {
            Level = (int)result.Level,
            AreaMu = result.AreaMu,
            UnitId = UnitId,
            Street = Street,
        };

    // {"level":1,"area_mu":120,"industry_code":"3911","indicators":{"far":{"value":1.5,"origin":"inline"},…},
    //  "categories":{…},"vetoes":{"safety":{"value":true,"origin":"cache","source":"…","as_of":"2025-06-30"},…}}
    // Written directly: it is on the path of every recorded evaluation.
    private string InputsJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(2048);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("level", Facts.Level);
            w.WriteNumber("area_mu", Facts.AreaMu);
            if (Facts.IndustryCode is { Length: > 0 } industry) w.WriteString("industry_code", industry);
            WriteValues(w, "indicators", Facts.Indicators, _inline.Indicators, _cached?.Indicators, (w, v) => w.WriteNumber("value", v));
            WriteValues(w, "categories", Facts.Categories, _inline.Categories, _cached?.Categories, (w, v) => w.WriteString("value", v));
            WriteValues(w, "vetoes", Facts.Vetoes, _inline.Vetoes, _cached?.Vetoes, (w, v) => w.WriteBoolean("value", v));
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // "name": { code: { "value": …, "origin": "inline" | "cache", "source": …, "as_of": … }, … }
    private static void WriteValues<T>(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, T> values, IReadOnlyDictionary<string, T> inline,
        IReadOnlyDictionary<string, Storage.Parcels.CachedValue>? cached, Action<Utf8JsonWriter, T> writeValue)
    {
        w.WriteStartObject(name);
        foreach (var (code, value) in values)
        {
            w.WriteStartObject(code);
            writeValue(w, value);
            if (inline.ContainsKey(code) || cached is null || !cached.TryGetValue(code, out var c))
            {
                w.WriteString("origin", "inline");
            }
            else
            {
                w.WriteString("origin", "cache");
                w.WriteString("source", c.Source);
                w.WriteString("as_of", c.AsOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static Dictionary<string, T> Overlay<T>(IReadOnlyDictionary<string, T> inline,
        IReadOnlyDictionary<string, Storage.Parcels.CachedValue> cached, Func<Storage.Parcels.CachedValue, T> read, Func<string, bool> known)
    {
        var merged = new Dictionary<string, T>(cached.Count + inline.Count, StringComparer.Ordinal);
        foreach (var (code, value) in cached)
            if (known(code)) merged[code] = read(value);
        foreach (var (code, value) in inline) merged[code] = value;
        return merged;
    }
}
