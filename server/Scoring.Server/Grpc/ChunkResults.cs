using Scoring.Engine.Evaluation;
using Scoring.Server.Identification;
using Scoring.V1;

namespace Scoring.Server.Grpc;

/// <summary>
/// Turns what the application layer tells of each parcel of a BatchEvaluate chunk into the chunk's
/// <see cref="BatchResult"/>s, in order. Parcels of the chunk's <c>parcels</c> come first, then its columnar rows;
/// an error names its field under <c>parcels[i]</c> or <c>columns.rows[r]</c>.
/// </summary>
internal sealed class ChunkResults(bool full) : IEvaluationSink
{
    private BatchEvaluateResponse _response = new();
    private int _mapForm;

    /// <summary>Starts a chunk with <paramref name="mapForm"/> parcels before its rows.</summary>
    public void Start(int mapForm)
    {
        _response = new BatchEvaluateResponse();
        _mapForm = mapForm;
    }

    /// <summary>The chunk's answer.</summary>
    public BatchEvaluateResponse Response => _response;

    public void Evaluated(int index, in EvaluatedParcel parcel) =>
        _response.Results.Add(new BatchResult { ParcelId = parcel.Vector.ParcelId, Evaluation = parcel.ToProto(full) });

    public void Refused(int index, string parcelId, IReadOnlyList<FieldViolation> violations)
    {
        // Field paths are prefixed only here, on the error path, so valid parcels allocate no strings.
        var prefix = index < _mapForm ? $"parcels[{index}]." : $"columns.rows[{index - _mapForm}].";
        var named = violations.Select(v => v.Field.StartsWith("columns.", StringComparison.Ordinal) ? v : v with { Field = prefix + v.Field }).ToList();
        _response.Results.Add(new BatchResult { ParcelId = RichErrors.Clip(parcelId, RichErrors.MaxEchoChars), Error = RichErrors.InvalidArgument(named, RichErrors.Reasons.InvalidParcel) });
    }

    public void NotFound(int index, string parcelId) =>
        _response.Results.Add(new BatchResult { ParcelId = RichErrors.Clip(parcelId, RichErrors.MaxEchoChars), Error = RichErrors.UnknownParcel(parcelId) });
}

/// <summary>Keeps the one answer of an EvaluateParcel call.</summary>
internal sealed class SingleResult(bool full) : IEvaluationSink
{
    /// <summary>The evaluation, once the parcel was scored.</summary>
    public Evaluation? Evaluation { get; private set; }

    /// <summary>The error, once the parcel was refused or not found.</summary>
    public Google.Rpc.Status? Error { get; private set; }

    public void Evaluated(int index, in EvaluatedParcel parcel) => Evaluation = parcel.ToProto(full);

    public void Refused(int index, string parcelId, IReadOnlyList<FieldViolation> violations) =>
        Error = RichErrors.InvalidArgument([.. violations.Select(v => v with { Field = "parcel." + v.Field })], RichErrors.Reasons.InvalidParcel);

    public void NotFound(int index, string parcelId) => Error = RichErrors.UnknownParcel(parcelId);
}
