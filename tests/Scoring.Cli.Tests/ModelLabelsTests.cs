namespace Scoring.Cli.Tests;

/// <summary><c>scoring model labels</c>: the server's display names as tables.</summary>
public sealed class ModelLabelsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Model_labels_prints_the_enum_values_and_the_models_codes_in_Chinese_and_English()
    {
        var run = await CliRunner.RunAsync("model", "labels", "--server", server.Address.ToString());

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"scoring\.v1\.Classification\s+│\s+CLASSIFICATION_INEFFICIENT_SCORE\s+│\s+3\s+│\s+低效\(评分\)\s+│\s+Inefficient \(score\)", run.Out);
        Assert.Matches(@"scoring\.v1\.Disposition\s+│\s+DISPOSITION_LOCALLY_REPORTED\s+│\s+3\s+│\s+地方上报\s+│\s+Reported locally", run.Out);
        Assert.Matches(@"element\s+│\s+energy\s+│\s+能源消耗\s+│\s+Energy consumption", run.Out);
        Assert.Matches(@"indicator\s+│\s+tax_per_mu\s+│\s+地均税收\s+│\s+Tax revenue per mu", run.Out);
        Assert.Matches(@"veto\s+│\s+safety\s+│\s+是否符合安全要求\s+│\s+Meets safety requirements", run.Out);
        Assert.Matches(@"mode\s+│\s+research\s+│\s+工改科研\s+│\s+Industrial to research", run.Out);
    }

    [Fact]
    public async Task Model_labels_of_an_unknown_version_fails_naming_it()
    {
        var run = await CliRunner.RunAsync("model", "labels", "404", "--server", server.Address.ToString());

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("404", run.ToString());
    }
}
