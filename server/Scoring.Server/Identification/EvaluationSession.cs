using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using Scoring.Engine.Robustness;
using Scoring.Storage.Parcels;

namespace Scoring.Server.Identification;

/// <summary>
/// The parcels of one call or stream: one model, one history choice, and the buffers reused from
/// parcel to parcel, so scoring allocates little beyond what the caller builds from each result.
/// Opened by <see cref="ParcelEvaluations.Open"/>; one per call, not thread-safe.
/// </summary>
public sealed class EvaluationSession
{
    internal EvaluationSession(ScoringModel model, bool record, bool groupCommit, DateOnly staleBefore, RobustnessBatch? robustness)
    {
        Model = model;
        Robustness = robustness;
        Record = record;
        GroupCommit = groupCommit;
        StaleBefore = staleBefore;
        Vector = new ParcelVector(model, "");
        Card = new Scorecard(model);
    }

    /// <summary>The model every parcel of the session is scored with.</summary>
    public ScoringModel Model { get; }

    /// <summary>Whether each evaluation is recorded in the history.</summary>
    public bool Record { get; }

    /// <summary>Cached values dated before this day are stale under the session's model.</summary>
    public DateOnly StaleBefore { get; }

    /// <summary>
    /// Scores each chunk's parcels under the model's weight draws (the robustness view); null when robustness is not
    /// wanted. Its results are told to the sink and kept with the history.
    /// </summary>
    public RobustnessBatch? Robustness { get; }

    // Single evaluations from concurrent calls are committed together; a chunk is one transaction of its own.
    internal bool GroupCommit { get; }
    internal ParcelVector Vector { get; }
    internal Scorecard Card { get; }
    // Made when the first cached parcel is laid out: a call with one inline parcel the cache does not hold needs none.
    internal CachedLayout Cached => _cached ??= new CachedLayout(Model);
    private CachedLayout? _cached;
    internal List<FieldViolation> Violations { get; } = [];
    internal int[] Classified { get; } = new int[6];
    // What the parcel being evaluated gained from its outline and the layers in force; null without an overlay.
    internal Spatial.SpatialOutcome? Spatial { get; set; }
    internal Spatial.SpatialOutcome? SpatialBuffer { get; set; }
}

/// <summary>Receives, in input order, what became of each parcel of a chunk.</summary>
public interface IEvaluationSink
{
    /// <summary>The parcel at <paramref name="index"/> was scored.</summary>
    void Evaluated(int index, in EvaluatedParcel parcel);

    /// <summary>The parcel at <paramref name="index"/> was refused; field paths are relative to the parcel.</summary>
    void Refused(int index, string parcelId, IReadOnlyList<FieldViolation> violations);

    /// <summary>The parcel at <paramref name="index"/> carries only its id and the cache does not hold it.</summary>
    void NotFound(int index, string parcelId);

    /// <summary>
    /// The robustness of the chunk's scored parcels, in the order they were told to <see cref="Evaluated"/>, under the
    /// draws described by <paramref name="method"/>. Told once per chunk, only in a session with robustness.
    /// </summary>
    void Assessed(IReadOnlyList<VerdictRobustness> robustness, string method) { }
}

/// <summary>
/// A chunk that makes each parcel's facts when asked for them (e.g. from a columnar block): it tells a parcel's id
/// without making its facts, so that looking the chunk up in the cache makes none.
/// </summary>
public interface IParcelChunk : IReadOnlyList<ParcelFacts>
{
    /// <summary>The id of the parcel at <paramref name="index"/>.</summary>
    string ParcelIdAt(int index);
}
