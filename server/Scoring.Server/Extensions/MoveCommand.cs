using System.Globalization;
using Scoring.Storage;
using Scoring.Storage.Moving;

namespace Scoring.Server.Extensions;

/// <summary>
/// <c>migrate --from "Data Source=…" --to "Host=…" [--force] [--verify-only]</c>: moves a district from its SQLite file into
/// an empty PostgreSQL database and verifies it, printing each table's rows and checksum in both. Exit code 0 when every
/// table matches, 1 when one does not, 2 when the move cannot be made (the reason in one line).
/// </summary>
public static class MoveCommand
{
    /// <summary>Whether <paramref name="args"/> ask for a move (<c>migrate</c> with <c>--from</c>) rather than a schema migration.</summary>
    public static bool Asks(string[] args) => args is ["migrate", ..] && args.Contains("--from");

    /// <summary>Runs the move (or only the check) and writes its table to <paramref name="output"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        string? from = null, to = null;
        bool force = false, verifyOnly = false;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--from" when i + 1 < args.Length: from = args[++i]; break;
                case "--to" when i + 1 < args.Length: to = args[++i]; break;
                case "--force": force = true; break;
                case "--verify-only": verifyOnly = true; break;
                default:
                    error.WriteLine($"scoring: cannot migrate: unknown argument '{args[i]}'; usage: migrate --from \"Data Source=…\" --to \"Host=…\" [--force] [--verify-only]");
                    return StartupFailures.ExitCode;
            }
        }
        if (from is null || to is null)
        {
            error.WriteLine("scoring: cannot migrate: give both --from \"Data Source=…\" (the SQLite file) and --to \"Host=…\" (the PostgreSQL database)");
            return StartupFailures.ExitCode;
        }
        MoveReport report;
        try
        {
            output.WriteLine(verifyOnly ? $"checking {Describe(from)} against {Describe(to)}" : $"moving {Describe(from)} into {Describe(to)}");
            report = verifyOnly ? await DistrictMove.VerifyAsync(from, to) : await DistrictMove.MoveAsync(from, to, force);
        }
        catch (Exception e) when (e is TargetNotEmptyException or ArgumentException or StorageFaultException or SchemaTooNewException)
        {
            error.WriteLine($"scoring: cannot migrate: {e.Message}");
            return StartupFailures.ExitCode;
        }
        Write(report, output);
        return report.Verified ? 0 : 1;
    }

    // Where a connection string points, without its password.
    private static string Describe(string connectionString)
    {
        var builder = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        return StorageProviders.Choose(connectionString) == StorageProvider.Sqlite
            ? $"SQLite {builder["Data Source"]}"
            : $"PostgreSQL {builder["Host"]}{(builder.TryGetValue("Port", out var port) ? $":{port}" : "")}/{(builder.TryGetValue("Database", out var database) ? database : "")}";
    }

    private static void Write(MoveReport report, TextWriter output)
    {
        static string Rows(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
        output.WriteLine($"{"table",-18} {"rows (SQLite)",13} {"rows (PostgreSQL)",17}  {"checksum (SQLite)",-17} {"checksum (PostgreSQL)",-21}  check");
        foreach (var t in report.Tables)
            output.WriteLine($"{t.Table,-18} {Rows(t.Source.Rows),13} {Rows(t.Target.Rows),17}  {t.Source.Checksum[..16],-17} {t.Target.Checksum[..16],-21}  {(t.Matches ? "ok" : "MISMATCH")}");
        var rows = report.Tables.Sum(t => t.Source.Rows);
        output.WriteLine(report.Verified
            ? $"verified: {report.Tables.Count} tables, {Rows(rows)} rows, the same in both"
            : $"NOT verified: {report.Tables.Count(t => !t.Matches)} of {report.Tables.Count} tables differ");
    }
}
