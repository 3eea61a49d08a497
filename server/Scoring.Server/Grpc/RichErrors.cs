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
        public const string RequestIdReused = "REQUEST_ID_REUSED";
        public const string BackupDirectoryUnwritable = "BACKUP_DIRECTORY_UNWRITABLE";
        public const string NotAvailableOnStore = "NOT_AVAILABLE_ON_STORE";
        public const string MalformedRequest = "MALFORMED_REQUEST";
        public const string InvalidLayer = "INVALID_LAYER";
        public const string LayerNotFound = "LAYER_NOT_FOUND";
    }

    /// <summary>At most this many field violations are detailed in one BadRequest; the message counts the rest.</summary>
    public const int MaxDetailedViolations = 20;

    /// <summary>
    /// The BadRequest of one error stays within this many bytes (about 2.7 KB once base64-encoded in the
    /// <c>grpc-status-details-bin</c> trailer), so the whole trailer stays well under the 8 KB metadata limit of
    /// stock gRPC clients.
    /// </summary>
    public const int MaxBadRequestBytes = 2048;

    /// <summary>An error message is cut to this many UTF-8 bytes.</summary>
    public const int MaxMessageBytes = 400;

    /// <summary>A field path in a violation is cut to this many characters.</summary>
    public const int MaxFieldChars = 200;

    /// <summary>A violation's description is cut to this many characters.</summary>
    public const int MaxDescriptionChars = 600;

    /// <summary>A value echoed in an error (a resource name, a metadata value) is cut to this many characters.</summary>
    public const int MaxEchoChars = 128;

    /// <summary>
    /// An INVALID_ARGUMENT status naming the offending fields: the first <see cref="MaxDetailedViolations"/> (fewer
    /// when their text passes <see cref="MaxBadRequestBytes"/>) in the BadRequest, every one counted in the message.
    /// </summary>
    public static Google.Rpc.Status InvalidArgument(IReadOnlyCollection<FieldViolation> violations, string reason, string? message = null)
    {
        var badRequest = new BadRequest();
        var size = 0;
        foreach (var v in violations)
        {
            if (badRequest.FieldViolations.Count == MaxDetailedViolations) break;
            var detail = new BadRequest.Types.FieldViolation { Field = Clip(v.Field, MaxFieldChars), Description = Clip(v.Description, MaxDescriptionChars) };
            var detailSize = detail.CalculateSize() + 3; // tag and length prefix
            if (badRequest.FieldViolations.Count > 0 && size + detailSize > MaxBadRequestBytes) break;
            badRequest.FieldViolations.Add(detail);
            size += detailSize;
        }
        var text = ClipBytes(message ?? Summarise(violations), MaxMessageBytes);
        var omitted = violations.Count - badRequest.FieldViolations.Count;
        if (omitted > 0) text += $" (the details name the first {badRequest.FieldViolations.Count}, and {omitted} more)";
        return new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = text,
            Details = { Any.Pack(badRequest), Any.Pack(Info(reason)) },
        };
    }

    /// <summary>INVALID_ARGUMENT for a payload that is not the request message at all (bytes that do not parse).</summary>
    public static Google.Rpc.Status MalformedRequest(string messageType, string parserMessage) => new()
    {
        Code = (int)Code.InvalidArgument,
        Message = ClipBytes($"malformed request: the payload is not a valid {messageType} ({parserMessage})", MaxMessageBytes),
        Details = { Any.Pack(Info(Reasons.MalformedRequest, ("message_type", messageType))) },
    };

    /// <summary>A NOT_FOUND status for a resource.</summary>
    public static Google.Rpc.Status NotFound(string resourceType, string name, string reason, string message) => new()
    {
        Code = (int)Code.NotFound,
        Message = ClipBytes(message, MaxMessageBytes),
        Details =
        {
            Any.Pack(new ResourceInfo { ResourceType = resourceType, ResourceName = Clip(name, MaxEchoChars), Description = ClipBytes(message, MaxMessageBytes) }),
            Any.Pack(Info(reason, ("resource", name))),
        },
    };

    /// <summary>A status with the given code, message and reason.</summary>
    public static Google.Rpc.Status Of(Code code, string reason, string message, params (string Key, string Value)[] metadata) => new()
    {
        Code = (int)code,
        Message = ClipBytes(message, MaxMessageBytes),
        Details = { Any.Pack(Info(reason, metadata)) },
    };

    /// <summary>NOT_FOUND for a parcel given by id that the cache does not hold.</summary>
    public static Google.Rpc.Status UnknownParcel(string id) => NotFound("scoring.v1.Parcel", id, Reasons.ParcelNotFound,
        $"parcel '{Clip(id, MaxEchoChars)}' is not in the indicator cache and the request carries nothing but its id");

    /// <summary>The NOT_FOUND status of an unknown model version.</summary>
    public static Google.Rpc.Status UnknownModel(string version) =>
        NotFound("scoring.v1.Model", version, Reasons.ModelVersionNotFound, $"model version '{Clip(version, MaxEchoChars)}' does not exist");

    /// <summary>FAILED_PRECONDITION: the backup directory cannot be created or written to; names the folder.</summary>
    public static Google.Rpc.Status BackupDirectoryUnwritable(string directory, string message) => new()
    {
        Code = (int)Code.FailedPrecondition,
        Message = message,
        Details =
        {
            Any.Pack(new PreconditionFailure
            {
                Violations = { new PreconditionFailure.Types.Violation { Type = "BACKUP_DIRECTORY", Subject = directory, Description = message } },
            }),
            Any.Pack(Info(Reasons.BackupDirectoryUnwritable, ("directory", directory))),
        },
    };

    /// <summary>FAILED_PRECONDITION: the store the server runs on leaves this feature to its own tools (backups on PostgreSQL).</summary>
    public static Google.Rpc.Status StorageFeatureUnavailable(Storage.StorageFeatureUnavailableException e) => new()
    {
        Code = (int)Code.FailedPrecondition,
        Message = e.Message,
        Details =
        {
            Any.Pack(new PreconditionFailure
            {
                Violations = { new PreconditionFailure.Types.Violation { Type = "STORAGE_PROVIDER", Subject = Storage.StorageFeatureUnavailableException.ProviderName(e.Provider), Description = e.Message } },
            }),
            Any.Pack(Info(Reasons.NotAvailableOnStore, ("feature", e.Feature), ("provider", Storage.StorageFeatureUnavailableException.ProviderName(e.Provider)))),
        },
    };

    /// <summary>
    /// Refuses a request whose free text (a note, an expert's name) is too long or holds control characters:
    /// INVALID_ARGUMENT naming each such field (see <see cref="ParcelText"/>).
    /// </summary>
    public static void RequireText(params (string Field, string? Value, int MaxLength, bool MultiLine)[] fields)
    {
        var violations = new List<FieldViolation>();
        foreach (var (field, value, max, multiLine) in fields) ParcelText.Check(field, value, max, violations, multiLine: multiLine);
        if (violations.Count > 0) throw InvalidArgument(violations, Reasons.InvalidRequest).ToRpcException();
    }

    /// <summary>Runs a store listing; a bad page token or size becomes INVALID_ARGUMENT naming the field.</summary>
    public static async Task<T> ListPage<T>(Func<Task<T>> list)
    {
        try
        {
            return await list();
        }
        catch (Storage.Paging.InvalidPageTokenException e)
        {
            throw InvalidArgument([new FieldViolation("page_token",
                $"the page token {e.Reason}; pass the next_page_token of the previous page of the same listing, or none for the first page")],
                Reasons.InvalidRequest).ToRpcException();
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
        foreach (var (k, v) in metadata) info.Metadata[k] = Clip(v, MaxEchoChars);
        return info;
    }

    /// <summary><paramref name="text"/> cut to <paramref name="maxChars"/> characters (never inside a surrogate pair), marked with an ellipsis.</summary>
    public static string Clip(string text, int maxChars)
    {
        if (text.Length <= maxChars) return text;
        var cut = maxChars - 1;
        if (char.IsHighSurrogate(text[cut - 1])) cut--;
        return string.Concat(text.AsSpan(0, cut), "…");
    }

    /// <summary><paramref name="text"/> cut to at most <paramref name="maxBytes"/> UTF-8 bytes, marked with an ellipsis.</summary>
    public static string ClipBytes(string text, int maxBytes)
    {
        if (text.Length <= maxBytes / 3 || System.Text.Encoding.UTF8.GetByteCount(text) <= maxBytes) return text;
        // The ellipsis takes 3 bytes; walk whole characters (pairs kept together) until the budget is spent.
        var budget = maxBytes - 3;
        var end = 0;
        while (end < text.Length)
        {
            var width = char.IsHighSurrogate(text[end]) && end + 1 < text.Length ? 2 : 1;
            var bytes = System.Text.Encoding.UTF8.GetByteCount(text.AsSpan(end, width));
            if (bytes > budget) break;
            budget -= bytes;
            end += width;
        }
        return string.Concat(text.AsSpan(0, end), "…");
    }

    private static string Summarise(IReadOnlyCollection<FieldViolation> violations)
    {
        var first = violations.First();
        return violations.Count == 1
            ? $"{first.Field}: {first.Description}"
            : $"{violations.Count} invalid fields; first: {first.Field}: {first.Description}";
    }
}
