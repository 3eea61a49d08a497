using Scoring.Engine.Model;

namespace Scoring.Engine.Evaluation;

/// <summary>
/// The working figures of one evaluation, sized for one model and reused from parcel to parcel so
/// that bulk evaluation allocates nothing per parcel. Not thread-safe: one per thread.
/// </summary>
public sealed class Scorecard
{
    /// <summary>Creates buffers for <paramref name="model"/>.</summary>
    public Scorecard(ScoringModel model)
    {
        Model = model;
        Utilities = new double[model.Indicators.Length];
        Present = new bool[model.Indicators.Length];
        IndicatorWeights = new double[model.Indicators.Length];
        ElementScores = new double[model.Elements.Length];
        ElementWeights = new double[model.Elements.Length];
        ElementMissing = new bool[model.Elements.Length];
        ElementComplete = new bool[model.Elements.Length];
        PresentWeights = new double[model.Elements.Length];
    }

    /// <summary>The model the buffers are sized for.</summary>
    public ScoringModel Model { get; }
    /// <summary>Per indicator: utility in [0, 1]; 0 when missing.</summary>
    public double[] Utilities { get; }
    /// <summary>Per indicator: whether it had a value.</summary>
    public bool[] Present { get; }
    /// <summary>Per indicator: global weight after renormalisation (filled by <see cref="Evaluator.Explain"/>).</summary>
    public double[] IndicatorWeights { get; }
    /// <summary>Per element: score in [0, 1].</summary>
    public double[] ElementScores { get; }
    /// <summary>Per element: weight after renormalisation.</summary>
    public double[] ElementWeights { get; }
    /// <summary>Per element: whether none of its indicators had a value.</summary>
    public bool[] ElementMissing { get; }
    /// <summary>Per element: whether every one of its indicators had a value.</summary>
    public bool[] ElementComplete { get; }
    /// <summary>Per element: the sum of the local weights of its present indicators.</summary>
    internal double[] PresentWeights { get; }
    /// <summary>The composite score.</summary>
    public double Score { get; internal set; }
    /// <summary>The model's global weight that had data.</summary>
    public double Completeness { get; internal set; }
    /// <summary>Whether any veto was answered "no".</summary>
    public bool AnyVetoFailed { get; internal set; }
    /// <summary>Whether any veto had no answer.</summary>
    public bool AnyVetoUnknown { get; internal set; }
    /// <summary>The classification.</summary>
    public Classification Classification { get; internal set; }
    /// <summary>The disposition.</summary>
    public Disposition Disposition { get; internal set; }

    /// <summary>The headline figures of the parcel last scored.</summary>
    public Verdict VerdictFor(ParcelVector parcel) =>
        new(parcel.ParcelId, Model.Version, Score, Classification, Disposition, Completeness, parcel.Level, parcel.AreaMu);
}
