using System.Text.Json;
using System.Text.RegularExpressions;

namespace Scoring.Cli.Tests;

/// <summary><c>scoring weights update</c> and <c>scoring model list|show|activate|export</c> against a server of their own.</summary>
public sealed partial class ModelAndWeightsTests(ServerFixture server) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    private string Server => server.Address.ToString();

    private static string AhpRound => Path.Combine(AppContext.BaseDirectory, "samples", "ahp-round.json");

    // samples/ahp-round.json was written for three experts from the paper's weights; its figures below were computed
    // independently of the server (power iteration in double precision on each matrix, and on the element-wise
    // geometric mean of the three for "combined"), with RI(6) = 1.24, RI(4) = 0.90, RI(5) = 1.12:
    //   elements combined: λmax 6.0077, CI 0.0015, CR 0.0012; weights 0.0524, 0.2787, 0.1478, 0.0834, 0.3400, 0.0977
    //   land     combined: λmax 4.0254, CI 0.0085, CR 0.0094; weights 0.4427, 0.2718, 0.0555, 0.2301
    //   energy   combined: λmax 5.0281, CI 0.0070, CR 0.0063; weights 0.2549, 0.3762, 0.1452, 0.0657, 0.1580
    //   the most inconsistent single matrix: land, expert-environment, λmax 4.0813, CR 0.0301.
    [Fact]
    public async Task A_dry_run_prints_each_experts_consistency_and_the_combined_weights_and_stores_nothing()
    {
        var run = await CliRunner.RunAsync("weights", "update", "--ahp", AhpRound, "--dry-run", "--server", Server);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"elements\s+│\s+combined\s+│\s+6\s+│\s+6\.0077\s+│\s+0\.0015\s+│\s+0\.0012\s+│\s+yes", run.Out);
        Assert.Matches(@"land\s+│\s+combined\s+│\s+4\s+│\s+4\.0254\s+│\s+0\.0085\s+│\s+0\.0094\s+│\s+yes", run.Out);
        Assert.Matches(@"energy\s+│\s+combined\s+│\s+5\s+│\s+5\.0281\s+│\s+0\.0070\s+│\s+0\.0063\s+│\s+yes", run.Out);
        Assert.Matches(@"land\s+│\s+expert-environment\s+│\s+4\s+│\s+4\.0813\s+│\s+0\.0271\s+│\s+0\.0301\s+│\s+yes", run.Out);
        string[] elementWeights = ["population │ 0.0524", "land │ 0.2787", "enterprise │ 0.1478", "industry │ 0.0834", "economy │ 0.34", "energy │ 0.0977"];
        foreach (var w in elementWeights) Assert.Matches(@"elements\s+│\s+" + w.Replace(" │ ", @"\s+│\s+", StringComparison.Ordinal), run.Out);
        // Groups not judged keep the base model's weights (Table 1).
        Assert.Matches(@"economy\s+│\s+tax_per_mu\s+│\s+0\.2\s", run.Out);
        Assert.Contains("dry run: nothing stored.", run.Out);

        var list = await CliRunner.RunAsync("model", "list", "--server", Server);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.DoesNotMatch(@"│\s+│\s+2\s+│", list.Out);
    }

    [Fact]
    public async Task A_new_version_can_be_activated_listed_shown_exported_and_rolled_back()
    {
        var update = await CliRunner.RunAsync("weights", "update", "--ahp", AhpRound, "--activate", "--note", "expert round", "--server", Server);
        Assert.True(update.ExitCode == 0, update.ToString());
        var version = NewVersion().Match(update.Out).Groups[1].Value;
        Assert.NotEqual("", version);
        Assert.Contains("(now active)", update.Out);

        var list = await CliRunner.RunAsync("model", "list", "--server", Server);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Matches($@"│\s+\*\s+│\s+{Regex.Escape(version)}\s+│\s+1\s+│", list.Out);

        var show = await CliRunner.RunAsync("model", "show", "--server", Server);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Matches($@"version\s+{Regex.Escape(version)} \(active\)", show.Out);
        Assert.Matches(@"land\s+│\s+far\s+│\s+0\.4427", show.Out);

        var exported = _cli.PathOf("model.json");
        var export = await CliRunner.RunAsync("model", "export", version, "-o", exported, "--server", Server);
        Assert.True(export.ExitCode == 0, export.ToString());
        using (var doc = JsonDocument.Parse(await File.ReadAllTextAsync(exported)))
        {
            Assert.Equal(version, doc.RootElement.GetProperty("version").GetString());
            var land = doc.RootElement.GetProperty("elements").EnumerateArray().Single(e => e.GetProperty("code").GetString() == "land");
            Assert.Equal(0.2787, land.GetProperty("weight").GetDouble(), 4);
        }

        var rollback = await CliRunner.RunAsync("model", "activate", "1", "--note", "roll back", "--server", Server);
        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.StartsWith("active model: 1", rollback.Out);
        list = await CliRunner.RunAsync("model", "list", "--server", Server);
        Assert.Matches(@"│\s+\*\s+│\s+1\s+│", list.Out);
    }

    [Fact]
    public async Task Inconsistent_judgments_are_refused_with_exit_code_1()
    {
        // population ≻ land ≻ enterprise ≻ population, each "extremely" (9): a cycle no weights can honour.
        string[] items = ["population", "land", "enterprise", "industry", "economy", "energy"];
        var values = new double[36];
        for (var i = 0; i < 6; i++) for (var j = 0; j < 6; j++) values[i * 6 + j] = 1;
        void Judge(int i, int j, double a) { values[i * 6 + j] = a; values[j * 6 + i] = 1 / a; }
        Judge(0, 1, 9);
        Judge(1, 2, 9);
        Judge(2, 0, 9);
        var file = _cli.PathOf("cycle.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new
        {
            matrices = new[] { new { group = "elements", items, values, expert = "contrarian" } },
        }));

        var run = await CliRunner.RunAsync("weights", "update", "--ahp", file, "--dry-run", "--server", Server);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("refused", run.Err);
        Assert.Contains("elements", run.Err);
    }

    [Fact]
    public async Task A_judgments_file_that_is_not_AhpJudgments_is_a_usage_error()
    {
        var file = _cli.PathOf("bad.json");
        await File.WriteAllTextAsync(file, """{"matrixes": []}""");
        var run = await CliRunner.RunAsync("weights", "update", "--ahp", file, "--server", Server);
        Assert.True(run.ExitCode == 2, run.ToString());
    }

    [GeneratedRegex(@"new model version: (\S+)")]
    private static partial Regex NewVersion();
}
