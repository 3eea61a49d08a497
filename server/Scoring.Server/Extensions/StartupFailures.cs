using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Connections;
using Scoring.Storage;

namespace Scoring.Server.Extensions;

/// <summary>
/// Why the server could not start, in one line (port in use, bad configuration, unreadable certificate,
/// unusable database), with exit code 2, instead of stack traces and an abort.
/// </summary>
public static partial class StartupFailures
{
    /// <summary>The exit code of every start-up failure.</summary>
    public const int ExitCode = 2;

    /// <summary>The log category that reports a failed start with its stack trace; quiet until the server has started.</summary>
    internal const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>One line saying why the server could not start; <paramref name="configuration"/> names the certificate files.</summary>
    public static string Describe(Exception failure, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var chain = Chain(failure).ToList();
        if (chain.OfType<StorageFaultException>().FirstOrDefault() is { } storage) return OneLine(storage.Message);
        if (chain.OfType<SchemaTooNewException>().FirstOrDefault() is { } tooNew) return OneLine(tooNew.Message);
        if (chain.OfType<AddressInUseException>().Any())
        {
            var bound = chain.Select(e => FailedToBind().Match(e.Message)).FirstOrDefault(m => m.Success);
            var address = bound is null ? "the address" : "address " + HostAndPort(bound.Groups[1].Value);
            return $"{address} is already in use (is another server running? choose other ports with --urls or Kestrel:Endpoints)";
        }
        if (IsCertificate(chain))
        {
            var paths = CertificatePaths(configuration);
            var which = paths.Count == 0 ? "" : " " + string.Join(", ", paths);
            return OneLine($"cannot read the TLS certificate{which}: {Messages(chain)}");
        }
        if (chain[0] is InvalidOperationException or FormatException or InvalidDataException or ArgumentException
            or Microsoft.Extensions.Options.OptionsValidationException or Engine.Model.ModelValidationException)
            return OneLine($"bad configuration: {Messages(chain)}");
        if (chain[0] is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
            return OneLine($"a file it needs cannot be read: {Messages(chain)}");
        return OneLine($"{chain[0].GetType().Name}: {Messages(chain)}");
    }

    /// <summary>
    /// Until the server has started, the host's own error lines (a failed start, with its stack trace) are left
    /// out: Program prints the one line of <see cref="Describe"/> instead. Afterwards the host logs as configured.
    /// </summary>
    internal static void QuietUntilStarted(ILoggingBuilder logging, IConfiguration configuration, Func<bool> started)
    {
        var minimum = configuration.GetValue<LogLevel?>("Logging:LogLevel:" + HostCategory)
            ?? configuration.GetValue<LogLevel?>("Logging:LogLevel:Microsoft.Extensions.Hosting")
            ?? configuration.GetValue<LogLevel?>("Logging:LogLevel:Microsoft")
            ?? configuration.GetValue("Logging:LogLevel:Default", LogLevel.Information);
        logging.AddFilter(HostCategory, level => level >= minimum && (level < LogLevel.Error || started()));
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is AggregateException { InnerExceptions.Count: 1 } aggregate && aggregate.InnerException is not null) continue;
            yield return x;
        }
    }

    // The outer message and the root cause when it adds something, e.g. "Failed to convert 'lots' …: The input string 'lots' was not in a correct format."
    private static string Messages(IReadOnlyList<Exception> chain)
    {
        var outer = chain[0].Message.Trim().TrimEnd('.');
        var root = chain[^1].Message.Trim().TrimEnd('.');
        return (chain.Count == 1 || root.Length == 0 || outer.Contains(root, StringComparison.Ordinal) ? outer : $"{outer}: {root}") + ".";
    }

    private static bool IsCertificate(IReadOnlyList<Exception> chain) =>
        chain.Any(e => e is CryptographicException) ||
        chain.Any(e => e is IOException or UnauthorizedAccessException && (e.StackTrace?.Contains("Certificate", StringComparison.Ordinal) ?? false));

    // Certificate files named in Kestrel's configuration, e.g. "/srv/tls/server.pfx (Kestrel:Endpoints:Tls:Certificate:Path)".
    private static List<string> CertificatePaths(IConfiguration? configuration)
    {
        if (configuration is null) return [];
        var sections = configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e.GetSection("Certificate"))
            .Append(configuration.GetSection("Kestrel:Certificates:Default"));
        return [.. sections.Where(s => !string.IsNullOrEmpty(s["Path"])).Select(s => $"{s["Path"]} ({s.Path}:Path)")];
    }

    private static string HostAndPort(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Host}:{uri.Port}" : url;

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));

    [GeneratedRegex(@"bind to address (\S+?):? address already in use", RegexOptions.IgnoreCase)]
    private static partial Regex FailedToBind();
}
