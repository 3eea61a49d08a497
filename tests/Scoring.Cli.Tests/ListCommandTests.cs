using System.Globalization;
using MiniExcelLibs;

namespace Scoring.Cli.Tests;

/// <summary>
/// <c>scoring list</c>: the district's lists (名单) from the evaluations a real server keeps, paged through ListEvaluations.
/// The district below is evaluated with --record-history, then L1 again after it failed a veto; every list is counted
/// by hand from this table.
/// </summary>
/// <remarks>
/// parcel  street    unit    level      area  verdict (latest)                                      score
/// L1      秣陵街道  park-a  PARK       120   EFFICIENT, then INEFFICIENT_VETO (safety fails)       0.7363
/// L2      秣陵街道  comm-b  COMMUNITY  30    INEFFICIENT_SCORE (registration revoked), outside     0.57024
///                                           the development boundary → CONSIDERED, ECOLOGICAL_RESTORATION
/// L3      秣陵街道  park-a  PARK       120   INEFFICIENT_VETO (construction fails)                  0.7363
/// L4      湖熟街道  comm-b  COMMUNITY  30    INEFFICIENT_SCORE (registration revoked)               0.57024
/// L5      湖熟街道  comm-b  COMMUNITY  30    REVIEW (every indicator at its minimum)                0.61984
/// L2's shortfalls, (1 − utility) × global weight: registration_status 1 × 0.31·0.16 = 0.0496, far 0.4 × 0.44·0.25 = 0.044,
/// building_density 0.4 × 0.31·0.25 = 0.031, tax_per_mu 0.4 × 0.20·0.32 = 0.0256, investment_per_mu 0.4 × 0.56·0.11 = 0.02464
/// (next: enterprise_type 0.4 × 0.38·0.16 = 0.02432).
/// </remarks>
public sealed class ListCommandTests(ServerFixture server) : IClassFixture<ServerFixture>, IDisposable, IAsyncLifetime
{
    private const string Moling = "秣陵街道", Hushu = "湖熟街道";
    private readonly CliRunner _cli = new();

    private string Server => server.Address.ToString();

    public void Dispose() => _cli.Dispose();

    public Task DisposeAsync() => Task.CompletedTask;

    private static readonly SemaphoreSlim Once = new(1, 1);
    private static readonly HashSet<Uri> Evaluated = [];

    public async Task InitializeAsync()
    {
        await Once.WaitAsync();
        try
        {
            if (!Evaluated.Add(server.Address)) return;
            var revoked = ("registration_status", "revoked");
            var header = Rows.Header("inside_development_boundary");
            await EvaluateAsync(Rows.WriteCsv(_cli.PathOf("district.csv"), header,
            [
                HandWorkedParcel.Row("L1"),
                Rows.AtMinimum("L2").With(revoked, ("street", Moling), ("inside_development_boundary", "no")),
                HandWorkedParcel.Row("L3").With(("construction", "no")),
                Rows.AtMinimum("L4").With(revoked, ("street", Hushu)),
                Rows.AtMinimum("L5").With(("street", Hushu)),
            ]));
            await EvaluateAsync(Rows.WriteCsv(_cli.PathOf("again.csv"), header, [HandWorkedParcel.Row("L1").With(("safety", "no"))]));
        }
        finally
        {
            Once.Release();
        }
    }

    private async Task EvaluateAsync(string input)
    {
        var run = await CliRunner.RunAsync("evaluate", input, "-o", _cli.PathOf("evaluated.csv"), "--record-history", "--server", Server);
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    private async Task<List<Dictionary<string, string>>> ListCsvAsync(params string[] args)
    {
        var output = _cli.PathOf($"list-{Guid.NewGuid():N}.csv");
        var run = await CliRunner.RunAsync(["list", .. args, "--output", output, "--server", Server]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return Rows.ReadCsv(output);
    }

    [Fact]
    public async Task The_inefficient_list_of_a_street_names_each_parcel_with_its_place_and_reasons()
    {
        var output = _cli.PathOf("moling.csv");

        var run = await CliRunner.RunAsync("list", "--classification", "INEFFICIENT_SCORE", "--street", Moling, "--output", output, "--server", Server);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["parcel_id", "street", "unit_id", "level", "area_mu", "score", "classification", "disposition", "clearance_zone",
            "failed_vetoes", "top_shortfalls", "redevelopment_modes", "model_version", "evaluate_time"], Rows.ReadHeader(output));
        var row = Assert.Single(Rows.ReadCsv(output));
        Assert.Equal(("L2", Moling, "comm-b", "COMMUNITY", "30", Rows.RevokedScore),
            (row["parcel_id"], row["street"], row["unit_id"], row["level"], row["area_mu"], double.Parse(row["score"], CultureInfo.InvariantCulture)));
        Assert.Equal(("INEFFICIENT_SCORE", "IDENTIFIED_INEFFICIENT", "CONSIDERED", ""),
            (row["classification"], row["disposition"], row["clearance_zone"], row["failed_vetoes"]));
        Assert.Equal("registration_status;far;building_density;tax_per_mu;investment_per_mu", row["top_shortfalls"]);
        Assert.Equal("ECOLOGICAL_RESTORATION", row["redevelopment_modes"]);
        Assert.Equal("1", row["model_version"]);
        var evaluated = DateTimeOffset.Parse(row["evaluate_time"], CultureInfo.InvariantCulture);
        Assert.InRange(evaluated, DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Contains("1 evaluation listed (latest of each parcel, classification INEFFICIENT_SCORE, street 秣陵街道; by parcel_id)", run.Out);
    }

    [Fact]
    public async Task Only_the_latest_verdict_of_each_parcel_is_listed_unless_asked_for_every_one()
    {
        var vetoed = await ListCsvAsync("--classification", "inefficient_veto");
        var everEfficient = await ListCsvAsync("--classification", "CLASSIFICATION_EFFICIENT", "--latest-only", "false");
        var efficientNow = await ListCsvAsync("--classification", "非低效");

        Assert.Equal(["L1", "L3"], vetoed.Select(r => r["parcel_id"]));
        Assert.Equal(["safety", "construction"], vetoed.Select(r => r["failed_vetoes"]));
        Assert.Equal(["L1"], everEfficient.Select(r => r["parcel_id"]));
        Assert.Empty(efficientNow);
    }

    [Fact]
    public async Task Score_order_lists_the_lowest_first_and_filters_combine()
    {
        var byScore = await ListCsvAsync("--order-by", "score");
        var hushuCommunity = await ListCsvAsync("--street", Hushu, "--level", "COMMUNITY", "--unit", "comm-b");
        var toRedevelop = await ListCsvAsync("--disposition", "IDENTIFIED_INEFFICIENT", "--clearance-zone", "CONSIDERED");

        // 0.57024 (L2, L4 by id), 0.61984, then 0.7363 twice (L1, L3 by id).
        Assert.Equal(["L2", "L4", "L5", "L1", "L3"], byScore.Select(r => r["parcel_id"]));
        Assert.Equal(["L4", "L5"], hushuCommunity.Select(r => r["parcel_id"]));
        Assert.Equal(["L2"], toRedevelop.Select(r => r["parcel_id"]));
    }

    [Fact]
    public async Task Without_an_output_the_list_is_a_table()
    {
        var run = await CliRunner.RunAsync("list", "--street", Hushu, "--server", Server);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"│ L4\s+│ 湖熟街道 │ comm-b │ COMMUNITY │\s+30\.0 │ 0\.5702 │ INEFFICIENT_SCORE │ 低效认定 │\s+│\s+│ registration_status,", run.Out);
        Assert.Matches(@"│ L5\s+│ 湖熟街道 │ comm-b │ COMMUNITY │\s+30\.0 │ 0\.6198 │ REVIEW\s+│ 现状保留 │", run.Out);
        Assert.Contains("2 evaluations listed (latest of each parcel, street 湖熟街道; by parcel_id)", run.Out);
        Assert.Matches(@"model 1; evaluated \d{4}-\d\d-\d\d \d\d:\d\d( to \d{4}-\d\d-\d\d \d\d:\d\d)? UTC", run.Out);
    }

    [Fact]
    public async Task A_spreadsheet_list_is_in_Chinese_with_numbers_as_numbers_and_a_summary_sheet()
    {
        var output = _cli.PathOf("moling.xlsx");

        var run = await CliRunner.RunAsync("list", "--street", Moling, "--order-by", "score", "-o", output, "--server", Server);

        Assert.True(run.ExitCode == 0, run.ToString());
        var rows = MiniExcel.Query(output, useHeaderRow: true, sheetName: "名单").Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(["L2", "L1", "L3"], rows.Select(r => r["地块编号"]));
        var l2 = rows[0];
        Assert.Equal(Rows.RevokedScore, Assert.IsType<double>(l2["综合得分"]), 9);
        Assert.Equal(30.0, Assert.IsType<double>(l2["面积(亩)"]));
        Assert.Equal(("低效(评分)", "低效认定", "可考虑清退区", "工业生态修复", "工业社区"),
            (l2["认定结果"], l2["处置类型"], l2["清退分区"], l2["建议改造模式"], l2["层级"]));
        Assert.Equal("登记状态、容积率、建筑密度、地均税收、产业投资", l2["主要短板"]);
        Assert.Equal("是否符合安全要求", rows[1]["否决项"]);

        // The summary sheet: L1 (now vetoed), L2 and L3 of 秣陵街道 are all IDENTIFIED_INEFFICIENT: 3 parcels, every one, 120 + 30 + 120 亩.
        var summary = MiniExcel.Query(output, useHeaderRow: true, sheetName: "汇总").Cast<IDictionary<string, object>>().ToList();
        var byDisposition = Assert.Single(summary, r => (string)r["汇总表"] == "按处置类型");
        Assert.Equal(("IDENTIFIED_INEFFICIENT", "低效认定", 3.0, 1.0, 270.0),
            (byDisposition["分组"], byDisposition["名称"], byDisposition["宗数"], byDisposition["占比"], byDisposition["面积(亩)"]));
    }

    [Theory]
    [InlineData("--classification: 'LOW' is not one of EFFICIENT, REVIEW, INEFFICIENT_SCORE, INEFFICIENT_VETO, INSUFFICIENT_DATA", "--classification", "LOW")]
    [InlineData("--disposition: 'CLEARED'", "--disposition", "CLEARED")]
    [InlineData("--clearance-zone: 'MAYBE'", "--clearance-zone", "MAYBE")]
    [InlineData("--level: 'INDUSTRIAL'", "--level", "INDUSTRIAL")]
    [InlineData("'area'", "--order-by", "area")]
    [InlineData("cannot tell the format from '.xls'", "-o", "{dir}/list.xls")]
    public async Task A_bad_filter_is_a_usage_error_naming_the_option(string message, params string[] args)
    {
        var run = await CliRunner.RunAsync(["list", .. args.Select(a => a.Replace("{dir}", _cli.Folder)), "--server", Server]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(message, run.Err);
        Assert.Empty(Directory.GetFiles(_cli.Folder, "list*"));
    }
}
