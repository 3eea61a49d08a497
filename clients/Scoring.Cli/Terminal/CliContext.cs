using System.Text.RegularExpressions;
using Google.Rpc;
using Grpc.Core;
using Scoring.Cli.Input;
using Scoring.Client;
using Spectre.Console;

namespace Scoring.Cli.Terminal;

/// <summary>The process's exit codes.</summary>
internal static class ExitCodes
{
    /// <summary>Everything went through.</summary>
    public const int Ok = 0;
    /// <summary>Some rows (or the request) were refused by the server or could not be read.</summary>
    public const int Refused = 1;
    /// <summary>The command was called wrongly, or its input files are unusable as a whole.</summary>
    public const int Usage = 2;
    /// <summary>The server could not be reached.</summary>
    public const int Unreachable = 3;
    /// <summary>Any other failure: the server failed the call or does not offer it, or the run broke unexpectedly.</summary>
    public const int ServerError = 4;
    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Cancelled = 130;
}

/// <summary>Where a command writes, and whether a person is watching a terminal.</summary>
internal sealed partial class CliContext
{
    public CliContext(TextWriter output, TextWriter error, bool isTerminal)
    {
        Out = output;
        Err = error;
        IsTerminal = isTerminal;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = isTerminal ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        if (!isTerminal) Console.Profile.Width = 160;
    }

    /// <summary>Standard output: results and summaries.</summary>
    public TextWriter Out { get; }

    /// <summary>Standard error: progress lines, warnings and errors.</summary>
    public TextWriter Err { get; }

    /// <summary>Whether standard output is an interactive terminal (live progress, colours).</summary>
    public bool IsTerminal { get; }

    /// <summary>Spectre.Console over <see cref="Out"/>, for tables.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>The API key sent with every call (--api-key or $SCORING_API_KEY), if any.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The balancing policy over the replicas of a dns:/// server address (--load-balancing), if any.</summary>
    public string? LoadBalancingPolicy { get; set; }

    /// <summary>A client for <paramref name="server"/> with the SDK's default deadlines and retries, the API key and the balancing policy.</summary>
    public ScoringClient Connect(Uri server) =>
        new(server, new ScoringClientOptions { Timeout = TimeSpan.FromSeconds(30), ApiKey = ApiKey, LoadBalancingPolicy = LoadBalancingPolicy });

    /// <summary>Reports a failed call on standard error and returns the exit code it means.</summary>
    public int Fail(RpcException e, Uri server, string what)
    {
        if (WrongPortHint(e, server) is { } hint)
        {
            foreach (var line in hint) Err.WriteLine(line);
            return ExitCodes.Unreachable;
        }
        switch (e.StatusCode)
        {
            case StatusCode.Unavailable:
                Err.WriteLine($"error: cannot reach the Scoring server at {server} ({e.Status.Detail}).");
                Err.WriteLine("       Start it (dotnet run --project server/Scoring.Server) or point --server / SCORING_SERVER at it.");
                return ExitCodes.Unreachable;
            case StatusCode.DeadlineExceeded:
                Err.WriteLine($"error: the server at {server} did not answer {what} in time.");
                return ExitCodes.Unreachable;
            case StatusCode.Unauthenticated or StatusCode.PermissionDenied:
                Err.WriteLine($"error: {what} refused: {e.StatusCode}: {e.Status.Detail}");
                Err.WriteLine("       The server wants an API key with the right role: --api-key or SCORING_API_KEY.");
                return ExitCodes.Refused;
            case StatusCode.Cancelled:
                Err.WriteLine("cancelled.");
                return ExitCodes.Cancelled;
            case StatusCode.InvalidArgument or StatusCode.NotFound or StatusCode.FailedPrecondition or StatusCode.Aborted
                or StatusCode.AlreadyExists or StatusCode.OutOfRange:
                Err.WriteLine($"error: {what} refused: {e.StatusCode}: {Describe(e)}");
                return ExitCodes.Refused;
            default:
                Err.WriteLine($"error: {what} failed: {e.StatusCode}: {e.Status.Detail}");
                return ExitCodes.ServerError;
        }
    }

    /// <summary>The server's REST (HTTP/1.1) port when neither --urls nor Kestrel:Endpoints is configured.</summary>
    public const int DefaultRestPort = 5081;

    /// <summary>
    /// When the call failed because the address is not a gRPC endpoint of the kind asked for: the REST port
    /// (it answers HTTP/1.1), or https:// against a cleartext port. The lines to print, naming the gRPC port.
    /// </summary>
    public static IReadOnlyList<string>? WrongPortHint(RpcException e, Uri server)
    {
        var chain = new List<Exception>();
        for (var x = e.Status.DebugException; x is not null; x = x.InnerException) chain.Add(x);
        var grpcPort = ScoringClientOptions.DefaultAddress.Port;
        var suggestion = new UriBuilder(server) { Scheme = Uri.UriSchemeHttp, Port = grpcPort, Path = "" }.Uri.ToString().TrimEnd('/');
        var http11 = chain.Any(x => x is HttpProtocolException { ErrorCode: 0xd }) ||
                     chain.Any(x => x.Message.Contains("HTTP_1_1_REQUIRED", StringComparison.Ordinal));
        if (http11)
            return
            [
                $"error: {server} answers HTTP/1.1, not gRPC over HTTP/2: that is a REST port" +
                (server.Port == DefaultRestPort ? $" (the server's REST/JSON port is {DefaultRestPort} by default)." : "."),
                $"       Point --server at the server's gRPC port, {grpcPort} by default: --server {suggestion}",
            ];
        if (server.Scheme == Uri.UriSchemeHttps && chain.Any(x => x is System.Security.Authentication.AuthenticationException))
        {
            var cleartext = new UriBuilder(server) { Scheme = Uri.UriSchemeHttp, Port = server.Port, Path = "" }.Uri.ToString().TrimEnd('/');
            return
            [
                $"error: {server} does not answer TLS: the port speaks cleartext (the default gRPC port {grpcPort} is HTTP/2 without TLS).",
                $"       Use http:// for it: --server {cleartext}",
            ];
        }
        return null;
    }

    /// <summary>Reports a usage problem and returns exit code 2.</summary>
    public int Fail(UsageException e)
    {
        Err.WriteLine($"error: {e.Message}");
        return ExitCodes.Usage;
    }

    /// <summary>The status message and every field violation of a failed call.</summary>
    public static string Describe(RpcException e)
    {
        var status = e.GetRpcStatus();
        return status is null ? e.Status.Detail : Describe(status);
    }

    /// <summary>The field violations of a status ("field: description; …"), else its message; chunk positions removed.</summary>
    public static string Describe(Google.Rpc.Status status)
    {
        var badRequest = status.GetDetail<BadRequest>();
        if (badRequest is { FieldViolations.Count: > 0 })
            return string.Join("; ", badRequest.FieldViolations.Select(Describe));
        return status.Message;
    }

    // A columnar row's value is named by its position among the chunk's codes, which says nothing to the
    // reader of the file; the description names the code, so it stands alone.
    private static string Describe(BadRequest.Types.FieldViolation v)
    {
        var field = ChunkPrefix().Replace(v.Field, "");
        return field.Length == 0 ? v.Description : $"{field}: {v.Description}";
    }

    [GeneratedRegex(@"^(parcels\[\d+\]\.|columns\.rows\[\d+\]\.((values|categories|vetoes)\[\d+\]$)?)")]
    private static partial Regex ChunkPrefix();
}
