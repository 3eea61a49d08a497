using System.Collections.Immutable;
using Scoring.Engine.Model;

namespace Scoring.Engine.Evaluation;

/// <summary>One element's part in an evaluation.</summary>
public readonly record struct ElementResult(string Code, string Name, double Weight, double Score, bool Missing);

/// <summary>One indicator's part in an evaluation.</summary>
/// <param name="Code">Indicator code.</param>
/// <param name="Value">Raw value of a numeric indicator; NaN when missing or categorical.</param>
/// <param name="Category">Category key of a categorical indicator, when present.</param>
/// <param name="Utility">Utility in [0, 1]; 0 when missing.</param>
/// <param name="Weight">Global weight after renormalisation.</param>
/// <param name="Contribution">Weight × utility.</param>
/// <param name="ModelWeight">The model's global weight before renormalisation.</param>
/// <param name="Missing">Whether the indicator had no value.</param>
public readonly record struct IndicatorResult(string Code, double Value, string? Category, double Utility,
    double Weight, double Contribution, double ModelWeight, bool Missing);

/// <summary>An indicator that drags the score down most: (1 − utility) × weight.</summary>
public readonly record struct Shortfall(string Code, string Name, double Gap, double Utility);

/// <summary>The verdict on one parcel, with everything that explains it.</summary>
public sealed record EvaluationResult
{
    /// <summary>Cadastral id.</summary>
    public required string ParcelId { get; init; }
    /// <summary>Version of the model that produced it.</summary>
    public required string ModelVersion { get; init; }
    /// <summary>Composite score in [0, 1].</summary>
    public required double Score { get; init; }
    /// <summary>Classification.</summary>
    public required Classification Classification { get; init; }
    /// <summary>Disposition.</summary>
    public required Disposition Disposition { get; init; }
    /// <summary>Sum of the model's global weights of the indicators present.</summary>
    public required double Completeness { get; init; }
    /// <summary>Level as evaluated.</summary>
    public required ParcelLevel Level { get; init; }
    /// <summary>Area in 亩.</summary>
    public required double AreaMu { get; init; }
    /// <summary>Every element, in model order.</summary>
    public required ImmutableArray<ElementResult> Elements { get; init; }
    /// <summary>Every indicator, in model order.</summary>
    public required ImmutableArray<IndicatorResult> Indicators { get; init; }
    /// <summary>Veto codes answered "no".</summary>
    public required ImmutableArray<string> FailedVetoes { get; init; }
    /// <summary>Veto codes with no answer.</summary>
    public required ImmutableArray<string> UnknownVetoes { get; init; }
    /// <summary>Largest weighted gaps first.</summary>
    public required ImmutableArray<Shortfall> TopShortfalls { get; init; }

    /// <summary>The headline figures.</summary>
    public Verdict Verdict => new(ParcelId, ModelVersion, Score, Classification, Disposition, Completeness, Level, AreaMu);
}
