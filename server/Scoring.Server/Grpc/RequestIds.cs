using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Scoring.Engine.Evaluation;
using Scoring.Server.Models;

namespace Scoring.Server.Grpc;

/// <summary>
/// Request ids (Google AIP-155) at the edge: checked, and paired with a digest of the request they name, so the
/// application layer compares requests without knowing their proto form.
/// </summary>
internal static class RequestIds
{
    /// <summary>The request field that carries the id.</summary>
    public const string Field = "request_id";

    /// <summary>The longest request id accepted, in characters (Unicode scalar values).</summary>
    public const int MaxLength = 128;

    /// <summary>
    /// The request id with the SHA-256 of the request's binary form with the id cleared (and its message name, so one id
    /// cannot name requests of two RPCs alike); null when the id is empty. The requests hashed have no map fields, so
    /// their binary form is canonical: fields in number order, repeated values in order.
    /// </summary>
    /// <exception cref="Grpc.Core.RpcException">INVALID_ARGUMENT naming request_id: too long or with a control character.</exception>
    public static RequestIdentity? Identify<T>(T request, string requestId, Action<T> clearId) where T : IMessage<T>
    {
        if (requestId.Length == 0) return null;
        if (Problem(requestId) is { } problem)
            throw RichErrors.InvalidArgument([new FieldViolation(Field, problem)], RichErrors.Reasons.InvalidRequest).ToRpcException();
        var copy = request.Clone();
        clearId(copy);
        var name = Encoding.UTF8.GetBytes(request.Descriptor.FullName + "\n");
        var hash = SHA256.HashData([.. name, .. copy.ToByteArray()]);
        return new RequestIdentity(requestId, Convert.ToHexStringLower(hash));
    }

    /// <summary>INVALID_ARGUMENT naming request_id: the id was used before for a different request.</summary>
    public static Google.Rpc.Status Reused(string requestId) => RichErrors.InvalidArgument(
        [new FieldViolation(Field, $"'{requestId}' was already used for a different request; give a new request id for a new request")],
        RichErrors.Reasons.RequestIdReused);

    private static string? Problem(string requestId)
    {
        var length = 0;
        foreach (var rune in requestId.EnumerateRunes())
        {
            if (Rune.IsControl(rune)) return $"must not contain control characters; U+{rune.Value:X4} at character {length + 1}";
            length++;
        }
        return length > MaxLength ? $"must be at most {MaxLength} characters, got {length}" : null;
    }
}
