using System.Text.RegularExpressions;

namespace Scoring.Cli.Tests;

/// <summary><c>scoring backup</c> against a real server.</summary>
public sealed partial class BackupCommandTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Backup_prints_the_file_name_and_the_size_of_the_file_the_server_wrote()
    {
        var run = await CliRunner.RunAsync("backup", "--server", server.Address.ToString());

        Assert.True(run.ExitCode == 0, run.ToString());
        var directory = Path.Combine(server.DataDirectory, "backups");
        var m = Printed().Match(run.Out);
        Assert.True(m.Success, run.ToString());
        Assert.Equal(directory, m.Groups["directory"].Value);
        var file = new FileInfo(Path.Combine(directory, m.Groups["name"].Value));
        Assert.True(file.Exists, run.ToString());
        Assert.Equal(file.Length.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), m.Groups["bytes"].Value);
    }

    [Fact]
    public async Task Backup_of_an_unreachable_server_exits_3()
    {
        var run = await CliRunner.RunAsync("backup", "--server", "http://127.0.0.1:1");

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("cannot reach the Scoring server", run.Err);
    }

    [GeneratedRegex(@"^backup: (?<name>scoring-\d{8}T\d{6}Z(-\d+)?\.db) \((?<bytes>[\d,]+) bytes, \d+\.\d MiB\) in (?<directory>\S+), taken \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$", RegexOptions.Multiline)]
    private static partial Regex Printed();
}
