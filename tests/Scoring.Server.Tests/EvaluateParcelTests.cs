using Google.Rpc;
using Grpc.Core;
using Scoring.V1;

namespace Scoring.Server.Tests;

public sealed class EvaluateParcelTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private ScoringService.ScoringServiceClient Client => new(server.Channel);

    [Fact]
    public async Task Full_parcel_round_trip_returns_the_hand_worked_verdict()
    {
        var response = await Client.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = HandWorkedParcel.Input() });
        var e = response.Evaluation;

        Assert.Equal(HandWorkedParcel.Id, e.ParcelId);
        Assert.Equal("1", e.ModelVersion);
        Assert.Equal(HandWorkedParcel.Score, e.Score, 9);
        Assert.Equal(HandWorkedParcel.Classification, e.Classification);
        Assert.Equal(HandWorkedParcel.Disposition, e.Disposition);
        Assert.Equal(1.0, e.Completeness, 9);
        Assert.Empty(e.FailedVetoes);
        Assert.Empty(e.UnknownVetoes);

        Assert.Equal(DefaultModelCodes.Elements, e.Elements.Select(x => x.Code));
        Assert.Equal(HandWorkedParcel.ElementScores, e.Elements.Select(x => Math.Round(x.Score, 9)));
        Assert.Equal([0.05, 0.25, 0.16, 0.11, 0.32, 0.11], e.Elements.Select(x => Math.Round(x.Weight, 9)));

        Assert.Equal(27, e.Indicators.Count);
        var far = e.Indicators.Single(i => i.Code == "far");
        Assert.Equal(1.0, far.Utility, 9);
        Assert.Equal(0.25 * 0.44, far.Weight, 9);       // global weight = 0.11
        Assert.Equal(0.11, far.Contribution, 9);
        Assert.Equal(1.5, far.Value);
        Assert.Equal(ValueOrigin.Inline, far.Origin);
        var type = e.Indicators.Single(i => i.Code == "enterprise_type");
        Assert.Equal("above_scale", type.Category);
        Assert.Equal(0.8, type.Utility, 9);

        // Gaps (1 − u)·W_element·w, every non-zero one:
        //   tax_per_mu 0.7·0.32·0.20 = 0.0448      power_per_output 1·0.11·0.29 = 0.0319
        //   patent_count 0.7·0.16·0.23 = 0.02576   investment_per_mu 0.4·0.11·0.56 = 0.02464
        //   net_profit 0.4·0.32·0.16 = 0.02048     idle_ratio 0.4·0.25·0.19 = 0.019
        //   total_output 0.01664, green_ratio 0.015, total_assets 0.01408, enterprise_type 0.01216,
        //   jobs_per_mu 0.009, turnover_rate 0.009, wastewater_* 0.00792 each, insured_count 0.0054.
        Assert.Equal(["tax_per_mu", "power_per_output", "patent_count", "investment_per_mu", "net_profit"],
            e.TopShortfalls.Select(s => s.Code));
        Assert.Equal(0.0448, e.TopShortfalls[0].Gap, 9);
        Assert.Equal(0.0319, e.TopShortfalls[1].Gap, 9);
    }

    [Fact]
    public async Task Failed_veto_on_an_efficient_parcel_is_identified_inefficient()
    {
        var parcel = HandWorkedParcel.Input();
        parcel.Vetoes["safety"] = false;
        parcel.Vetoes.Remove("nimby");

        var e = (await Client.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = parcel })).Evaluation;

        Assert.Equal(HandWorkedParcel.Score, e.Score, 9); // the score is still computed and shown
        Assert.Equal(Classification.InefficientVeto, e.Classification);
        Assert.Equal(Disposition.IdentifiedInefficient, e.Disposition);
        Assert.Equal(["safety"], e.FailedVetoes);
        Assert.Equal(["nimby"], e.UnknownVetoes);
    }

    [Fact]
    public async Task Basic_view_leaves_out_the_indicator_explanation()
    {
        var e = (await Client.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = HandWorkedParcel.Input(), View = EvaluationView.Basic })).Evaluation;
        Assert.Equal(HandWorkedParcel.Score, e.Score, 9);
        Assert.Equal(6, e.Elements.Count);
        Assert.Empty(e.Indicators);
        Assert.Empty(e.TopShortfalls);
    }

    [Fact]
    public async Task Every_bad_field_is_named_in_one_INVALID_ARGUMENT()
    {
        var parcel = HandWorkedParcel.Input(id: "");
        parcel.AreaMu = -3;
        parcel.Level = (Level)7;
        parcel.Indicators["far"] = double.NaN;
        parcel.Indicators["building_density"] = 120;
        parcel.Indicators["floor_space"] = 3;
        parcel.Categories["enterprise_type"] = "state_owned";
        parcel.Vetoes["fire_safety"] = true;
        parcel.IndustryCode = "39x";

        var ex = await Assert.ThrowsAsync<RpcException>(() => Client.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = parcel }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var status = ex.GetRpcStatus()!;
        var info = status.GetDetail<ErrorInfo>();
        Assert.Equal("INVALID_PARCEL", info.Reason);
        var fields = status.GetDetail<BadRequest>().FieldViolations.ToDictionary(v => v.Field, v => v.Description);
        Assert.Equal(
            new[]
            {
                "parcel.area_mu", "parcel.categories[\"enterprise_type\"]", "parcel.indicators[\"building_density\"]",
                "parcel.indicators[\"far\"]", "parcel.indicators[\"floor_space\"]", "parcel.industry_code", "parcel.level",
                "parcel.parcel_id", "parcel.vetoes[\"fire_safety\"]",
            },
            fields.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("[0, 100]", fields["parcel.indicators[\"building_density\"]"]);
        Assert.Contains("talent_count", fields["parcel.indicators[\"floor_space\"]"]);   // lists the valid codes
        Assert.Contains("high_tech", fields["parcel.categories[\"enterprise_type\"]"]);
        Assert.Contains("legal_land_certificate", fields["parcel.vetoes[\"fire_safety\"]"]);
    }

    [Theory]
    [InlineData(65, false)]
    [InlineData(64, true)]
    public async Task Parcel_id_longer_than_64_characters_is_refused(int length, bool accepted)
    {
        var parcel = HandWorkedParcel.Input(id: new string('7', length));
        var call = Client.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = parcel }).ResponseAsync;
        if (accepted)
        {
            Assert.Equal(parcel.ParcelId, (await call).Evaluation.ParcelId);
            return;
        }
        var ex = await Assert.ThrowsAsync<RpcException>(() => call);
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("parcel.parcel_id", Assert.Single(ex.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
    }

    [Fact]
    public async Task Infinite_value_and_negative_area_are_refused_but_negative_profit_is_not()
    {
        var parcel = HandWorkedParcel.Input();
        parcel.Indicators["net_profit"] = -250; // a loss is a valid value: it clamps to utility 0
        parcel.Indicators["debt_ratio"] = 140;  // a debt ratio may exceed 100
        var ok = (await Client.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = parcel })).Evaluation;
        Assert.Equal(0.0, ok.Indicators.Single(i => i.Code == "net_profit").Utility, 9);

        parcel.Indicators["output_per_mu"] = double.PositiveInfinity;
        parcel.AreaMu = -1;
        var ex = await Assert.ThrowsAsync<RpcException>(() => Client.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = parcel }).ResponseAsync);
        Assert.Equal(["parcel.area_mu", "parcel.indicators[\"output_per_mu\"]"],
            ex.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Unknown_model_version_is_NOT_FOUND()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            Client.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = HandWorkedParcel.Input(), ModelVersion = "999" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.Equal("MODEL_VERSION_NOT_FOUND", ex.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
    }

    [Fact]
    public async Task Missing_parcel_is_INVALID_ARGUMENT()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Client.EvaluateParcelAsync(new EvaluateParcelRequest()).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("parcel", Assert.Single(ex.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
    }
}
