using System.Globalization;
using Google.Protobuf;
using Scoring.V1;

namespace Scoring.Cli.Tests;

/// <summary><c>scoring evaluate --stored</c>: the parcels of the indicator cache, evaluated on the server.</summary>
public sealed class EvaluateStoredCommandTests(ServerFixture server) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    private string Server => server.Address.ToString();

    private static double Number(string cell) => double.Parse(cell, CultureInfo.InvariantCulture);

    private async Task IngestAsync(string name, params IReadOnlyDictionary<string, string>[] rows)
    {
        var feed = Rows.WriteCsv(_cli.PathOf(name), Rows.Header(), rows);
        var ingest = await CliRunner.RunAsync("ingest", feed, "--source", "planning-bureau", "--as-of", "2024-12-31", "--server", Server);
        Assert.True(ingest.ExitCode == 0, ingest.ToString());
    }

    [Fact]
    public async Task The_stored_parcels_of_a_unit_are_written_in_parcel_id_order_with_the_summary_tables()
    {
        // Unit stored-x: two hand-worked park parcels (0.7363, 120 亩 each) and one at the policy minimum (0.61984, 30 亩);
        // a fourth parcel in another unit is left out.
        await IngestAsync("feed.csv",
            HandWorkedParcel.Row("ST2").With(("unit_id", "stored-x")),
            Rows.AtMinimum("ST4").With(("unit_id", "stored-x")),
            HandWorkedParcel.Row("ST3").With(("unit_id", "stored-y")),
            HandWorkedParcel.Row("ST1").With(("unit_id", "stored-x")));
        var output = _cli.PathOf("out.csv");

        var run = await CliRunner.RunAsync("evaluate", "--stored", "--unit", "stored-x", "--output", output, "--server", Server);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["parcel_id", "score", "classification", "disposition", "completeness", .. DefaultModelCodes.Elements, "failed_vetoes",
            "clearance_zone", "redevelopment_modes", "warnings"],
            Rows.ReadHeader(output));
        var rows = Rows.ReadCsv(output);
        Assert.Equal(["ST1", "ST2", "ST4"], rows.Select(r => r["parcel_id"]));
        Assert.Equal([HandWorkedParcel.Score, HandWorkedParcel.Score, Rows.AtMinimumScore], rows.Select(r => Number(r["score"])));
        Assert.Equal(["EFFICIENT", "EFFICIENT", "REVIEW"], rows.Select(r => r["classification"]));
        Assert.Equal(HandWorkedParcel.ElementScores, DefaultModelCodes.Elements.Select(e => Number(rows[0][e])));
        Assert.Empty(Rows.ReadCsv(_cli.PathOf("out.errors.csv")));

        Assert.Contains("rows in 3 = rows out 3 + rows in errors 0 (0 unreadable, 0 refused by the server)", run.Out);
        // By classification: 2 of 3 parcels (66.7%) and 2·120 亩 efficient; 1 (33.3%) and 30 亩 for review.
        Assert.Matches(@"EFFICIENT\s+│\s+非低效\s+│\s+2\s+│\s+66\.7%\s+│\s+240\.0", run.Out);
        Assert.Matches(@"REVIEW\s+│\s+待研判\s+│\s+1\s+│\s+33\.3%\s+│\s+30\.0", run.Out);
        // By unit, from the unit and area the evaluations carry: area-weighted mean
        // (2·120·0.7363 + 30·0.61984) / 270 = (176.712 + 18.5952) / 270 = 0.72336.
        Assert.Matches(@"stored-x\s+│\s+3\s+│\s+0\s+│\s+1\s+│\s+0\.723\s+│\s+270\.0", run.Out);
        Assert.DoesNotContain("stored-y", run.Out);
        Assert.Contains("unit stored-x", run.Err);
    }

    [Fact]
    public async Task A_level_selects_among_the_stored_parcels_and_JSON_Lines_carry_each_evaluation()
    {
        await IngestAsync("levels.csv",
            HandWorkedParcel.Row("LV1").With(("unit_id", "stored-levels")),
            Rows.AtMinimum("LV2").With(("unit_id", "stored-levels")));
        var output = _cli.PathOf("community.jsonl");

        var run = await CliRunner.RunAsync("evaluate", "--stored", "--unit", "stored-levels", "--level", "community", "-o", output,
            "--view", "full", "--server", Server);

        Assert.True(run.ExitCode == 0, run.ToString());
        var line = Assert.Single(await File.ReadAllLinesAsync(output));
        var evaluation = JsonParser.Default.Parse<Evaluation>(line);
        Assert.Equal("LV2", evaluation.ParcelId);
        Assert.Equal(Rows.AtMinimumScore, evaluation.Score, 9);
        Assert.Equal(Level.Community, evaluation.Level);
        // The full view names where each value came from: the feed ingested above.
        Assert.All(evaluation.Indicators, i => Assert.Equal(("planning-bureau", "2024-12-31"), (i.Source, i.AsOf)));
    }

    [Fact]
    public async Task A_selection_with_no_stored_parcels_writes_an_empty_output()
    {
        var output = _cli.PathOf("none.csv");

        var run = await CliRunner.RunAsync("evaluate", "--stored", "--street", "no such street", "-o", output, "--server", Server);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(Rows.ReadCsv(output));
        Assert.Contains("rows in 0 = rows out 0 + rows in errors 0", run.Out);
    }

    [Theory]
    [InlineData("give an input file, or --stored", "evaluate", "-o", "{out}")]
    [InlineData("not both", "evaluate", "{in}", "--stored", "-o", "{out}")]
    [InlineData("--columnar is for an input file", "evaluate", "--stored", "--columnar", "-o", "{out}")]
    [InlineData("--chunk-size is for an input file", "evaluate", "--stored", "--chunk-size", "10", "-o", "{out}")]
    [InlineData("--encoding is for an input file", "evaluate", "--stored", "--encoding", "gbk", "-o", "{out}")]
    [InlineData("--unit selects stored parcels", "evaluate", "{in}", "--unit", "park-a", "-o", "{out}")]
    [InlineData("--level selects stored parcels", "evaluate", "{in}", "--level", "PARK", "-o", "{out}")]
    [InlineData("'INDUSTRIAL' is not a level", "evaluate", "--stored", "--level", "INDUSTRIAL", "-o", "{out}")]
    [InlineData("GeoJSON output needs geometry", "evaluate", "--stored", "-o", "{geojson}")]
    public async Task A_wrong_combination_is_a_usage_error_and_writes_nothing(string message, params string[] args)
    {
        var input = Rows.WriteCsv(_cli.PathOf("in.csv"), Rows.Header(), [HandWorkedParcel.Row("U1")]);
        var output = _cli.PathOf("usage.csv");
        string[] command = [.. args.Select(a => a.Replace("{in}", input).Replace("{out}", output).Replace("{geojson}", _cli.PathOf("usage.geojson"))),
            "--server", Server];

        var run = await CliRunner.RunAsync(command);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(message, run.Err);
        Assert.False(File.Exists(output));
        Assert.False(File.Exists(_cli.PathOf("usage.geojson")));
    }
}
