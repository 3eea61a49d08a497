using System.Globalization;
using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using Scoring.Storage.Parcels;

namespace Scoring.Server.Identification;

/// <summary>Where one indicator's value came from: given with the parcel, or the cache's value with its source and date.</summary>
/// <param name="Origin">Inline, cache, or none (missing).</param>
/// <param name="Source">The data source of a cached value.</param>
/// <param name="AsOf">The date a cached value describes.</param>
/// <param name="Stale">Whether a cached value is older than the model allows.</param>
public readonly record struct ValueProvenance(ValueOrigin Origin, string? Source, DateOnly? AsOf, bool Stale)
{
    /// <summary>The date as the contract writes it (YYYY-MM-DD), or null.</summary>
    public string? AsOfText => AsOf?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>
/// A parcel just scored in an <see cref="EvaluationSession"/>: the merged input the engine read, its scorecard,
/// and where each value came from. Valid only during the sink call that receives it (the session reuses
/// its buffers for the next parcel).
/// </summary>
public readonly struct EvaluatedParcel
{
    private readonly EvaluationSession _session;
    private readonly ParcelFacts _given;
    private readonly CachedParcel? _cached;

    internal EvaluatedParcel(EvaluationSession session, ParcelFacts given, CachedParcel? cached)
    {
        _session = session;
        _given = given;
        _cached = cached;
    }

    /// <summary>The model that scored it.</summary>
    public ScoringModel Model => _session.Model;

    /// <summary>The parcel as the engine read it (given values over cached ones).</summary>
    public ParcelVector Vector => _session.Vector;

    /// <summary>The scores, classification and disposition.</summary>
    public Scorecard Card => _session.Card;

    /// <summary>The headline figures.</summary>
    public Verdict Verdict => _session.Card.VerdictFor(_session.Vector);

    /// <summary>The management unit: given, else cached; null when neither.</summary>
    public string? UnitId => Given(_given.UnitId) ?? _cached?.Attributes.UnitId;

    /// <summary>The street: given, else cached; null when neither.</summary>
    public string? Street => Given(_given.Street) ?? _cached?.Attributes.Street;

    /// <summary>The industry code: given, else cached; null when neither.</summary>
    public string? IndustryCode => Given(_given.IndustryCode) ?? _cached?.Attributes.IndustryCode;

    /// <summary>Inside the urban development boundary: given, else cached; null when neither.</summary>
    public bool? InsideDevelopmentBoundary => _given.InsideDevelopmentBoundary ?? _cached?.Attributes.InsideDevelopmentBoundary;

    /// <summary>Inside the ecological red line: given, else cached; null when neither.</summary>
    public bool? InEcologicalRedLine => _given.InEcologicalRedLine ?? _cached?.Attributes.InEcologicalRedLine;

    /// <summary>Redevelopment under way: given, else cached; null when neither.</summary>
    public bool? RedevelopmentUnderway => _given.RedevelopmentUnderway ?? _cached?.Attributes.RedevelopmentUnderway;

    /// <summary>Locally reported: given, else cached; null when neither.</summary>
    public bool? LocallyReported => _given.LocallyReported ?? _cached?.Attributes.LocallyReported;

    /// <summary>Derived flags, warnings, clearance tier and modes; null when the server has no spatial overlay.</summary>
    public Spatial.SpatialOutcome? Spatial => _session.Spatial;

    /// <summary>The full explanation: every element, indicator, veto and the top shortfalls.</summary>
    public EvaluationResult Explain() => Evaluator.Explain(_session.Vector, _session.Card);

    /// <summary>Where the value of the model's indicator <paramref name="index"/> came from.</summary>
    public ValueProvenance IndicatorProvenance(int index)
    {
        var origin = _session.Vector.ValueOrigins[index];
        if (origin != ValueOrigin.Cache) return new(origin, null, null, false);
        var indicator = _session.Model.Indicators[index];
        return Cached((indicator.IsCategorical ? _cached!.Categories : _cached!.Indicators)[indicator.Code]);
    }

    /// <summary>Where the answer of the model's veto check <paramref name="index"/> came from.</summary>
    public ValueProvenance VetoProvenance(int index)
    {
        var origin = _session.Vector.VetoOrigins[index];
        return origin != ValueOrigin.Cache ? new(origin, null, null, false) : Cached(_cached!.Vetoes[_session.Model.Vetoes[index].Code]);
    }

    private ValueProvenance Cached(CachedValue value) => new(ValueOrigin.Cache, value.Source, value.AsOf, value.AsOf < _session.StaleBefore);

    private static string? Given(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
