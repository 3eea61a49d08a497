using Google.Protobuf;
using Scoring.V1;

namespace Scoring.Cli.Tests;

/// <summary><c>scoring ingest</c> feeds the indicator cache; <c>scoring parcel show</c> evaluates from it.</summary>
public sealed class IngestAndParcelShowTests(ServerFixture server) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    private string Server => server.Address.ToString();

    [Fact]
    public async Task Ingested_parcels_are_evaluated_from_the_cache_by_parcel_show()
    {
        var input = Rows.WriteCsv(_cli.PathOf("feed.csv"), Rows.Header(),
        [
            HandWorkedParcel.Row("I1"),
            HandWorkedParcel.Row("I2").With(("far", "1,5")),          // row 2: unreadable
            HandWorkedParcel.Row("I3").With(("green_ratio", "-5")),   // row 3: refused by the server
            HandWorkedParcel.Row("I4").With(("construction", "no")),
        ]);
        var errors = _cli.PathOf("feed-errors.csv");

        var ingest = await CliRunner.RunAsync("ingest", input, "--source", "planning-bureau", "--as-of", "2024-12-31",
            "--errors", errors, "--chunk-size", "2", "--server", Server);

        Assert.True(ingest.ExitCode == 1, ingest.ToString());
        Assert.Contains("rows in 4 = rows stored 2 + rows in errors 2 (1 unreadable, 1 refused by the server)", ingest.Out);
        Assert.Equal(["2", "3"], Rows.ReadCsv(errors).Select(r => r["row"]));
        Assert.Equal("indicators[\"green_ratio\"]: value -5 is outside the valid range [0, 100] (%)", Rows.ReadCsv(errors)[1]["reason"]);

        // The cached values are those of the worked example: 0.7363, every value from planning-bureau.
        var json = await CliRunner.RunAsync("parcel", "show", "I1", "--json", "--server", Server);
        Assert.True(json.ExitCode == 0, json.ToString());
        var evaluation = JsonParser.Default.Parse<Evaluation>(json.Out.Trim());
        Assert.Equal(HandWorkedParcel.Score, evaluation.Score, 6);
        Assert.Equal(Classification.Efficient, evaluation.Classification);
        Assert.All(evaluation.Indicators, i =>
        {
            Assert.Equal(ValueOrigin.Cache, i.Origin);
            Assert.Equal("planning-bureau", i.Source);
            Assert.Equal("2024-12-31", i.AsOf);
        });

        var table = await CliRunner.RunAsync("parcel", "show", "I4", "--server", Server);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Matches(@"score\s+0\.7363", table.Out);
        Assert.Contains("INEFFICIENT_VETO 低效(否决)", table.Out);
        Assert.Matches(@"failed vetoes\s+construction", table.Out);
        Assert.Contains("Top shortfalls", table.Out);
        // The worked example's largest gap: tax_per_mu, (1 − 0.3)·0.32·0.20 = 0.0448.
        Assert.Matches(@"tax_per_mu\s+│\s+地均税收\s+│\s+0\.3\s+│\s+0\.0448", table.Out);

        // 0.7363 is far above 0.6: no draw of the first block falls below, Wilson's upper end for 0 of 1,000 is
        // (z²/n)/(1 + z²/n) = 0.0038415/1.0038415 = 0.0038, and the interval is decisive after that block.
        Assert.Matches(@"P\(score < 0\.6\)\s+0\.000 \(95 % CI 0\.000–0\.004, 1,000 draws\): stable", table.Out);
        // Δ*_g = (τ − S)/(s_g − R_g), R_g = (S − W_g·s_g)/(1 − W_g). population: R = (0.7363 − 0.05·0.532)/0.95 = 0.747053,
        // Δ* = −0.1363/(0.532 − 0.747053) = +0.6338 (to 0.6838, feasible); energy: R = 0.757348, Δ* = +0.7123;
        // land −0.8005, enterprise −4.29, industry −3.06 and economy +2.55 leave [0, 1].
        Assert.Matches(@"critical element\s+population \+0\.6338 \(weight 0\.0500 → 0\.6838\)", table.Out);
        // Tornado, widest bar first: land at 0.8·0.25 gives S − 0.05·0.17027 = 0.7278, at 1.2·0.25 0.7448.
        Assert.Contains("Tornado", table.Out);
        Assert.Matches(@"land\s+│\s+土地利用\s+│\s+0\.7278\s+│.+│\s+0\.7448", table.Out);
    }

    [Fact]
    public async Task Showing_a_parcel_that_is_not_cached_is_refused()
    {
        var run = await CliRunner.RunAsync("parcel", "show", "NOT-THERE", "--server", Server);
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("NOT-THERE", run.Err);
    }

    [Fact]
    public async Task A_chunk_the_server_refuses_as_a_whole_refuses_every_row_of_it()
    {
        var input = Rows.WriteCsv(_cli.PathOf("future.csv"), Rows.Header(), [HandWorkedParcel.Row("F1"), HandWorkedParcel.Row("F2")]);

        var errorsFile = _cli.PathOf("future-errors.csv");
        var run = await CliRunner.RunAsync("ingest", input, "--source", "tax-bureau", "--as-of", "2999-01-01", "--errors", errorsFile, "--server", Server);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("rows in 2 = rows stored 0 + rows in errors 2 (0 unreadable, 2 refused by the server)", run.Out);
        var errors = Rows.ReadCsv(errorsFile);
        Assert.Equal(["1", "2"], errors.Select(r => r["row"]));
        Assert.All(errors, e => Assert.StartsWith("as_of: 2999-01-01 is in the future", e["reason"]));
    }

    [Fact]
    public async Task A_bad_as_of_date_is_a_usage_error()
    {
        var input = Rows.WriteCsv(_cli.PathOf("any.csv"), Rows.Header(), [HandWorkedParcel.Row("A1")]);
        var run = await CliRunner.RunAsync("ingest", input, "--source", "tax-bureau", "--as-of", "31/12/2024", "--server", Server);
        Assert.True(run.ExitCode == 2, run.ToString());
    }
}
