namespace Scoring.Cli.Tests;

/// <summary>
/// <c>scoring map</c> against a real server: three parcels with outlines in EPSG:4549 stored and evaluated with their
/// history — M1 hand-worked (现状保留), M2 at the minimum with its registration revoked (0.57024, 低效认定), M3 hand-worked in
/// the ecological red line (生态清退) — drawn from the stored latest evaluations and from the evaluated file.
/// </summary>
public sealed class MapCommandTests(ServerFixture server) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    private string Server => server.Address.ToString();

    private static string Square(double x, double y) =>
        $"SRID=4549;POLYGON (({x} {y}, {x + 100} {y}, {x + 100} {y + 100}, {x} {y + 100}, {x} {y}))";

    private async Task<string> StoreAndEvaluateAsync()
    {
        var input = Rows.WriteCsv(_cli.PathOf("district.csv"), Rows.Header("geometry", "in_ecological_red_line"),
        [
            HandWorkedParcel.Row("M1").With(("geometry", Square(390000, 3536000)), ("street", "地图街道")),
            Rows.AtMinimum("M2").With(("registration_status", "revoked"), ("geometry", Square(390900, 3536000)), ("street", "地图街道")),
            HandWorkedParcel.Row("M3").With(("in_ecological_red_line", "是"), ("geometry", Square(390000, 3536700)), ("street", "地图街道")),
        ]);
        var ingest = await CliRunner.RunAsync("ingest", input, "--source", "planning-bureau", "--as-of", "2026-01-01", "--server", Server);
        Assert.True(ingest.ExitCode == 0, ingest.ToString());
        var evaluated = _cli.PathOf("evaluated.geojson");
        var run = await CliRunner.RunAsync("evaluate", input, "-o", evaluated, "--record-history", "--server", Server);
        Assert.True(run.ExitCode == 0, run.ToString());
        return evaluated;
    }

    [Fact]
    public async Task The_map_of_the_stored_evaluations_counts_each_legend_entry_and_draws_every_parcel()
    {
        await StoreAndEvaluateAsync();
        var svg = _cli.PathOf("fig3.svg");
        var png = _cli.PathOf("fig3.png");

        var drawn = await CliRunner.RunAsync("map", "--street", "地图街道", "-o", svg, "--server", Server);
        var painted = await CliRunner.RunAsync("map", "--street", "地图街道", "-o", png, "--server", Server);

        Assert.True(drawn.ExitCode == 0, drawn.ToString());
        Assert.Contains("生态清退        1 宗", drawn.Out);
        Assert.Contains("低效认定        1 宗", drawn.Out);
        Assert.Contains("现状保留        1 宗", drawn.Out);
        Assert.Contains($"map: 3 parcels → {svg}", drawn.Out);
        var text = await File.ReadAllTextAsync(svg);
        Assert.Equal(3, text.Split("class=\"parcel\"").Length - 1);
        Assert.Contains("data-id=\"M2\"", text);
        Assert.Contains(">地图街道 低效工业用地识别结果</text>", text);
        Assert.True(painted.ExitCode == 0, painted.ToString());
        Assert.Equal([0x89, 0x50, 0x4E, 0x47], (await File.ReadAllBytesAsync(png))[..4]);
        // The page's explanations: M1's element scores as its record carries them (the hand-worked 0.532 … 0.566).
        var html = _cli.PathOf("fig3.html");
        Assert.Equal(0, (await CliRunner.RunAsync("map", "--street", "地图街道", "-o", html, "--server", Server)).ExitCode);
        var page = await File.ReadAllTextAsync(html);
        Assert.Contains("\"M1\":{\"score\":0.7363,\"classification\":\"\\u975E\\u4F4E\\u6548\",\"disposition\":\"\\u73B0\\u72B6\\u4FDD\\u7559\",\"elements\":[[\"\\u4EBA\\u53E3\\u5C31\\u4E1A\",0.532],[\"\\u571F\\u5730\\u5229\\u7528\",0.864]", page);
    }

    [Fact]
    public async Task An_evaluated_file_is_drawn_as_a_page_with_each_parcels_explanation()
    {
        var evaluated = await StoreAndEvaluateAsync();
        var html = _cli.PathOf("fig3.html");

        var run = await CliRunner.RunAsync("map", "--input", evaluated, "-o", html, "--title", "地图测试");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("低效认定        1 宗", run.Out);
        var page = await File.ReadAllTextAsync(html);
        Assert.Contains("<title>地图测试</title>", page);
        Assert.Equal(3, page.Split("class=\"parcel\"").Length - 1);
        // M2's explanation from the file's columns: its score and its element scores by the model's names.
        Assert.Contains("\"M2\":{\"score\":0.5702", page);
        Assert.Contains("[\"\\u4EBA\\u53E3\\u5C31\\u4E1A\",0.6]", page); // 人口就业 0.6: every population indicator at its minimum
    }

    [Theory]
    [InlineData("a map is .png, .svg or .html, not '.jpg'", "-o", "{dir}/map.jpg")]
    [InlineData("a map is drawn from .geojson or .gpkg, not '.csv'", "--input", "{dir}/x.csv", "-o", "{dir}/map.svg")]
    public async Task A_map_that_cannot_be_drawn_is_a_usage_error(string message, params string[] args)
    {
        await File.WriteAllTextAsync(_cli.PathOf("x.csv"), "parcel_id\n");

        var run = await CliRunner.RunAsync(["map", .. args.Select(a => a.Replace("{dir}", _cli.Folder)), "--server", Server]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(message, run.Err);
        Assert.Empty(Directory.GetFiles(_cli.Folder, "map*"));
    }
}
