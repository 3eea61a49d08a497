using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Google.Protobuf;
using Scoring.V1;

namespace Scoring.Cli.Tests;

public sealed class EvaluateCommandTests(ServerFixture server) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    private string Server => server.Address.ToString();

    private static double Number(string cell) => double.Parse(cell, CultureInfo.InvariantCulture);

    [Fact]
    public async Task Evaluate_writes_the_hand_worked_verdicts_in_input_order_and_lists_the_bad_rows_by_row_number()
    {
        var input = Rows.WriteCsv(_cli.PathOf("district.csv"), Rows.Header("in_ecological_red_line"),
        [
            HandWorkedParcel.Row("P1"),                                                  // row 1: 0.7363 EFFICIENT
            HandWorkedParcel.Row("P2").With(("construction", "否")),                     // row 2: fails a veto
            HandWorkedParcel.Row("P3").With(("far", "abc")),                             // row 3: unreadable number
            HandWorkedParcel.Row("P4").With([.. DefaultModelCodes.EnergyIndicators.Select(c => (c, ""))]), // row 4: no energy data
            HandWorkedParcel.Row("P5").With(("green_ratio", "-5")),                      // row 5: refused by the server
            HandWorkedParcel.Row("P6").With(("in_ecological_red_line", "是")),            // row 6: ecological clearance
            HandWorkedParcel.Row("P7").With(("level", "INDUSTRIAL")),                    // row 7: unreadable level
            HandWorkedParcel.Row("P8").With(("construction", "")),                       // row 8: a veto unanswered
            Rows.AtMinimum("P9"),                                                        // row 9: 0.61984 REVIEW
            Rows.AtMinimum("P10").With(("registration_status", "revoked")),              // row 10: 0.57024 INEFFICIENT_SCORE
        ]);
        var output = _cli.PathOf("out.csv");

        var run = await CliRunner.RunAsync("evaluate", input, "--output", output, "--server", Server);

        Assert.True(run.ExitCode == 1, run.ToString()); // some rows refused
        Assert.Contains("rows in 10 = rows out 7 + rows in errors 3 (2 unreadable, 1 refused by the server)", run.Out);

        Assert.Equal(["parcel_id", "score", "classification", "disposition", "completeness", .. DefaultModelCodes.Elements, "failed_vetoes",
            "clearance_zone", "redevelopment_modes", "warnings"],
            Rows.ReadHeader(output));
        var rows = Rows.ReadCsv(output);
        Assert.Equal(["P1", "P2", "P4", "P6", "P8", "P9", "P10"], rows.Select(r => r["parcel_id"]));

        void Verdict(Dictionary<string, string> row, double score, string classification, string disposition, double completeness, string failed)
        {
            Assert.Equal(score, Number(row["score"]), 6);
            Assert.Equal(classification, row["classification"]);
            Assert.Equal(disposition, row["disposition"]);
            Assert.Equal(completeness, Number(row["completeness"]), 6);
            Assert.Equal(failed, row["failed_vetoes"]);
        }
        Verdict(rows[0], HandWorkedParcel.Score, "EFFICIENT", "RETAINED", 1, "");
        Assert.Equal(HandWorkedParcel.ElementScores, DefaultModelCodes.Elements.Select(e => Number(rows[0][e])));
        // A failed veto makes the parcel inefficient whatever its score, which is still shown.
        Verdict(rows[1], HandWorkedParcel.Score, "INEFFICIENT_VETO", "IDENTIFIED_INEFFICIENT", 1, "construction");
        // Energy dropped out: its cell is empty and the rest is rescaled.
        Verdict(rows[2], Rows.NoEnergyScore, "EFFICIENT", "RETAINED", 0.89, "");
        Assert.Equal("", rows[2]["energy"]);
        Assert.Equal(0.864, Number(rows[2]["land"]), 6);
        // Inside the ecological red line: cleared, whatever the score.
        Verdict(rows[3], HandWorkedParcel.Score, "EFFICIENT", "ECOLOGICAL_CLEARANCE", 1, "");
        // An unanswered veto is not passed: at best REVIEW.
        Verdict(rows[4], HandWorkedParcel.Score, "REVIEW", "RETAINED", 1, "");
        Verdict(rows[5], Rows.AtMinimumScore, "REVIEW", "RETAINED", 1, "");
        Assert.Equal([0.6, 0.6, 0.724, 0.6, 0.6, 0.6], DefaultModelCodes.Elements.Select(e => Number(rows[5][e])));
        Verdict(rows[6], Rows.RevokedScore, "INEFFICIENT_SCORE", "IDENTIFIED_INEFFICIENT", 1, "");

        var errors = Rows.ReadCsv(_cli.PathOf("out.errors.csv"));
        Assert.Equal(["3", "5", "7"], errors.Select(e => e["row"]));
        Assert.Equal(["P3", "P5", "P7"], errors.Select(e => e["parcel_id"]));
        Assert.Equal("far: 'abc' is not a number", errors[0]["reason"]);
        Assert.Equal("indicators[\"green_ratio\"]: value -5 is outside the valid range [0, 100] (%)", errors[1]["reason"]);
        Assert.Equal("level: 'INDUSTRIAL' is not a level (PARK, COMMUNITY or SCATTERED)", errors[2]["reason"]);
    }

    [Theory]
    [InlineData("csv", "basic")]
    [InlineData("jsonl", "full")]
    public async Task Columnar_gives_the_same_output_rows_as_map_form(string extension, string view)
    {
        var input = Rows.WriteCsv(_cli.PathOf("columnar.csv"), Rows.Header("in_ecological_red_line", "redevelopment_underway", "locally_reported"),
        [
            HandWorkedParcel.Row("Q1"),
            HandWorkedParcel.Row("Q2").With(("construction", "否")),                       // fails a veto
            HandWorkedParcel.Row("Q3").With(("far", "abc")),                               // unreadable number
            HandWorkedParcel.Row("Q4").With([.. DefaultModelCodes.EnergyIndicators.Select(c => (c, ""))]), // no energy data
            HandWorkedParcel.Row("Q5").With(("green_ratio", "-5")),                        // refused by the server
            HandWorkedParcel.Row("Q6").With(("in_ecological_red_line", "是")),
            Rows.AtMinimum("Q7").With(("registration_status", "revoked"), ("redevelopment_underway", "yes")),
            HandWorkedParcel.Row("Q8").With(("construction", ""), ("safety", ""), ("enterprise_type", "")), // unanswered vetoes, a category missing
            Rows.AtMinimum("Q9").With(("registration_status", "revoked"), ("locally_reported", "1"), ("unit_id", ""), ("street", "")),
            Rows.AtMinimum("Q10").With(("talent_count", ""), ("far", ""), ("idle_ratio", ""), ("level", "")),
            Rows.AtMinimum("Q11").With(("area_mu", "-3")),                                 // refused by the server
        ]);
        var maps = _cli.PathOf($"maps.{extension}");
        var columns = _cli.PathOf($"columns.{extension}");

        var mapRun = await CliRunner.RunAsync("evaluate", input, "-o", maps, "--view", view, "--chunk-size", "4", "--server", Server);
        var columnarRun = await CliRunner.RunAsync("evaluate", input, "-o", columns, "--view", view, "--chunk-size", "4", "--columnar", "--server", Server);

        Assert.True(mapRun.ExitCode == 1, mapRun.ToString());
        Assert.True(columnarRun.ExitCode == 1, columnarRun.ToString());
        Assert.Contains("chunks of 4, columnar)", columnarRun.Err);
        const string accounting = "rows in 11 = rows out 8 + rows in errors 3 (1 unreadable, 2 refused by the server)";
        Assert.Contains(accounting, mapRun.Out);
        Assert.Contains(accounting, columnarRun.Out);
        var output = await File.ReadAllLinesAsync(columns);
        Assert.Equal(await File.ReadAllLinesAsync(maps), output);
        Assert.Equal(extension == "csv" ? 9 : 8, output.Length); // a header, then one line per evaluated row
        // The summary tables are made of the same evaluations.
        Assert.Equal(mapRun.Out.Replace(_cli.PathOf("maps."), _cli.PathOf("columns.")), columnarRun.Out);

        // The same rows refused, each reason naming the value (in columnar form by its code).
        var mapErrors = Rows.ReadCsv(_cli.PathOf("maps.errors.csv"));
        var columnarErrors = Rows.ReadCsv(_cli.PathOf("columns.errors.csv"));
        Assert.Equal(["3", "5", "11"], columnarErrors.Select(e => e["row"]));
        Assert.Equal(mapErrors.Select(e => (e["row"], e["parcel_id"])), columnarErrors.Select(e => (e["row"], e["parcel_id"])));
        Assert.Equal("indicators[\"green_ratio\"]: value -5 is outside the valid range [0, 100] (%)", mapErrors[1]["reason"]);
        Assert.Equal("green_ratio: value -5 is outside the valid range [0, 100] (%)", columnarErrors[1]["reason"]);
        Assert.Equal("area_mu: must not be negative, got -3", columnarErrors[2]["reason"]);
        Assert.Equal(mapErrors[2]["reason"], columnarErrors[2]["reason"]);
    }

    [Fact]
    public async Task Robustness_adds_its_columns_and_a_table_of_contested_verdicts()
    {
        var input = Rows.WriteCsv(_cli.PathOf("robust.csv"), Rows.Header(), [HandWorkedParcel.Row("R1")]);
        var output = _cli.PathOf("robust-out.csv");

        var run = await CliRunner.RunAsync("evaluate", input, "-o", output, "--robustness", "--server", Server);

        Assert.True(run.ExitCode == 0, run.ToString());
        var row = Rows.ReadCsv(output).Single();
        // 0.7363 is far above 0.6: no draw of the first 1,000 below it; Wilson's upper end for 0 of 1,000 is
        // (z²/n)/(1 + z²/n) = 0.0038415/1.0038415 = 0.003827.
        Assert.Equal(("0", "0", "0.003827", "yes"), (row["p_below_threshold"], row["ci_low"], row["ci_high"], row["stable"]));
        // Δ* of population: R = (0.7363 − 0.05·0.532)/0.95 = 0.747053; (0.6 − 0.7363)/(0.532 − 0.747053) = 0.633798.
        Assert.Equal(("population", "0.633798"), (row["critical_element"], row["critical_weight_change"]));
        Assert.Contains("Contested verdicts", run.Out);
        Assert.Matches(@"all\s+│\s+0\s+│\s+0\.0%", run.Out);
    }

    [Fact]
    public async Task All_rows_evaluated_is_exit_code_0_with_an_empty_errors_file()
    {
        var input = Rows.WriteCsv(_cli.PathOf("good.csv"), Rows.Header(), [HandWorkedParcel.Row("G1"), Rows.AtMinimum("G2")]);
        var output = _cli.PathOf("good-out.csv");
        var errorsFile = _cli.PathOf("custom-errors.csv");

        var run = await CliRunner.RunAsync("evaluate", input, "-o", output, "--errors", errorsFile, "--server", Server);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("rows in 2 = rows out 2 + rows in errors 0 (0 unreadable, 0 refused by the server)", run.Out);
        Assert.Equal(["row", "parcel_id", "reason"], Rows.ReadHeader(errorsFile));
        Assert.Empty(Rows.ReadCsv(errorsFile));
        Assert.False(File.Exists(_cli.PathOf("good-out.errors.csv")));
        // The summary tables count the two parcels.
        Assert.Contains("By classification", run.Out);
        Assert.Matches(@"EFFICIENT\s+│\s+非低效\s+│\s+1 │\s+50.0%", run.Out);
        Assert.Matches(@"REVIEW\s+│\s+待研判\s+│\s+1 │\s+50.0%", run.Out);
        Assert.Contains("park-a", run.Out);
        Assert.Contains("comm-b", run.Out);
    }

    [Fact]
    public async Task The_models_Chinese_names_and_是_否_are_accepted()
    {
        // Headers by the default model's Chinese names (indicator and veto names, also under their element's name
        // or code as a two-level header flattens), values 是/否 and a category by its Chinese name.
        var names = new Dictionary<string, string>
        {
            ["far"] = "土地利用/容积率", ["building_density"] = "land.building_density", ["green_ratio"] = "绿地率",
            ["enterprise_type"] = "企业类型", ["total_tax"] = "总税收",
            ["construction"] = "是否符合建设要求", ["legal_land_certificate"] = "是否有合法的工业用地证",
        };
        var row = HandWorkedParcel.Row("C1").With(("enterprise_type", "规上"), ("construction", "是"));
        var renamed = row.ToDictionary(kv => names.GetValueOrDefault(kv.Key, kv.Key), kv => kv.Value);
        var vetoFail = HandWorkedParcel.Row("C2").With(("construction", "否")).ToDictionary(kv => names.GetValueOrDefault(kv.Key, kv.Key), kv => kv.Value);
        var input = Rows.WriteCsv(_cli.PathOf("chinese.csv"), [.. renamed.Keys], [renamed, vetoFail]);

        var run = await CliRunner.RunAsync("evaluate", input, "-o", _cli.PathOf("chinese-out.csv"), "--server", Server);

        Assert.True(run.ExitCode == 0, run.ToString());
        var rows = Rows.ReadCsv(_cli.PathOf("chinese-out.csv"));
        Assert.Equal(HandWorkedParcel.Score, Number(rows[0]["score"]), 6); // 规上 is above_scale (0.8), as in the worked example
        Assert.Equal("EFFICIENT", rows[0]["classification"]);
        Assert.Equal("INEFFICIENT_VETO", rows[1]["classification"]);
        Assert.Equal("construction", rows[1]["failed_vetoes"]);
    }

    [Fact]
    public async Task A_GBK_encoded_CSV_is_read_with_encoding_gbk()
    {
        var row = HandWorkedParcel.Row("K1").With(("unit_id", "江宁开发区"), ("nimby", "是"));
        var header = Rows.Header().Select(h => h == "far" ? "容积率" : h).ToList();
        row["容积率"] = row["far"];
        var utf8 = Rows.WriteCsv(_cli.PathOf("utf8.csv"), header, [row]);
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        var gbk = _cli.PathOf("gbk.csv");
        await File.WriteAllTextAsync(gbk, await File.ReadAllTextAsync(utf8), System.Text.Encoding.GetEncoding("gbk"));

        var run = await CliRunner.RunAsync("evaluate", gbk, "-o", _cli.PathOf("gbk-out.csv"), "--encoding", "gbk", "--server", Server);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(HandWorkedParcel.Score, Number(Assert.Single(Rows.ReadCsv(_cli.PathOf("gbk-out.csv")))["score"]), 6);
        Assert.Contains("江宁开发区", run.Out);
    }

    [Fact]
    public async Task A_value_in_an_unknown_column_sends_that_row_to_the_errors_file()
    {
        var input = Rows.WriteCsv(_cli.PathOf("extra.csv"), Rows.Header("remarks"),
            [HandWorkedParcel.Row("X1"), HandWorkedParcel.Row("X2").With(("remarks", "checked 2024"))]);

        var run = await CliRunner.RunAsync("evaluate", input, "-o", _cli.PathOf("extra-out.csv"), "--server", Server);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("unknown columns 'remarks'", run.Err);
        Assert.Equal(["X1"], Rows.ReadCsv(_cli.PathOf("extra-out.csv")).Select(r => r["parcel_id"]));
        var error = Assert.Single(Rows.ReadCsv(_cli.PathOf("extra-out.errors.csv")));
        Assert.Equal("2", error["row"]);
        Assert.StartsWith("column 'remarks': unknown column", error["reason"]);
    }

    [Fact]
    public async Task Small_chunks_keep_every_row_in_order_and_the_counts_add_up()
    {
        // 25 rows in chunks of 2: every 4th unreadable, every 5th refused (rows 1-based).
        var rows = Enumerable.Range(1, 25).Select(n =>
            n % 4 == 0 ? HandWorkedParcel.Row($"S{n:D2}").With(("area_mu", "n/a"))
            : n % 5 == 0 ? HandWorkedParcel.Row($"S{n:D2}").With(("building_density", "130"))
            : HandWorkedParcel.Row($"S{n:D2}")).ToList();
        var input = Rows.WriteCsv(_cli.PathOf("chunks.csv"), Rows.Header(), rows);

        var run = await CliRunner.RunAsync("evaluate", input, "-o", _cli.PathOf("chunks-out.csv"), "--chunk-size", "2", "--server", Server);

        // Unreadable: 4, 8, 12, 16, 20, 24 (6). Refused: 5, 10, 15, 25 (20 is already unreadable) (4). Out: 25 − 10 = 15.
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("rows in 25 = rows out 15 + rows in errors 10 (6 unreadable, 4 refused by the server)", run.Out);
        var expectedOut = Enumerable.Range(1, 25).Where(n => n % 4 != 0 && n % 5 != 0).Select(n => $"S{n:D2}");
        Assert.Equal(expectedOut, Rows.ReadCsv(_cli.PathOf("chunks-out.csv")).Select(r => r["parcel_id"]));
        Assert.Equal(["4", "5", "8", "10", "12", "15", "16", "20", "24", "25"], Rows.ReadCsv(_cli.PathOf("chunks-out.errors.csv")).Select(r => r["row"]));
    }

    [Fact]
    public async Task JSON_Lines_in_flat_or_protobuf_form_and_JSON_Lines_out()
    {
        var flat = JsonSerializer.Serialize(HandWorkedParcel.Row("J1"));
        var proto = """{"parcelId":"J2","level":"LEVEL_PARK","areaMu":120,"indicators":{"talent_count":100,"jobs_per_mu":3,"insured_count":20,"turnover_rate":40,"far":1.5,"building_density":50,"green_ratio":30,"idle_ratio":15,"patent_count":0,"bidding_wins":5,"investment_per_mu":300,"chain_efficiency":50,"total_output":2000,"total_tax":2000,"output_per_mu":900,"tax_per_mu":6,"net_profit":100,"total_assets":4000,"debt_ratio":60,"water_per_output":1,"power_per_output":1200,"wastewater_discharge":1500,"solid_waste":5,"wastewater_per_output":5},"categories":{"enterprise_type":"above_scale","registration_status":"active","industry_potential":"leading"},"vetoes":{"legal_land_certificate":true,"land_use_plan":true,"spatial_plan":true,"contract_performance":true,"safety":true,"environmental":true,"nimby":true,"construction":false}}""";
        var input = _cli.PathOf("in.jsonl");
        await File.WriteAllTextAsync(input, $"{flat}\n\n{{\"parcel_id\": \"J3\", \"far\": \n{proto}\n");
        var output = _cli.PathOf("out.jsonl");

        var run = await CliRunner.RunAsync("evaluate", input, "-o", output, "--server", Server);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("rows in 3 = rows out 2 + rows in errors 1 (1 unreadable, 0 refused by the server)", run.Out);
        var lines = await File.ReadAllLinesAsync(output);
        var evaluations = lines.Select(l => JsonParser.Default.Parse<Evaluation>(l)).ToList();
        Assert.Equal(["J1", "J2"], evaluations.Select(e => e.ParcelId));
        Assert.Equal(HandWorkedParcel.Score, evaluations[0].Score, 6);
        Assert.Equal(Classification.Efficient, evaluations[0].Classification);
        Assert.Equal(Classification.InefficientVeto, evaluations[1].Classification);
        Assert.Equal(["construction"], evaluations[1].FailedVetoes);
        // Blank lines are skipped; the row number of a JSON Lines row is its line number.
        var error = Assert.Single(Rows.ReadCsv(_cli.PathOf("out.errors.csv")));
        Assert.Equal("3", error["row"]);
        Assert.StartsWith("not valid JSON", error["reason"]);
    }

    [Fact]
    public async Task GeoJSON_output_carries_the_input_geometry_and_the_CSV_columns_as_properties()
    {
        const string square = """{"type":"Polygon","coordinates":[[[118.8,31.9],[118.801,31.9],[118.801,31.901],[118.8,31.901],[118.8,31.9]]]}""";
        var input = Rows.WriteCsv(_cli.PathOf("geo.csv"), Rows.Header("geometry"),
        [
            HandWorkedParcel.Row("G1").With(("geometry", square)),
            HandWorkedParcel.Row("G2").With(("geometry", "SRID=4549;POLYGON((0 0, 1 0, 1 1, 0 0))")), // WKT is written as GeoJSON, naming its system
            HandWorkedParcel.Row("G3").With(("geometry", "")),
            HandWorkedParcel.Row("G4").With(("geometry", "POLYGON((0 0, 1 0")),                   // neither GeoJSON nor WKT
        ]);
        var output = _cli.PathOf("out.geojson");

        var run = await CliRunner.RunAsync("evaluate", input, "-o", output, "--server", Server);

        Assert.True(run.ExitCode == 1, run.ToString());
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(output));
        Assert.Equal("FeatureCollection", doc.RootElement.GetProperty("type").GetString());
        var features = doc.RootElement.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(3, features.Count);
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(square).RootElement, features[0].GetProperty("geometry")));
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse("""
            {"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]],"crs":{"type":"name","properties":{"name":"EPSG:4549"}}}
            """).RootElement, features[1].GetProperty("geometry")));
        Assert.Equal(JsonValueKind.Null, features[2].GetProperty("geometry").ValueKind);
        var properties = features[0].GetProperty("properties");
        Assert.Equal("G1", properties.GetProperty("parcel_id").GetString());
        Assert.Equal(HandWorkedParcel.Score, properties.GetProperty("score").GetDouble(), 6);
        Assert.Equal("EFFICIENT", properties.GetProperty("classification").GetString());
        Assert.Equal(0.864, properties.GetProperty("land").GetDouble(), 6);
        Assert.Equal(["parcel_id", "score", "classification", "disposition", "completeness", .. DefaultModelCodes.Elements, "failed_vetoes",
            "clearance_zone", "redevelopment_modes", "warnings"],
            properties.EnumerateObject().Select(p => p.Name));
        var error = Assert.Single(Rows.ReadCsv(_cli.PathOf("out.errors.csv")));
        Assert.Equal(("4", "G4"), (error["row"], error["parcel_id"]));
        Assert.StartsWith("geometry: is neither GeoJSON nor WKT that can be read", error["reason"]);
    }

    [Fact]
    public async Task GeoJSON_output_without_a_geometry_column_is_a_usage_error()
    {
        var input = Rows.WriteCsv(_cli.PathOf("nogeo.csv"), Rows.Header(), [HandWorkedParcel.Row("N1")]);
        var output = _cli.PathOf("nogeo.geojson");

        var run = await CliRunner.RunAsync("evaluate", input, "-o", output, "--server", Server);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("geometry", run.Err);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task An_unreachable_server_is_exit_code_3_and_writes_nothing()
    {
        var input = Rows.WriteCsv(_cli.PathOf("any.csv"), Rows.Header(), [HandWorkedParcel.Row("U1")]);
        var output = _cli.PathOf("unreached.csv");

        var run = await CliRunner.RunAsync("evaluate", input, "-o", output, "--server", $"http://127.0.0.1:{ClosedPort()}");

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("cannot reach the Scoring server", run.Err);
        Assert.False(File.Exists(output));
        Assert.False(File.Exists(_cli.PathOf("unreached.errors.csv")));
    }

    [Fact]
    public async Task An_unknown_model_version_is_a_usage_error()
    {
        var input = Rows.WriteCsv(_cli.PathOf("mv.csv"), Rows.Header(), [HandWorkedParcel.Row("M1")]);
        var output = _cli.PathOf("mv-out.csv");

        var run = await CliRunner.RunAsync("evaluate", input, "-o", output, "--model-version", "no-such-version", "--server", Server);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("no-such-version", run.Err);
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData("evaluate", "{input}")]                                            // --output is required
    [InlineData("evaluate", "{input}", "-o", "{dir}/out.xls")]                      // unknown output format (.xls is not .xlsx)
    [InlineData("evaluate", "{input}", "-o", "{dir}/out.csv", "--labels", "fr")]
    [InlineData("evaluate", "{dir}/missing.csv", "-o", "{dir}/out.csv")]            // no such input
    [InlineData("evaluate", "{dir}/input.txt", "-o", "{dir}/out.csv")]              // unknown input format
    [InlineData("evaluate", "{input}", "-o", "{dir}/out.csv", "--chunk-size", "0")]
    [InlineData("evaluate", "{input}", "-o", "{dir}/out.csv", "--chunk-size", "10001")]
    [InlineData("evaluate", "{input}", "-o", "{dir}/out.csv", "--view", "everything")]
    [InlineData("evaluate", "{noid}", "-o", "{dir}/out.csv")]                       // no parcel_id column
    [InlineData("evaluate", "{twice}", "-o", "{dir}/out.csv")]                      // far given twice (code and name)
    [InlineData("evaluate", "{input}", "-o", "{dir}/out.csv", "--server", "ftp://x")]
    [InlineData("evaluate", "{input}", "-o", "{dir}/out.csv", "--encoding", "klingon")]
    [InlineData("frobnicate")]
    [InlineData()]
    public async Task Usage_errors_are_exit_code_2(params string[] args)
    {
        var input = Rows.WriteCsv(_cli.PathOf("input.csv"), Rows.Header(), [HandWorkedParcel.Row("A")]);
        await File.WriteAllTextAsync(_cli.PathOf("input.txt"), "parcel_id\nA\n");
        var noId = Rows.WriteCsv(_cli.PathOf("noid.csv"), ["level", "far"], [new Dictionary<string, string> { ["far"] = "1" }]);
        var twice = Rows.WriteCsv(_cli.PathOf("twice.csv"), ["parcel_id", "far", "容积率"], [new Dictionary<string, string> { ["parcel_id"] = "A" }]);
        var expanded = args.Select(a => a.Replace("{input}", input).Replace("{noid}", noId).Replace("{twice}", twice).Replace("{dir}", _cli.Folder))
            .Append("--server").Append(Server).ToArray();
        if (args.Contains("--server")) expanded = expanded[..^2];

        var run = await CliRunner.RunAsync(expanded);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("error:", run.Err);
        Assert.False(File.Exists(_cli.PathOf("out.csv")));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("evaluate", "--help")]
    [InlineData("ingest", "--help")]
    [InlineData("parcel", "--help")]
    [InlineData("parcel", "show", "--help")]
    [InlineData("model", "--help")]
    [InlineData("model", "list", "--help")]
    [InlineData("model", "show", "--help")]
    [InlineData("model", "activate", "--help")]
    [InlineData("model", "export", "--help")]
    [InlineData("weights", "--help")]
    [InlineData("weights", "update", "--help")]
    public async Task Every_command_has_help(params string[] args)
    {
        var run = await CliRunner.RunAsync(args);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Usage:", run.Out);
        Assert.Contains("--server", run.Out);
    }

    [Fact]
    public async Task Evaluate_help_explains_columnar()
    {
        var run = await CliRunner.RunAsync("evaluate", "--help");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("--columnar", run.Out);
        Assert.Contains("never merged with the server's indicator cache", run.Out);
    }

    [Fact]
    public async Task The_sample_small_csv_comes_back_row_for_row_with_its_three_broken_rows_listed()
    {
        // samples/small.csv: 20 parcels with Chinese headers, generated with --bad 3, which breaks rows
        // ⌊(k + 0.5)·20/3⌋ + 1 for k = 0, 1, 2 → rows 4, 11, 17: far "1,2" (unreadable), building_density 130
        // (refused: outside [0, 100]), level INDUSTRIAL (unreadable).
        var output = _cli.PathOf("small-out.csv");

        var run = await CliRunner.RunAsync("evaluate", Path.Combine(AppContext.BaseDirectory, "samples", "small.csv"), "-o", output, "--server", Server);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("rows in 20 = rows out 17 + rows in errors 3 (2 unreadable, 1 refused by the server)", run.Out);
        var errors = Rows.ReadCsv(_cli.PathOf("small-out.errors.csv"));
        Assert.Equal(["4", "11", "17"], errors.Select(e => e["row"]));
        Assert.Equal("容积率 (far): '1,2' is not a number", errors[0]["reason"]);
        Assert.Equal("indicators[\"building_density\"]: value 130 is outside the valid range [0, 100] (%)", errors[1]["reason"]);
        Assert.Equal("level: 'INDUSTRIAL' is not a level (PARK, COMMUNITY or SCATTERED)", errors[2]["reason"]);
        Assert.Equal(17, Rows.ReadCsv(output).Count);
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
