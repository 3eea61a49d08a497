using Grpc.Core;
using Scoring.V1;

namespace Scoring.Client.Tests;

/// <summary><see cref="ScoringClient.GetModelAsync"/>: the model's definitions, against the default model.</summary>
public sealed class ModelDefinitionsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    /// <summary>The default model's numeric indicators in model order (server/Scoring.Server/Models/default-model.json).</summary>
    public static readonly string[] NumericCodes =
    [
        "talent_count", "jobs_per_mu", "insured_count", "turnover_rate",
        "far", "building_density", "green_ratio", "idle_ratio",
        "patent_count", "bidding_wins",
        "investment_per_mu", "chain_efficiency",
        "total_output", "total_tax", "output_per_mu", "tax_per_mu", "net_profit", "total_assets", "debt_ratio",
        "water_per_output", "power_per_output", "wastewater_discharge", "solid_waste", "wastewater_per_output",
    ];

    [Fact]
    public async Task GetModel_lists_the_27_indicators_and_8_vetoes_of_the_default_model_in_model_order()
    {
        using var client = new ScoringClient(server.Address);

        var model = await client.GetModelAsync();

        Assert.Equal("1", model.Version);
        Assert.Equal(["population", "land", "enterprise", "industry", "economy", "energy"], model.Elements.Select(e => e.Code));
        Assert.Equal(27, model.Indicators.Count);
        Assert.Equal(NumericCodes, model.Indicators.Where(i => i.Kind == IndicatorKind.Numeric).Select(i => i.Code));
        Assert.Equal(["enterprise_type", "registration_status", "industry_potential"],
            model.Indicators.Where(i => i.Kind == IndicatorKind.Category).Select(i => i.Code));
        Assert.Equal(DefaultModelCodes.Vetoes, model.Vetoes.Select(v => v.Code));
        Assert.Equal(("safety", "是否符合安全要求", "other"), (model.Vetoes[4].Code, model.Vetoes[4].Name, model.Vetoes[4].Group));

        // far: land's 0.44, so 0.25 · 0.44 = 0.11 of the score; a ratio from 0 up.
        var far = model.Indicators.Single(i => i.Code == "far");
        Assert.Equal(("容积率", "land", "ratio"), (far.Name, far.Element, far.Unit));
        Assert.Equal(0.44, far.Weight, 12);
        Assert.Equal(0.11, far.GlobalWeight, 12);
        Assert.True(far.HasMin && far.Min == 0);
        Assert.False(far.HasMax);
        Assert.Empty(far.Categories);
        var green = model.Indicators.Single(i => i.Code == "green_ratio");
        Assert.Equal((0, 100, "%"), (green.Min, green.Max, green.Unit));

        var enterpriseType = model.Indicators.Single(i => i.Code == "enterprise_type");
        Assert.Equal(("enterprise", IndicatorKind.Category), (enterpriseType.Element, enterpriseType.Kind));
        Assert.Equal(["high_tech", "specialized", "above_scale", "below_scale", "non_industrial", "none"], enterpriseType.Categories.Select(c => c.Key));
        Assert.Equal(["高新技术企业", "专精特新", "规上", "规下", "非工业经营", "无实际经营"], enterpriseType.Categories.Select(c => c.Name));
        Assert.Equal([1, 1, 0.8, 0.6, 0.3, 0], enterpriseType.Categories.Select(c => c.Utility));
    }

    [Fact]
    public async Task GetModel_of_a_version_the_server_does_not_have_is_NOT_FOUND()
    {
        using var client = new ScoringClient(server.Address);

        var e = await Assert.ThrowsAsync<RpcException>(() => client.GetModelAsync("999"));

        Assert.Equal(StatusCode.NotFound, e.StatusCode);
    }
}
