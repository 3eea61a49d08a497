using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;

namespace Scoring.Server.Models;

/// <summary>The outcome of assessing one parcel: an evaluation, or the reasons its input was refused.</summary>
public readonly record struct Assessment(EvaluationResult? Result, IReadOnlyList<FieldViolation> Violations)
{
    /// <summary>Whether the parcel was evaluated.</summary>
    public bool Succeeded => Result is not null;
}

/// <summary>Validates a parcel against a model and evaluates it.</summary>
public static class ParcelAssessor
{
    /// <summary>Assesses one parcel; field paths in violations start with <paramref name="prefix"/>.</summary>
    public static Assessment Assess(ScoringModel model, ParcelFacts facts, string prefix)
    {
        var violations = new List<FieldViolation>();
        var vector = ParcelReader.Read(model, facts, violations, prefix);
        return vector is null
            ? new Assessment(null, violations)
            : new Assessment(Evaluator.Evaluate(model, vector), []);
    }
}
