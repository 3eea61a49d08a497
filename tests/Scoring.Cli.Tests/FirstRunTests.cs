using System.Diagnostics;
using System.Globalization;

namespace Scoring.Cli.Tests;

/// <summary>
/// What a new user runs into (issue 12, "Also"): the wrong port, https against cleartext, a semicolon or tab CSV,
/// a directory as input, a mistyped column or subcommand, and `scoring` as an installed .NET tool.
/// </summary>
public sealed class FirstRunTests(SecuredServerFixture server) : IClassFixture<SecuredServerFixture>, IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    private string Server => server.Address.ToString();

    [Fact]
    public async Task Pointed_at_the_REST_port_it_says_the_port_answers_HTTP_1_1_and_names_the_gRPC_port()
    {
        var run = await CliRunner.RunAsync("model", "list", "--server", server.RestAddress.ToString(), "--api-key", SecuredServerFixture.ReaderKey);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal(
        [
            $"error: {server.RestAddress} answers HTTP/1.1, not gRPC over HTTP/2: that is a REST port.",
            "       Point --server at the server's gRPC port, 5080 by default: --server http://127.0.0.1:5080",
        ], Lines(run.Err));
    }

    [Fact]
    public async Task Https_against_the_cleartext_gRPC_port_says_to_use_http()
    {
        var https = new UriBuilder(server.Address) { Scheme = "https" }.Uri;

        var run = await CliRunner.RunAsync("model", "list", "--server", https.ToString(), "--api-key", SecuredServerFixture.ReaderKey);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal(
        [
            $"error: {https} does not answer TLS: the port speaks cleartext (the default gRPC port 5080 is HTTP/2 without TLS).",
            $"       Use http:// for it: --server http://127.0.0.1:{server.Address.Port}",
        ], Lines(run.Err));
    }

    [Theory]
    [InlineData(";", "semicolons")]
    [InlineData("\t", "tabs")]
    public async Task A_semicolon_or_tab_separated_csv_is_read_and_its_delimiter_named(string delimiter, string named)
    {
        var header = Rows.Header();
        var path = _cli.PathOf($"split-{named}.csv");
        File.WriteAllLines(path,
        [
            string.Join(delimiter, header),
            string.Join(delimiter, header.Select(h => HandWorkedParcel.Row("D1")[h])),
        ]);
        var output = _cli.PathOf($"split-{named}-out.csv");

        var run = await CliRunner.RunAsync("evaluate", path, "-o", output, "--server", Server, "--api-key", SecuredServerFixture.ReaderKey);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"note: '{path}' is read with fields split on {named} (found in its header row)", Lines(run.Err));
        var row = Assert.Single(Rows.ReadCsv(output));
        Assert.Equal("D1", row["parcel_id"]);
        Assert.Equal(HandWorkedParcel.Score, double.Parse(row["score"], CultureInfo.InvariantCulture), 6);
    }

    [Fact]
    public async Task A_header_without_parcel_id_names_the_delimiter_it_was_split_on()
    {
        var path = _cli.PathOf("pipes.csv");
        File.WriteAllLines(path, ["parcel_id|far", "P1|1.5"]);

        var run = await CliRunner.RunAsync("evaluate", path, "-o", _cli.PathOf("pipes-out.csv"), "--server", Server, "--api-key", SecuredServerFixture.ReaderKey);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal($"error: input '{path}' has no parcel_id column (header, split on commas: parcel_id|far)", Lines(run.Err).Single());
    }

    [Fact]
    public async Task A_directory_given_as_input_is_reported_as_a_directory()
    {
        var directory = Directory.CreateDirectory(_cli.PathOf("parcels.csv")).FullName;

        var evaluate = await CliRunner.RunAsync("evaluate", directory, "-o", _cli.PathOf("dir-out.csv"), "--server", Server, "--api-key", SecuredServerFixture.ReaderKey);
        var ingest = await CliRunner.RunAsync("ingest", directory, "--source", "planning-bureau", "--as-of", "2024-12-31",
            "--server", Server, "--api-key", SecuredServerFixture.WriterKey);

        var expected = $"error: input '{directory}' is a directory; give a file (.csv, .xlsx, .jsonl, .ndjson, .shp or .gpkg)";
        Assert.True(evaluate.ExitCode == 2, evaluate.ToString());
        Assert.Equal(expected, Lines(evaluate.Err).Single());
        Assert.True(ingest.ExitCode == 2, ingest.ToString());
        Assert.Equal(expected, Lines(ingest.Err).Single());
    }

    [Fact]
    public async Task A_mistyped_column_is_answered_with_did_you_mean()
    {
        // "farr" for "far": one letter too many, one edit away.
        var header = Rows.Header().Select(h => h == "far" ? "farr" : h).ToList();
        var row = HandWorkedParcel.Row("T1");
        row["farr"] = row["far"];
        var input = Rows.WriteCsv(_cli.PathOf("typo.csv"), header, [row]);

        var run = await CliRunner.RunAsync("evaluate", input, "-o", _cli.PathOf("typo-out.csv"), "--server", Server, "--api-key", SecuredServerFixture.ReaderKey);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("warning: unknown columns 'farr' (did you mean 'far'?): a row with a value in one of them goes to the errors file", Lines(run.Err));
        var error = Assert.Single(Rows.ReadCsv(_cli.PathOf("typo-out.errors.csv")));
        Assert.Equal("column 'farr': unknown column (not a ParcelInput field, nor an indicator, category or veto of model 1); did you mean 'far'?", error["reason"]);
    }

    [Fact]
    public async Task A_mistyped_subcommand_or_option_is_answered_with_did_you_mean()
    {
        var command = await CliRunner.RunAsync("modle", "list");
        var subcommand = await CliRunner.RunAsync("model", "lst");
        var option = await CliRunner.RunAsync("model", "list", "--sever", Server);
        var farOff = await CliRunner.RunAsync("model", "frobnicate");

        Assert.True(command.ExitCode == 2, command.ToString());
        Assert.Contains("Did you mean 'scoring model' instead of 'modle'?", Lines(command.Err));
        Assert.True(subcommand.ExitCode == 2, subcommand.ToString());
        Assert.Contains("Did you mean 'scoring model list' instead of 'lst'?", Lines(subcommand.Err));
        Assert.True(option.ExitCode == 2, option.ToString());
        Assert.Contains("Did you mean 'scoring model list --server' instead of '--sever'?", Lines(option.Err));
        Assert.True(farOff.ExitCode == 2, farOff.ToString());
        Assert.DoesNotContain("Did you mean", farOff.Err);
    }

    [Fact]
    public async Task Packed_as_a_dotnet_tool_it_installs_and_runs_as_scoring()
    {
        var project = Path.Combine(RepositoryRoot(), "clients", "Scoring.Cli", "Scoring.Cli.csproj");
        var packages = _cli.PathOf("packages");
        var tools = _cli.PathOf("tools");
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

        await Run("dotnet", "pack", project, "--no-build", "-c", configuration, "-o", packages);
        await Run("dotnet", "tool", "install", "--tool-path", tools, "--add-source", packages, "Scoring.Cli");
        var (exit, output) = await Run(Path.Combine(tools, "scoring"), "model", "list", "--server", Server, "--api-key", SecuredServerFixture.ReaderKey);

        Assert.Equal(0, exit);
        Assert.Matches(@"│ \* │ 1\s+│", output);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Scoring.sln"))) return dir.FullName;
        throw new InvalidOperationException("Scoring.sln not found above " + AppContext.BaseDirectory);
    }

    // Runs a program to its end; a non-zero exit of dotnet pack / tool install fails the test with its output.
    private static async Task<(int Exit, string Output)> Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        if (program == "dotnet" && process.ExitCode != 0)
            throw new Xunit.Sdk.XunitException($"{program} {string.Join(' ', args)} exited {process.ExitCode}:\n{await output}\n{await errors}");
        return (process.ExitCode, await output + await errors);
    }
}
