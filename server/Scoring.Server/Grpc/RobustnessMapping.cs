using Scoring.Engine.Robustness;
using Scoring.V1;

namespace Scoring.Server.Grpc;

/// <summary>Maps the engine's verdict robustness to the contract's <c>Robustness</c>.</summary>
internal static class RobustnessMapping
{
    /// <summary>Whether a view asks for robustness.</summary>
    public static bool WantsRobustness(this EvaluationView view) => view == EvaluationView.Robustness;

    /// <summary>Whether a view carries indicators and shortfalls (full, and robustness which is full plus robustness).</summary>
    public static bool IsFull(this EvaluationView view) => view is EvaluationView.Full or EvaluationView.Robustness;

    /// <summary>Sets each evaluation's robustness from the chunk's assessment, in order.</summary>
    public static void Fill(IReadOnlyList<VerdictRobustness> robustness, string method, IReadOnlyList<Evaluation> evaluations)
    {
        for (var j = 0; j < robustness.Count; j++) evaluations[j].Robustness = robustness[j].ToProto(method);
    }

    /// <summary>The contract's Robustness; no critical element is an empty code and a 0 change.</summary>
    public static Robustness ToProto(this VerdictRobustness r, string method) => new()
    {
        PBelowThreshold = r.PBelowThreshold,
        CiLow = r.CiLow,
        CiHigh = r.CiHigh,
        Draws = r.Draws,
        Stable = r.Stable,
        CriticalElement = r.CriticalElement ?? "",
        CriticalWeightChange = r.CriticalElement is null ? 0 : r.CriticalWeightChange,
        Method = method,
    };
}
