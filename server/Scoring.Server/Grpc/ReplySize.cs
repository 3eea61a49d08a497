using Google.Protobuf;
using Grpc.Core;
using Scoring.V1;

namespace Scoring.Server.Grpc;

/// <summary>
/// Keeps every reply message under the 4 MiB that stock gRPC clients accept by default: a BatchEvaluate or
/// EvaluateStored chunk whose results pass <see cref="MaxReplyBytes"/> goes out as several responses (each but the
/// last marked <c>chunk_continues</c>); an UpsertParcels acknowledgement, one message per chunk by contract, keeps
/// every error but shortens those that would not fit.
/// </summary>
internal static class ReplySize
{
    /// <summary>
    /// The most bytes one reply message carries: 4 MiB (what stock clients accept) less 64 KiB. Sizes are counted exactly,
    /// so the margin is only for safety; a chunk of 5,000 basic results (about 3.2 MB) still goes as one message.
    /// </summary>
    public const int MaxReplyBytes = (4 << 20) - (64 << 10);

    /// <summary>The most bytes an UpsertParcels error shortened to fit takes (id up to 64 characters, a 120-byte message).</summary>
    private const int CompactErrorBytes = 340;

    /// <summary>The bytes <paramref name="result"/> takes as one of a response's results: its tag, length and message.</summary>
    public static int InResponse(BatchResult result) => CodedOutputStream.ComputeMessageSize(result) + 1;

    /// <summary>
    /// Writes one chunk's results: one response, or several in order when they would pass <see cref="MaxReplyBytes"/>.
    /// <paramref name="sizeBound"/> is the most bytes the response can take (long.MaxValue when unknown); under the limit,
    /// the response is not measured first.
    /// </summary>
    public static async Task WriteChunkAsync(IServerStreamWriter<BatchEvaluateResponse> stream, BatchEvaluateResponse response, long sizeBound,
        CancellationToken token)
    {
        if (response.Results.Count < 2 || sizeBound <= MaxReplyBytes || response.CalculateSize() <= MaxReplyBytes)
        {
            await stream.WriteAsync(response, token);
            return;
        }
        var part = new BatchEvaluateResponse();
        var size = 0;
        foreach (var result in response.Results)
        {
            var resultSize = InResponse(result);
            if (part.Results.Count > 0 && size + resultSize > MaxReplyBytes)
            {
                part.ChunkContinues = true;
                await stream.WriteAsync(part, token);
                part = new BatchEvaluateResponse();
                size = 0;
            }
            part.Results.Add(result);
            size += resultSize;
        }
        await stream.WriteAsync(part, token);
    }

    /// <summary>
    /// Adds an UpsertParcels chunk's errors to its one acknowledgement, each with its full status while the message
    /// stays under <see cref="MaxReplyBytes"/> with room left for every later error; an error that would not fit is
    /// shortened to its code and a message naming the first field (no details).
    /// </summary>
    public static void AddErrors(UpsertParcelsResponse response, IReadOnlyList<(UpsertError Error, IReadOnlyList<Engine.Evaluation.FieldViolation> Violations, string Reason)> errors)
    {
        var used = response.CalculateSize();
        for (var i = 0; i < errors.Count; i++)
        {
            var (error, violations, reason) = errors[i];
            error.Status = RichErrors.InvalidArgument(violations, reason);
            var size = CodedOutputStream.ComputeMessageSize(error) + 1;
            var later = (errors.Count - i - 1) * CompactErrorBytes;
            if (used + size + later > MaxReplyBytes)
            {
                var first = violations[0];
                error.ParcelId = RichErrors.Clip(error.ParcelId, Engine.Evaluation.ParcelReader.MaxParcelIdLength);
                error.UnitId = RichErrors.Clip(error.UnitId, Engine.Evaluation.ParcelReader.MaxParcelIdLength);
                error.Status = new Google.Rpc.Status
                {
                    Code = (int)Google.Rpc.Code.InvalidArgument,
                    Message = RichErrors.ClipBytes(violations.Count == 1 ? $"{first.Field}: {first.Description}"
                        : $"{violations.Count} invalid fields; first: {first.Field}: {first.Description}", 120),
                };
                size = CodedOutputStream.ComputeMessageSize(error) + 1;
            }
            response.Errors.Add(error);
            used += size;
        }
    }
}
