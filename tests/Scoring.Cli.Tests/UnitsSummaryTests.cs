using Scoring.Cli.Commands;
using Scoring.V1;
using Spectre.Console;

namespace Scoring.Cli.Tests;

/// <summary><c>scoring units summary</c> over evaluations recorded by <c>evaluate --record-history</c>, on a server of its own.</summary>
public sealed class UnitsSummaryTests(ServerFixture server) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    private string Server => server.Address.ToString();

    [Fact]
    public async Task Recorded_evaluations_roll_up_by_level_and_unit_with_the_units_land_use_against_the_norm()
    {
        // park-a: two parcels of 120 亩 scoring 0.7363, one failing a veto → 1 inefficient, half the area.
        // comm-b: two parcels of 30 亩, 0.61984 (REVIEW) and 0.57024 (INEFFICIENT_SCORE) → mean 0.59504.
        var parcels = Rows.WriteCsv(_cli.PathOf("district.csv"), Rows.Header(),
        [
            HandWorkedParcel.Row("U1"),
            HandWorkedParcel.Row("U2").With(("safety", "否")),
            Rows.AtMinimum("U3"),
            Rows.AtMinimum("U4").With(("registration_status", "revoked")),
        ]);
        // park-a: 700 of 1000 亩 industrial = 70% (> 60%: meets); comm-b: 300 of 400 = 75% (not within 50% ± 10%).
        var units = _cli.PathOf("units.csv");
        await File.WriteAllTextAsync(units,
            "unit_id,name,level,total_area_mu,industrial_area_mu\npark-a,A 园区,PARK,1000,700\ncomm-b,B 社区,COMMUNITY,400,300\n");

        var ingest = await CliRunner.RunAsync("ingest", parcels, "--source", "planning-bureau", "--as-of", "2024-12-31",
            "--units", units, "--errors", _cli.PathOf("ingest-errors.csv"), "--server", Server);
        Assert.True(ingest.ExitCode == 0, ingest.ToString());
        Assert.Contains("units: 2 of 2 stored", ingest.Out);

        var evaluate = await CliRunner.RunAsync("evaluate", parcels, "-o", _cli.PathOf("out.csv"), "--record-history", "--server", Server);
        Assert.True(evaluate.ExitCode == 0, evaluate.ToString());

        var run = await CliRunner.RunAsync("units", "summary", "--streets", "--server", Server);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("4 parcels evaluated, 2 inefficient (50.0% of 300.0 亩)", run.Out);
        // Evaluated without --robustness: whether a verdict is contested is not known, which is not "none contested".
        Assert.Contains("contested: not known (no parcel's latest evaluation was made with robustness)", run.Out);
        Assert.Matches(@"PARK 工业园区\s+│\s+2 │.*│\s+–\s+│\s+–\s+│", run.Out);
        Assert.Matches(@"PARK 工业园区\s+│\s+2 │\s+240\.0 │\s+0\.736 │\s+1 │\s+50\.0%", run.Out);
        Assert.Matches(@"COMMUNITY 工业社区\s+│\s+2 │\s+60\.0 │\s+0\.595 │\s+1 │\s+50\.0%", run.Out);
        Assert.Matches(@"park-a A 园区\s+│\s+2 │\s+240\.0 │\s+0\.736 │\s+1 │\s+50\.0% │ 70\.0%\s+│[^│]+│ yes", run.Out);
        Assert.Matches(@"comm-b B 社区\s+│\s+2 │\s+60\.0 │\s+0\.595 │\s+1 │\s+50\.0% │ 75\.0%\s+│[^│]+│ NO", run.Out);
        Assert.Matches(@"秣陵街道\s+│\s+2 │", run.Out);
        Assert.Matches(@"湖熟街道\s+│\s+2 │", run.Out);
    }
}

/// <summary><c>scoring units summary</c> over evaluations recorded by <c>evaluate --robustness --record-history</c>, on a server of its own.</summary>
public sealed class ContestedSummaryTests(ServerFixture server) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Verdicts_evaluated_with_robustness_are_counted_as_contested_or_not()
    {
        // Two parks of 120 亩: 0.7363, far above 0.6 (stable: no draw of the first 1,000 below it), and the same failing
        // a veto (stable whatever the weights).
        var parcels = Rows.WriteCsv(_cli.PathOf("district.csv"), Rows.Header(),
            [HandWorkedParcel.Row("V1"), HandWorkedParcel.Row("V2").With(("safety", "否"))]);
        var evaluate = await CliRunner.RunAsync("evaluate", parcels, "-o", _cli.PathOf("out.csv"), "--robustness", "--record-history",
            "--server", server.Address.ToString());
        Assert.True(evaluate.ExitCode == 0, evaluate.ToString());

        var run = await CliRunner.RunAsync("units", "summary", "--server", server.Address.ToString());

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("contested: 0 of 2 parcels with robustness (0.0 亩)", run.Out);
        Assert.Matches(@"PARK 工业园区\s+│\s+2 │\s+240\.0 │\s+0\.736 │\s+1 │\s+50\.0% │\s+0 │\s+0\.0 │", run.Out);
    }

    [Fact]
    public void Contested_columns_show_the_count_the_area_and_how_many_parcels_robustness_is_known_for()
    {
        var response = new SummarizeEvaluationsResponse
        {
            ModelVersion = "3",
            Total = new EvaluationGroupSummary { ParcelCount = 10, AreaMu = 200, RobustnessKnownCount = 6, ContestedCount = 2, ContestedAreaMu = 37.5 },
            ByLevel = { new EvaluationGroupSummary { Key = "LEVEL_SCATTERED", ParcelCount = 2, AreaMu = 20 } },
            ByUnit =
            {
                new EvaluationGroupSummary { Key = "U1", ParcelCount = 4, AreaMu = 80, RobustnessKnownCount = 3, ContestedCount = 1, ContestedAreaMu = 12.5 },
                new EvaluationGroupSummary { Key = "U2", ParcelCount = 4, AreaMu = 100, RobustnessKnownCount = 4, ContestedCount = 1, ContestedAreaMu = 25 },
            },
        };
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, Out = new AnsiConsoleOutput(text),
        });
        console.Profile.Width = 200;

        UnitsCommands.Render(console, response, streets: false);

        var output = text.ToString();
        Assert.Contains("contested: 2 of 6 parcels with robustness (37.5 亩)", output);
        // No parcel of the level with robustness: not known; U1: 1 contested of the 3 whose robustness is known.
        Assert.Matches(@"SCATTERED \S+\s+│.*│\s+–\s+│\s+–\s+│", output);
        Assert.Matches(@"U1\s+│.*│\s+1 of 3 │\s+12\.5 │", output);
        Assert.Matches(@"U2\s+│.*│\s+1 │\s+25\.0 │", output);
    }
}
