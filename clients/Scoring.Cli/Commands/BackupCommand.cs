using System.CommandLine;
using System.Globalization;
using Scoring.Cli.Terminal;
using Scoring.V1;

namespace Scoring.Cli.Commands;

/// <summary><c>scoring backup</c>: a consistent snapshot of the server's database, written on the server.</summary>
internal static class BackupCommand
{
    // A large database takes longer to copy than the client's default deadline for a unary call.
    private static readonly TimeSpan Deadline = TimeSpan.FromHours(1);

    public static Command Build(CliContext ctx, Option<Uri> server)
    {
        var command = new Command("backup",
            "Has the server write a consistent snapshot of its database into its backup directory (Storage:BackupDirectory) " +
            "while it goes on serving; prints the file's name and size. Needs the admin role. Not retried: each call writes a new file.");
        command.SetAction((parse, token) => Program.CallAsync(ctx, parse.GetValue(server)!, "CreateBackup", async client =>
        {
            var r = await client.Operations.CreateBackupAsync(new CreateBackupRequest(), deadline: DateTime.UtcNow + Deadline, cancellationToken: token);
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"backup: {r.FileName} ({Size(r.SizeBytes)}) in {r.Directory}, taken {r.CreateTime.ToDateTimeOffset():yyyy-MM-dd HH:mm:ss}Z"));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static string Size(long bytes) =>
        bytes.ToString("N0", CultureInfo.InvariantCulture) + " bytes, " + (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";
}
