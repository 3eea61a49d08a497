using Grpc.Core;
using Scoring.Engine.Evaluation;
using Scoring.Engine.Robustness;
using Scoring.Server.Identification;
using Scoring.V1;

namespace Scoring.Server.Grpc;

/// <summary>
/// Turns what the application layer tells of each parcel of a BatchEvaluate chunk into the chunk's
/// <see cref="BatchResult"/>s, in order. Parcels of the chunk's <c>parcels</c> come first, then its columnar rows;
/// an error names its field under <c>parcels[i]</c> or <c>columns.rows[r]</c>.
/// </summary>
/// <remarks>In a session with robustness (the robustness view) each evaluation also gets its robustness when the
/// chunk has been assessed under the version's weight draws.</remarks>
internal sealed class ChunkResults(bool full) : IEvaluationSink
{
    private readonly List<Evaluation> _assessed = [];
    private BatchEvaluateResponse _response = new();
    // Basic-view results of the chunk sent before, free to refill: a chunk's answer is written (serialised) before the
    // next chunk starts, so nothing else holds them. Spares a chunk's worth of messages, up to MaxSpare (about 3.5 MB of
    // messages): a 5,000-parcel chunk answered with new messages allocates about 4 MB more, and the collections that
    // causes copy the chunk's request and answer while they are live (benchmark, chunk 5000 pre-built: 5.0–6.2 µs of
    // server CPU a parcel with 5,000 spares against 7.8–10.0 with 1,000). The cap bounds what an idle stream holds.
    private readonly Stack<BatchResult> _spare = new();
    private const int MaxSpare = 5000;
    private int _mapForm;
    private Engine.Model.ScoringModel? _model;
    private long _modelBytes;

    /// <summary>Starts a chunk with <paramref name="mapForm"/> parcels before its rows (the answer is empty until then, and again once sent).</summary>
    public void Start(int mapForm) => _mapForm = mapForm;

    /// <summary>
    /// Writes the chunk's answer to <paramref name="stream"/> (split when it would pass the reply limit), then lets go of
    /// it but for the messages kept to refill. Released before the next chunk is read: a chunk of thousands of answers
    /// held while the next request is parsed would be live at the collections that parsing causes, and copied by them.
    /// </summary>
    public async Task SendAsync(IServerStreamWriter<BatchEvaluateResponse> stream, CancellationToken token)
    {
        await ReplySize.WriteChunkAsync(stream, _response, SizeBound, token);
        if (!full)
        {
            foreach (var sent in _response.Results)
            {
                if (_spare.Count == MaxSpare) break;
                if (sent.OutcomeCase == BatchResult.OutcomeOneofCase.Evaluation) _spare.Push(sent);
            }
        }
        _response = new BatchEvaluateResponse();
        SizeBound = 0;
        _assessed.Clear();
    }

    /// <summary>The chunk's answer.</summary>
    public BatchEvaluateResponse Response => _response;

    /// <summary>
    /// Bytes the chunk's answer takes at most, counted as results are added (long.MaxValue when unknown): an answer
    /// well under the reply limit is then sent without measuring it first.
    /// </summary>
    public long SizeBound { get; private set; }

    public void Evaluated(int index, in EvaluatedParcel parcel)
    {
        BatchResult result;
        if (!full && _spare.TryPop(out var spare))
        {
            result = spare;
            result.ParcelId = parcel.Vector.ParcelId;
            parcel.FillBasic(result.Evaluation);
        }
        else
        {
            result = new BatchResult { ParcelId = parcel.Vector.ParcelId, Evaluation = parcel.ToProto(full) };
        }
        _response.Results.Add(result);
        if (full)
        {
            _assessed.Add(result.Evaluation);
            SizeBound = long.MaxValue;
            return;
        }
        if (!ReferenceEquals(parcel.Model, _model)) (_model, _modelBytes) = (parcel.Model, ReplyBounds.BasicModelBytes(parcel.Model));
        var e = result.Evaluation;
        // Complete: nothing changes a basic answer until it is sent and refilled, so its size is counted once.
        e.KeepSize();
        SizeBound += _modelBytes + ReplyBounds.BasicParcelBytes(result.ParcelId, e.UnitId, e.Street) + ReplyBounds.VetoBytes(e) + ReplyBounds.SpatialBytes(e);
    }

    public void Refused(int index, string parcelId, IReadOnlyList<FieldViolation> violations)
    {
        // Field paths are prefixed only here, on the error path, so valid parcels allocate no strings.
        var prefix = index < _mapForm ? $"parcels[{index}]." : $"columns.rows[{index - _mapForm}].";
        var named = violations.Select(v => v.Field.StartsWith("columns.", StringComparison.Ordinal) ? v : v with { Field = prefix + v.Field }).ToList();
        Add(new BatchResult { ParcelId = RichErrors.Clip(parcelId, RichErrors.MaxEchoChars), Error = RichErrors.InvalidArgument(named, RichErrors.Reasons.InvalidParcel) });
    }

    public void Assessed(IReadOnlyList<VerdictRobustness> robustness, string method) => RobustnessMapping.Fill(robustness, method, _assessed);

    public void NotFound(int index, string parcelId) =>
        Add(new BatchResult { ParcelId = RichErrors.Clip(parcelId, RichErrors.MaxEchoChars), Error = RichErrors.UnknownParcel(parcelId) });

    // An error result is measured as it is added (errors are the rare path and their details vary).
    private void Add(BatchResult error)
    {
        _response.Results.Add(error);
        if (SizeBound != long.MaxValue) SizeBound += Google.Protobuf.CodedOutputStream.ComputeMessageSize(error) + 5;
    }
}

/// <summary>Keeps the one answer of an EvaluateParcel call.</summary>
internal sealed class SingleResult(bool full) : IEvaluationSink
{
    /// <summary>The evaluation, once the parcel was scored.</summary>
    public Evaluation? Evaluation { get; private set; }

    /// <summary>The error, once the parcel was refused or not found.</summary>
    public Google.Rpc.Status? Error { get; private set; }

    public void Evaluated(int index, in EvaluatedParcel parcel) => Evaluation = parcel.ToProto(full);

    public void Assessed(IReadOnlyList<VerdictRobustness> robustness, string method) => RobustnessMapping.Fill(robustness, method, [Evaluation!]);

    public void Refused(int index, string parcelId, IReadOnlyList<FieldViolation> violations) =>
        Error = RichErrors.InvalidArgument([.. violations.Select(v => v with { Field = "parcel." + v.Field })], RichErrors.Reasons.InvalidParcel);

    public void NotFound(int index, string parcelId) => Error = RichErrors.UnknownParcel(parcelId);
}

/// <summary>
/// The most bytes one basic-view <c>BatchResult</c> takes on the wire, from the length of its texts: what lets a chunk's
/// answer be sent without measuring it first. A text counts three bytes a character (the most a UTF-16 character, or
/// half a surrogate pair, takes in UTF-8), so no text is scanned to count its bytes.
/// </summary>
public static class ReplyBounds
{
    // A field's tag and the longest length prefix a message under the reply limit can have.
    private const int Prefix = 6;

    /// <summary>
    /// The part fixed by the model: the fields' tags, lengths and numbers, the model version and the element scores. The
    /// model's own texts are counted once, exactly, when a stream meets the model.
    /// </summary>
    public static long BasicModelBytes(Engine.Model.ScoringModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return 64 + Utf8(model.Version) + model.Elements.Sum(e => 40 + Utf8(e.Code));
    }

    /// <summary>The part of the veto codes listed as failed or unknown: <paramref name="listed"/> codes of <paramref name="textChars"/> characters in all.</summary>
    public static long VetoBytes(int listed, long textChars) => listed * (long)Prefix + 3 * textChars;

    /// <summary>The veto codes <paramref name="e"/> lists, as <see cref="VetoBytes(int, long)"/> counts them.</summary>
    internal static long VetoBytes(Evaluation e)
    {
        var (failed, unknown) = (e.FailedVetoes, e.UnknownVetoes);
        if (failed.Count + unknown.Count == 0) return 0;
        long chars = 0;
        for (var i = 0; i < failed.Count; i++) chars += failed[i].Length;
        for (var i = 0; i < unknown.Count; i++) chars += unknown[i].Length;
        return VetoBytes(failed.Count + unknown.Count, chars);
    }

    /// <summary>
    /// The part of the parcel's own texts, each with its tag and length: its id (twice: the result's and the
    /// evaluation's), unit and street.
    /// </summary>
    public static long BasicParcelBytes(string parcelId, string? unitId, string? street) =>
        2 * (Prefix + Text(parcelId)) + Prefix + Text(unitId) + Prefix + Text(street);

    /// <summary>
    /// The part of what an outline and the layers added (nothing for a parcel without it): the clearance tier when
    /// set, <paramref name="facts"/> derived flags, <paramref name="modes"/> suggested modes and <paramref name="warnings"/>
    /// warnings, whose texts (flag names, layer ids, reasons, warnings) hold <paramref name="textChars"/> characters in all.
    /// </summary>
    public static long SpatialBytes(bool zone, int facts, int modes, int warnings, long textChars) =>
        (zone ? Prefix : 0) + facts * (5L * Prefix + 2 + 11 + 9) + modes * 3L * Prefix + warnings * (long)Prefix + 3 * textChars;

    /// <summary>The spatial part of <paramref name="e"/>, as <see cref="SpatialBytes(bool, int, int, int, long)"/> counts it.</summary>
    internal static long SpatialBytes(Evaluation e)
    {
        var (facts, modes, warnings) = (e.SpatialFacts, e.RedevelopmentModes, e.Warnings);
        long chars = 0;
        // Indexed: a RepeatedField's enumerator is an object.
        for (var i = 0; i < facts.Count; i++) chars += facts[i].Name.Length + facts[i].LayerId.Length;
        for (var i = 0; i < modes.Count; i++) chars += modes[i].Reason.Length;
        for (var i = 0; i < warnings.Count; i++) chars += warnings[i].Length;
        return SpatialBytes(e.ClearanceZone != ClearanceZone.Unspecified, facts.Count, modes.Count, warnings.Count, chars);
    }

    private static long Text(string? text) => text is null ? 0 : 3L * text.Length;

    private static long Utf8(string text) => System.Text.Encoding.UTF8.GetByteCount(text);
}
