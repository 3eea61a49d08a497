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
        Assert.Matches(@"PARK 工业园区\s+│\s+2 │\s+240\.0 │\s+0\.736 │\s+1 │\s+50\.0%", run.Out);
        Assert.Matches(@"COMMUNITY 工业社区\s+│\s+2 │\s+60\.0 │\s+0\.595 │\s+1 │\s+50\.0%", run.Out);
        Assert.Matches(@"park-a A 园区\s+│\s+2 │\s+240\.0 │\s+0\.736 │\s+1 │\s+50\.0% │ 70\.0%\s+│[^│]+│ yes", run.Out);
        Assert.Matches(@"comm-b B 社区\s+│\s+2 │\s+60\.0 │\s+0\.595 │\s+1 │\s+50\.0% │ 75\.0%\s+│[^│]+│ NO", run.Out);
        Assert.Matches(@"秣陵街道\s+│\s+2 │", run.Out);
        Assert.Matches(@"湖熟街道\s+│\s+2 │", run.Out);
    }
}
