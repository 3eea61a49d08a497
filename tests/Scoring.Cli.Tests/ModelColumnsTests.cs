using System.Globalization;
using System.Text.Json.Nodes;
using Scoring.Client;
using Scoring.V1;

namespace Scoring.Cli.Tests;

/// <summary>The input's columns come from the definitions GetModel lists for the model version in use.</summary>
public sealed class ModelColumnsTests(ServerFixture server) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    private string Server => server.Address.ToString();

    /// <summary>
    /// A version that is the default model with new Chinese names: element land "用地", indicator far "地块容积率",
    /// enterprise_type's above_scale "规模以上", veto construction "建设合规". Not activated.
    /// </summary>
    private async Task<string> CreateRenamedModelAsync()
    {
        using var client = new ScoringClient(server.Address);
        var document = JsonNode.Parse((await client.Models.ExportModelAsync(new ExportModelRequest { Version = "1" })).DocumentJson)!;
        var land = document["elements"]!.AsArray().Single(e => (string?)e!["code"] == "land")!;
        land["name"] = "用地";
        land["indicators"]!.AsArray().Single(i => (string?)i!["code"] == "far")!["name"] = "地块容积率";
        var enterpriseType = document["elements"]!.AsArray().SelectMany(e => e!["indicators"]!.AsArray()).Single(i => (string?)i!["code"] == "enterprise_type")!;
        enterpriseType["categories"]!.AsArray().Single(c => (string?)c!["key"] == "above_scale")!["name"] = "规模以上";
        document["vetoes"]!.AsArray().Single(v => (string?)v!["code"] == "construction")!["name"] = "建设合规";
        var created = await client.Models.CreateModelAsync(new CreateModelRequest { DocumentJson = document.ToJsonString(), Note = "renamed headers" });
        return created.Model.Version;
    }

    [Fact]
    public async Task Headers_and_category_names_are_read_by_the_definitions_of_the_model_version_in_use()
    {
        var version = await CreateRenamedModelAsync();
        // The hand-worked parcel (0.7363), with far under its new element/indicator name, construction under its
        // new name and enterprise_type given by the new name of above_scale.
        var names = new Dictionary<string, string> { ["far"] = "用地/地块容积率", ["construction"] = "建设合规" };
        var row = HandWorkedParcel.Row("R1").With(("enterprise_type", "规模以上"), ("construction", "是"))
            .ToDictionary(kv => names.GetValueOrDefault(kv.Key, kv.Key), kv => kv.Value);
        var input = Rows.WriteCsv(_cli.PathOf("renamed.csv"), [.. row.Keys], [row]);

        var renamed = await CliRunner.RunAsync("evaluate", input, "-o", _cli.PathOf("renamed-out.csv"), "--model-version", version, "--server", Server);

        Assert.True(renamed.ExitCode == 0, renamed.ToString());
        Assert.Contains($"(columns from the server's model {version}; chunks of 1000)", renamed.Err);
        var evaluated = Assert.Single(Rows.ReadCsv(_cli.PathOf("renamed-out.csv")));
        Assert.Equal(HandWorkedParcel.Score, double.Parse(evaluated["score"], CultureInfo.InvariantCulture), 6);
        Assert.Equal("EFFICIENT", evaluated["classification"]);

        // The active model (1) knows none of the new names: the columns are unknown and the row goes to the errors file.
        var active = await CliRunner.RunAsync("evaluate", input, "-o", _cli.PathOf("active-out.csv"), "--server", Server);

        Assert.True(active.ExitCode == 1, active.ToString());
        Assert.Contains("(columns from the server's model 1;", active.Err);
        Assert.Contains("unknown columns '用地/地块容积率', '建设合规'", active.Err);
        var error = Assert.Single(Rows.ReadCsv(_cli.PathOf("active-out.errors.csv")));
        Assert.Equal("R1", error["parcel_id"]);
        Assert.StartsWith("column '用地/地块容积率': unknown column (not a ParcelInput field, nor an indicator, category or veto of model 1)", error["reason"]);
    }
}
