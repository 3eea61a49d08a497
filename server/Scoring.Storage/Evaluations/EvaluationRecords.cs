namespace Scoring.Storage.Evaluations;

/// <summary>One evaluation to keep in a parcel's history.</summary>
/// <param name="ParcelId">Cadastral id.</param>
/// <param name="ModelVersion">Version of the model that produced it.</param>
/// <param name="Score">Composite score in [0, 1].</param>
/// <param name="Classification">Classification (as <see cref="Scoring.Engine.Evaluation.Classification"/>).</param>
/// <param name="Disposition">Disposition (as <see cref="Scoring.Engine.Evaluation.Disposition"/>).</param>
/// <param name="Completeness">Sum of the model's global weights of the indicators present.</param>
/// <param name="InputsJson">The inputs evaluated, as JSON, so the result can be traced and replayed.</param>
/// <param name="EvaluatedAt">When it was evaluated; the default value means "now" by the database's clock.</param>
public sealed record EvaluationRecord(string ParcelId, string ModelVersion, double Score, int Classification,
    int Disposition, double Completeness, string InputsJson, DateTimeOffset EvaluatedAt)
{
    /// <summary>The parcel's level as evaluated (0–3); null when not known.</summary>
    public int? Level { get; init; }
    /// <summary>The parcel's area in 亩 as evaluated; null when not known.</summary>
    public double? AreaMu { get; init; }
    /// <summary>The parcel's management unit as evaluated; null when not known.</summary>
    public string? UnitId { get; init; }
    /// <summary>The parcel's street as evaluated; null when not known.</summary>
    public string? Street { get; init; }
    /// <summary>The clearance tier as evaluated (as <see cref="Scoring.Engine.Spatial.ClearanceZone"/>); null when not recorded.</summary>
    public int? ClearanceZone { get; init; }
    /// <summary>The veto checks failed (codes); null when not recorded.</summary>
    public IReadOnlyList<string>? FailedVetoes { get; init; }
    /// <summary>The indicators that cost the parcel most, largest gap first (codes); null when not recorded.</summary>
    public IReadOnlyList<string>? TopShortfalls { get; init; }
    /// <summary>The redevelopment modes suggested (as <see cref="Scoring.Engine.Spatial.RedevelopmentMode"/>); null when not recorded.</summary>
    public IReadOnlyList<int>? RedevelopmentModes { get; init; }
    /// <summary>Whether the verdict is contested (not stable under the version's weight draws); null when robustness was not computed.</summary>
    public bool? Contested { get; init; }
    /// <summary>The share of the weight draws scoring below the threshold; null when robustness was not computed.</summary>
    public double? PBelowThreshold { get; init; }
}

/// <summary>
/// Which evaluations a district listing returns, and in what order. Null or empty members do not filter. With
/// <see cref="LatestOnly"/>, each parcel's latest evaluation (under <see cref="ModelVersion"/> when given) is taken
/// first and the other filters apply to it.
/// </summary>
public sealed record EvaluationFilter
{
    /// <summary>One parcel's evaluations only.</summary>
    public string? ParcelId { get; init; }
    /// <summary>Classification number.</summary>
    public int? Classification { get; init; }
    /// <summary>Disposition number.</summary>
    public int? Disposition { get; init; }
    /// <summary>Clearance tier number.</summary>
    public int? ClearanceZone { get; init; }
    /// <summary>Street as evaluated.</summary>
    public string? Street { get; init; }
    /// <summary>Management unit as evaluated.</summary>
    public string? UnitId { get; init; }
    /// <summary>Level number as evaluated.</summary>
    public int? Level { get; init; }
    /// <summary>Model version.</summary>
    public string? ModelVersion { get; init; }
    /// <summary>Only each parcel's latest evaluation.</summary>
    public bool LatestOnly { get; init; }
    /// <summary>The order of the listing.</summary>
    public EvaluationOrder Order { get; init; } = EvaluationOrder.ParcelId;
}

/// <summary>The orders of a district listing.</summary>
public enum EvaluationOrder
{
    /// <summary>By parcel id, then newest first.</summary>
    ParcelId,
    /// <summary>By score, lowest first, then parcel id, then newest first.</summary>
    Score,
    /// <summary>Newest first.</summary>
    EvaluateTime,
}

/// <summary>An evaluation as kept: its id in the log and what was recorded.</summary>
/// <param name="Id">Id in the evaluation log; larger ids were appended later.</param>
/// <param name="Evaluation">The evaluation, with the time it was recorded under.</param>
public sealed record StoredEvaluation(long Id, EvaluationRecord Evaluation);

/// <summary>One page of a parcel's evaluation history.</summary>
/// <param name="Evaluations">Newest first.</param>
/// <param name="NextPageToken">Token for the next page; null on the last page.</param>
public sealed record EvaluationPage(IReadOnlyList<StoredEvaluation> Evaluations, string? NextPageToken);

/// <summary>One group of a roll-up: the latest evaluation of each of its parcels under one model version.</summary>
/// <param name="Key">The level (as a number), unit id or street; empty when the evaluations did not say.</param>
/// <param name="ParcelCount">Parcels.</param>
/// <param name="AreaMu">Their area in 亩.</param>
/// <param name="MeanScore">Area-weighted mean score (plain mean when no parcel has an area).</param>
/// <param name="InefficientCount">Parcels classified INEFFICIENT_SCORE or INEFFICIENT_VETO.</param>
/// <param name="InefficientAreaMu">Their area in 亩.</param>
/// <param name="ClassificationCounts">Parcels per classification number (index 0 unused).</param>
/// <param name="DispositionCounts">Parcels per disposition number (index 0 unused).</param>
/// <param name="RobustnessKnownCount">Parcels whose latest evaluation was made with robustness.</param>
/// <param name="ContestedCount">Of those, parcels whose verdict is contested (not stable under the weight draws).</param>
/// <param name="ContestedAreaMu">Their area in 亩.</param>
public sealed record EvaluationGroup(string Key, int ParcelCount, double AreaMu, double MeanScore, int InefficientCount,
    double InefficientAreaMu, IReadOnlyList<int> ClassificationCounts, IReadOnlyList<int> DispositionCounts,
    int RobustnessKnownCount, int ContestedCount, double ContestedAreaMu);

/// <summary>A roll-up of the latest evaluations under one model version, by level, unit and street.</summary>
public sealed record EvaluationSummary(EvaluationGroup Total, IReadOnlyList<EvaluationGroup> ByLevel,
    IReadOnlyList<EvaluationGroup> ByUnit, IReadOnlyList<EvaluationGroup> ByStreet);
