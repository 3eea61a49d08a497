using System.Globalization;
using MiniExcelLibs;

namespace Scoring.Cli.Tests;

/// <summary>Spreadsheets (.xlsx) through MiniExcel: written beside CSV in one run, read back, and read as parcel input.</summary>
public sealed class SpreadsheetTests(ServerFixture server) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    private string Server => server.Address.ToString();

    /// <summary>Each CSV header and the Chinese header a spreadsheet writes for it (the elements by the model's names, domain.md).</summary>
    private static readonly Dictionary<string, string> ChineseHeader = new()
    {
        ["parcel_id"] = "地块编号", ["score"] = "综合得分", ["classification"] = "认定结果", ["disposition"] = "处置类型",
        ["completeness"] = "数据完整度", ["population"] = "人口就业", ["land"] = "土地利用", ["enterprise"] = "企业底数",
        ["industry"] = "产业集聚", ["economy"] = "经济效益", ["energy"] = "能源消耗", ["failed_vetoes"] = "否决项",
        ["clearance_zone"] = "清退分区", ["redevelopment_modes"] = "建议改造模式", ["warnings"] = "提示",
    };

    /// <summary>The contract's terms and the Chinese ones (domain.md; the paper's legend of Figure 3), and the vetoes' names.</summary>
    private static readonly Dictionary<string, string> ChineseTerm = new()
    {
        ["EFFICIENT"] = "非低效", ["REVIEW"] = "待研判", ["INEFFICIENT_SCORE"] = "低效(评分)", ["INEFFICIENT_VETO"] = "低效(否决)",
        ["INSUFFICIENT_DATA"] = "数据不足", ["RETAINED"] = "现状保留", ["IDENTIFIED_INEFFICIENT"] = "低效认定", ["LOCALLY_REPORTED"] = "地方上报",
        ["ECOLOGICAL_CLEARANCE"] = "生态清退", ["REDEVELOPMENT_UNDERWAY"] = "正在推进", ["construction"] = "是否符合建设要求",
        ["MUST"] = "必须清退区", ["CONSIDERED"] = "可考虑清退区", ["ECOLOGICAL_RESTORATION"] = "工业生态修复", ["NONE"] = "不在清退区", [""] = "",
    };

    private static readonly string[] NumberColumns = ["score", "completeness", .. DefaultModelCodes.Elements];

    private static List<IDictionary<string, object>> Sheet(string path, string sheet) =>
        [.. MiniExcel.Query(path, useHeaderRow: true, sheetName: sheet).Cast<IDictionary<string, object>>()];

    [Fact]
    public async Task A_spreadsheet_written_beside_CSV_in_one_run_holds_every_row_and_value_of_the_CSV()
    {
        var input = Rows.WriteCsv(_cli.PathOf("district.csv"), Rows.Header("in_ecological_red_line", "inside_development_boundary"),
        [
            HandWorkedParcel.Row("X1"),                                                            // 0.7363 EFFICIENT RETAINED
            HandWorkedParcel.Row("X2").With(("construction", "否")),                               // INEFFICIENT_VETO, construction
            HandWorkedParcel.Row("X3").With([.. DefaultModelCodes.EnergyIndicators.Select(c => (c, ""))]), // energy missing: empty cell
            HandWorkedParcel.Row("X4").With(("in_ecological_red_line", "是")),                     // ECOLOGICAL_CLEARANCE, MUST, restoration
            Rows.AtMinimum("X5"),                                                                  // 0.61984 REVIEW
            Rows.AtMinimum("X6").With(("registration_status", "revoked"), ("inside_development_boundary", "no")), // 0.57024, outside
        ]);
        var csv = _cli.PathOf("out.csv");
        var xlsx = _cli.PathOf("out.xlsx");

        var run = await CliRunner.RunAsync("evaluate", input, "-o", csv, "-o", xlsx, "--server", Server);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"output: {csv}", run.Out);
        Assert.Contains($"output: {xlsx}", run.Out);
        var csvRows = Rows.ReadCsv(csv);
        var sheet = Sheet(xlsx, "评价结果");
        Assert.Equal(6, csvRows.Count);
        Assert.Equal(csvRows.Count, sheet.Count);
        Assert.Equal(Rows.ReadHeader(csv).Select(h => ChineseHeader[h]), sheet[0].Keys);
        for (var i = 0; i < csvRows.Count; i++)
        {
            foreach (var (column, text) in csvRows[i])
            {
                var cell = sheet[i][ChineseHeader[column]];
                if (NumberColumns.Contains(column))
                {
                    // Numbers are numbers in the spreadsheet, the same as the CSV's to the last digit; no value is an empty cell.
                    if (text.Length == 0) Assert.Null(cell);
                    else Assert.Equal(double.Parse(text, CultureInfo.InvariantCulture), Assert.IsType<double>(cell));
                }
                else if (column is "parcel_id" or "warnings")
                    Assert.Equal(text, cell as string ?? "");
                else
                    Assert.Equal(string.Join("、", text.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(t => ChineseTerm[t])), cell as string ?? "");
            }
        }
        // Hand-worked values found in both: X1's score, X2's veto, X4's tier and mode, X6's score.
        Assert.Equal((HandWorkedParcel.Score, "低效(否决)", "是否符合建设要求"), ((double)sheet[0]["综合得分"], sheet[1]["认定结果"], sheet[1]["否决项"]));
        Assert.Equal(("生态清退", "必须清退区", "工业生态修复"), (sheet[3]["处置类型"], sheet[3]["清退分区"], sheet[3]["建议改造模式"]));
        Assert.Equal(Rows.RevokedScore, (double)sheet[5]["综合得分"], 9);
    }

    [Fact]
    public async Task The_summary_sheet_holds_the_tables_the_run_prints()
    {
        var input = Rows.WriteCsv(_cli.PathOf("summary.csv"), Rows.Header(),
            [HandWorkedParcel.Row("S1"), HandWorkedParcel.Row("S2"), Rows.AtMinimum("S3")]);
        var xlsx = _cli.PathOf("summary.xlsx");

        var run = await CliRunner.RunAsync("evaluate", input, "-o", xlsx, "--labels", "en", "--server", Server);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["parcel_id", "score", "classification"], Sheet(xlsx, "evaluations")[0].Keys.Take(3));
        var summary = Sheet(xlsx, "summary");
        // As the printed tables: 2 of 3 parcels (2/3) and 2·120 亩 EFFICIENT, 1 (1/3) and 30 亩 REVIEW; by unit park-a 2 parcels,
        // mean 0.7363; comm-b 1 parcel for review, mean 0.61984.
        var efficient = Assert.Single(summary, r => (string)r["table"] == "by classification" && (string)r["group"] == "EFFICIENT");
        Assert.Equal(("非低效", 2.0, 240.0), (efficient["name"], efficient["parcels"], efficient["area_mu"]));
        Assert.Equal(Math.Round(2.0 / 3, 6), (double)efficient["share"]);
        var commB = Assert.Single(summary, r => (string)r["table"] == "by unit" && (string)r["group"] == "comm-b");
        Assert.Equal((1.0, 0.0, 1.0, Rows.AtMinimumScore), (commB["parcels"], commB["inefficient"], commB["review"], (double)commB["mean_score"]));
        Assert.Equal(HandWorkedParcel.Score, (double)Assert.Single(summary, r => (string)r["group"] == "park-a")["mean_score"], 9);
    }

    [Fact]
    public async Task A_spreadsheet_with_Chinese_headers_and_numbers_in_cells_is_parcel_input()
    {
        // The hand-worked parcel, its indicators under the model's Chinese names, as numbers; a yes/no veto as 是.
        var row = HandWorkedParcel.Row("XI1");
        var cells = new Dictionary<string, object> { ["地块编号"] = "XI1", ["层级"] = "工业园区", ["面积"] = 120.0, ["片区"] = "park-a" };
        foreach (var (code, value) in HandWorkedParcel.Indicators) cells[DefaultModel.Model.Document.Elements.SelectMany(e => e.Indicators).Single(i => i.Code == code).Name] = value;
        foreach (var (code, key) in HandWorkedParcel.Categories) cells[code] = key;
        foreach (var veto in DefaultModelCodes.Vetoes) cells[veto] = "是";
        var broken = new Dictionary<string, object>(cells) { ["地块编号"] = "XI2", ["容积率"] = "1,2" };
        var input = _cli.PathOf("parcels.xlsx");
        MiniExcel.SaveAs(input, new[] { cells, broken });
        var output = _cli.PathOf("from-xlsx.csv");

        var run = await CliRunner.RunAsync("evaluate", input, "-o", output, "--server", Server);

        Assert.True(run.ExitCode == 1, run.ToString());
        var evaluated = Assert.Single(Rows.ReadCsv(output));
        Assert.Equal(("XI1", HandWorkedParcel.Score, "EFFICIENT"),
            (evaluated["parcel_id"], double.Parse(evaluated["score"], CultureInfo.InvariantCulture), evaluated["classification"]));
        Assert.Equal(HandWorkedParcel.ElementScores, DefaultModelCodes.Elements.Select(e => double.Parse(evaluated[e], CultureInfo.InvariantCulture)));
        var error = Assert.Single(Rows.ReadCsv(_cli.PathOf("from-xlsx.errors.csv")));
        Assert.Equal(("2", "XI2", "容积率 (far): '1,2' is not a number"), (error["row"], error["parcel_id"], error["reason"]));
        Assert.Equal(row["far"], HandWorkedParcel.Indicators["far"].ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Chinese_labels_are_asked_for_CSV_too()
    {
        var input = Rows.WriteCsv(_cli.PathOf("zh.csv"), Rows.Header(), [HandWorkedParcel.Row("Z1").With(("construction", "否"))]);
        var output = _cli.PathOf("zh-out.csv");

        var run = await CliRunner.RunAsync("evaluate", input, "-o", output, "--labels", "zh", "--server", Server);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["地块编号", "综合得分", "认定结果", "处置类型"], Rows.ReadHeader(output).Take(4));
        var row = Assert.Single(Rows.ReadCsv(output));
        Assert.Equal(("低效(否决)", "低效认定", "是否符合建设要求"), (row["认定结果"], row["处置类型"], row["否决项"]));
    }
}
