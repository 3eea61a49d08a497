using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Scoring.Engine.Evaluation;

namespace Scoring.Server.Grpc;

/// <summary>Builds google.rpc.Status errors with BadRequest / ErrorInfo details.</summary>
internal static class RichErrors
{
    /// <summary>The ErrorInfo domain of every error this service raises.</summary>
    public const string Domain = Operations.Errors.Domain;

    /// <summary>Stable ErrorInfo reasons.</summary>
    public static class Reasons
    {
        public const string InvalidParcel = "INVALID_PARCEL";
        public const string InvalidRequest = "INVALID_REQUEST";
        public const string ModelVersionNotFound = "MODEL_VERSION_NOT_FOUND";
        public const string ParcelNotFound = "PARCEL_NOT_FOUND";
        public const string InvalidWeights = "INVALID_WEIGHTS";
        public const string InconsistentJudgments = "INCONSISTENT_JUDGMENTS";
        public const string ActiveVersionChanged = "ACTIVE_VERSION_CHANGED";
        public const string InvalidModel = "INVALID_MODEL";
    }

    /// <summary>An INVALID_ARGUMENT status naming every offending field.</summary>
    public static Google.Rpc.Status InvalidArgument(IReadOnlyCollection<FieldViolation> violations, string reason, string? message = null)
    {
        var badRequest = new BadRequest();
        foreach (var v in violations)
            badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description });
        return new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = message ?? Summarise(violations),
            Details = { Any.Pack(badRequest), Any.Pack(Info(reason)) },
        };
    }

    /// <summary>A NOT_FOUND status for a resource.</summary>
    public static Google.Rpc.Status NotFound(string resourceType, string name, string reason, string message) => new()
    {
        Code = (int)Code.NotFound,
        Message = message,
        Details =
        {
            Any.Pack(new ResourceInfo { ResourceType = resourceType, ResourceName = name, Description = message }),
            Any.Pack(Info(reason, ("resource", name))),
        },
    };

    /// <summary>A status with the given code, message and reason.</summary>
    public static Google.Rpc.Status Of(Code code, string reason, string message, params (string Key, string Value)[] metadata) => new()
    {
        Code = (int)code,
        Message = message,
        Details = { Any.Pack(Info(reason, metadata)) },
    };

    /// <summary>NOT_FOUND for a parcel given by id that the cache does not hold.</summary>
    public static Google.Rpc.Status UnknownParcel(string id) => NotFound("scoring.v1.Parcel", id, Reasons.ParcelNotFound,
        $"parcel '{id}' is not in the indicator cache and the request carries nothing but its id");

    /// <summary>The NOT_FOUND status of an unknown model version.</summary>
    public static Google.Rpc.Status UnknownModel(string version) =>
        NotFound("scoring.v1.Model", version, Reasons.ModelVersionNotFound, $"model version '{version}' does not exist");

    /// <summary>Runs a store listing; a bad page token or size becomes INVALID_ARGUMENT naming the field.</summary>
    public static async Task<T> ListPage<T>(Func<Task<T>> list)
    {
        try
        {
            return await list();
        }
        catch (ArgumentException e) when (e.ParamName is "pageToken" or "pageSize")
        {
            var field = e.ParamName == "pageToken" ? "page_token" : "page_size";
            throw InvalidArgument([new FieldViolation(field, e.Message)], Reasons.InvalidRequest).ToRpcException();
        }
    }

    private static ErrorInfo Info(string reason, params (string Key, string Value)[] metadata)
    {
        var info = new ErrorInfo { Reason = reason, Domain = Domain };
        foreach (var (k, v) in metadata) info.Metadata[k] = v;
        return info;
    }

    private static string Summarise(IReadOnlyCollection<FieldViolation> violations)
    {
        var first = violations.First();
        return violations.Count == 1
            ? $"{first.Field}: {first.Description}"
            : $"{violations.Count} invalid fields; first: {first.Field}: {first.Description}";
    }
}
