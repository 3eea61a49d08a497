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
    public EvaluationRecord ToRecord(Verdict result, DateTimeOffset now)
    {
        var inputs = new Dictionary<string, object?>
        {
            ["level"] = Facts.Level,
            ["area_mu"] = Facts.AreaMu,
            ["industry_code"] = Facts.IndustryCode,
            ["indicators"] = Facts.Indicators.ToDictionary(p => p.Key, p => Origin(p.Key, _inline.Indicators.ContainsKey(p.Key), _cached?.Indicators, p.Value)),
            ["categories"] = Facts.Categories.ToDictionary(p => p.Key, p => Origin(p.Key, _inline.Categories.ContainsKey(p.Key), _cached?.Categories, p.Value)),
            ["vetoes"] = Facts.Vetoes.ToDictionary(p => p.Key, p => Origin(p.Key, _inline.Vetoes.ContainsKey(p.Key), _cached?.Vetoes, p.Value)),
        };
        return new EvaluationRecord(result.ParcelId, result.ModelVersion, result.Score, (int)result.Classification,
            (int)result.Disposition, result.Completeness, JsonSerializer.Serialize(inputs), now)
        {
            Level = (int)result.Level,
            AreaMu = result.AreaMu,
            UnitId = UnitId,
            Street = Street,
        };
    }

    private static object Origin(string code, bool inline, IReadOnlyDictionary<string, Storage.Parcels.CachedValue>? cached, object value) =>
        inline || cached is null || !cached.TryGetValue(code, out var c)
            ? new { value, origin = "inline" }
            : new { value, origin = "cache", source = c.Source, as_of = c.AsOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) };

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
