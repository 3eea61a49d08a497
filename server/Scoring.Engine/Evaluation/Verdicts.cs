using Scoring.Engine.Model;

namespace Scoring.Engine.Evaluation;

/// <summary>The answer to one veto check.</summary>
public enum VetoAnswer : byte
{
    /// <summary>No answer: not passed; the parcel can be at best REVIEW.</summary>
    Unknown = 0,
    /// <summary>The requirement is met.</summary>
    Met = 1,
    /// <summary>The requirement is not met: the parcel is inefficient whatever its score.</summary>
    Failed = 2,
}

/// <summary>The verdict of the two-stage identification (numbers match the proto enum).</summary>
public enum Classification
{
    /// <summary>Passes every veto and scores at or above threshold + review band.</summary>
    Efficient = 1,
    /// <summary>In the review band, or a veto answer is unknown.</summary>
    Review = 2,
    /// <summary>Scores below the threshold.</summary>
    InefficientScore = 3,
    /// <summary>Fails a veto check.</summary>
    InefficientVeto = 4,
    /// <summary>Completeness below the model's minimum.</summary>
    InsufficientData = 5,
}

/// <summary>Rules over classifications that every consumer (engine, impact, roll-ups, SQL) shares.</summary>
public static class Classifications
{
    /// <summary>The classes the paper counts as inefficient: a failed veto or a score below the line.</summary>
    public static readonly IReadOnlyList<Classification> Inefficient = [Classification.InefficientScore, Classification.InefficientVeto];

    /// <summary>Whether the paper counts <paramref name="classification"/> as inefficient.</summary>
    public static bool IsInefficient(this Classification classification) =>
        classification is Classification.InefficientScore or Classification.InefficientVeto;
}

/// <summary>What happens to the parcel (numbers match the proto enum).</summary>
public enum Disposition
{
    /// <summary>现状保留.</summary>
    Retained = 1,
    /// <summary>低效认定.</summary>
    IdentifiedInefficient = 2,
    /// <summary>地方上报.</summary>
    LocallyReported = 3,
    /// <summary>生态清退.</summary>
    EcologicalClearance = 4,
    /// <summary>正在推进.</summary>
    RedevelopmentUnderway = 5,
}

/// <summary>One bad input field: its path and the reason, as a client should read it.</summary>
public sealed record FieldViolation(string Field, string Description);

/// <summary>The headline of an evaluation: what the history keeps and the roll-ups count.</summary>
public readonly record struct Verdict(string ParcelId, string ModelVersion, double Score, Classification Classification,
    Disposition Disposition, double Completeness, ParcelLevel Level, double AreaMu);
