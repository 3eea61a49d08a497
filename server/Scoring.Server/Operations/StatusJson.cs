using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Scoring.Server.Operations;

/// <summary>
/// A google.rpc.Status as REST/JSON clients get every error: protobuf's JSON form, details Any-packed with their
/// <c>@type</c> (<c>{"code":8,"message":"…","details":[{"@type":"type.googleapis.com/google.rpc.QuotaFailure",…}]}</c>).
/// </summary>
internal static class StatusJson
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default
        .WithFormatDefaultValues(true)
        .WithTypeRegistry(TypeRegistry.FromFiles(Google.Rpc.ErrorDetailsReflection.Descriptor)));

    /// <summary>The status as JSON text.</summary>
    public static string Format(Google.Rpc.Status status) => Formatter.Format(status);

    /// <summary>Writes the status as the response body (the caller sets the HTTP status code).</summary>
    public static Task WriteAsync(HttpResponse response, Google.Rpc.Status status)
    {
        response.ContentType = "application/json; charset=utf-8";
        return response.WriteAsync(Format(status));
    }
}
