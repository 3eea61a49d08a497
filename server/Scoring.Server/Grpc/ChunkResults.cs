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
    /// Bytes the chunk's answer takes, counted as results are added (long.MaxValue when unknown): an answer under the
    /// reply limit is then sent without measuring it again.
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
        // Complete: nothing changes a basic answer until it is sent and refilled, so its size is counted once, here, and
        // kept for the serialiser; the result's own size then costs only its id.
        result.Evaluation.KeepSize();
        SizeBound += ReplySize.InResponse(result);
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
        if (SizeBound != long.MaxValue) SizeBound += ReplySize.InResponse(error);
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
