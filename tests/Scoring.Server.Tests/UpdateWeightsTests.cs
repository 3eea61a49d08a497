using Google.Rpc;
using Grpc.Core;
using Scoring.V1;

namespace Scoring.Server.Tests;

public sealed class UpdateWeightsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private ScoringService.ScoringServiceClient Scoring => new(server.Channel);
    private ModelService.ModelServiceClient Models => new(server.Channel);

    // The paper's Table 1, every group.
    private static readonly (string Group, string Code, double Weight)[] TableOne =
    [
        ("elements", "population", 0.05), ("elements", "land", 0.25), ("elements", "enterprise", 0.16),
        ("elements", "industry", 0.11), ("elements", "economy", 0.32), ("elements", "energy", 0.11),
        ("population", "talent_count", 0.10), ("population", "jobs_per_mu", 0.45), ("population", "insured_count", 0.27), ("population", "turnover_rate", 0.18),
        ("land", "far", 0.44), ("land", "building_density", 0.31), ("land", "green_ratio", 0.06), ("land", "idle_ratio", 0.19),
        ("enterprise", "enterprise_type", 0.38), ("enterprise", "registration_status", 0.31), ("enterprise", "patent_count", 0.23), ("enterprise", "bidding_wins", 0.08),
        ("industry", "investment_per_mu", 0.56), ("industry", "industry_potential", 0.11), ("industry", "chain_efficiency", 0.33),
        ("economy", "total_output", 0.13), ("economy", "total_tax", 0.16), ("economy", "output_per_mu", 0.18), ("economy", "tax_per_mu", 0.20),
        ("economy", "net_profit", 0.16), ("economy", "total_assets", 0.11), ("economy", "debt_ratio", 0.06),
        ("energy", "water_per_output", 0.29), ("energy", "power_per_output", 0.29), ("energy", "wastewater_discharge", 0.18),
        ("energy", "solid_waste", 0.06), ("energy", "wastewater_per_output", 0.18),
    ];

    private static WeightTable Table(IEnumerable<(string Group, string Code, double Weight)> rows) =>
        new() { Weights = { rows.Select(r => new Weight { Group = r.Group, Code = r.Code, Weight_ = r.Weight }) } };

    private static JudgmentMatrix Matrix(string group, string[] items, double[][] rows, string expert = "") =>
        new() { Group = group, Items = { items }, Values = { rows.SelectMany(r => r) }, Expert = expert };

    private async Task<double> ScoreWith(string version) =>
        (await Scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = HandWorkedParcel.Input("W-1"), ModelVersion = version, SkipHistory = true })).Evaluation.Score;

    [Fact]
    public async Task Direct_weights_reproducing_Table_1_give_the_default_models_scores()
    {
        var response = await Scoring.UpdateWeightsAsync(new UpdateWeightsRequest { BaseVersion = "1", Weights = Table(TableOne), Note = "Table 1 again" });

        Assert.NotEmpty(response.ModelVersion);
        Assert.NotEqual("1", response.ModelVersion);
        Assert.Equal(33, response.Weights.Count);
        Assert.Equal(HandWorkedParcel.Score, await ScoreWith(response.ModelVersion), 9); // as version 1
        var model = (await Models.GetModelAsync(new GetModelRequest { Version = response.ModelVersion })).Model;
        Assert.Equal("1", model.ParentVersion);
        Assert.Equal("Table 1 again", model.Note);
    }

    [Fact]
    public async Task Weights_that_do_not_sum_to_one_are_refused_naming_the_group()
    {
        var rows = TableOne.Select(r => r.Code == "far" ? r with { Weight = 0.45 } : r);
        var ex = await Assert.ThrowsAsync<RpcException>(() => Scoring.UpdateWeightsAsync(new UpdateWeightsRequest { Weights = Table(rows), DryRun = true }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var violation = Assert.Single(ex.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations);
        Assert.Equal("weights.weights", violation.Field);
        Assert.Contains("'land'", violation.Description);
        Assert.Contains("1.01", violation.Description); // 0.45 + 0.31 + 0.06 + 0.19
    }

    [Fact]
    public async Task Published_leader_example_matrix_comes_back_with_its_published_weights()
    {
        // Wikipedia, "Analytic hierarchy process – leader example": criteria Experience, Education,
        // Charisma, Age with published priorities .547, .127, .270, .056 (one unit in the third place:
        // the published figures are rounded to sum to 1.000). Mapped onto the population group.
        string[] items = ["talent_count", "jobs_per_mu", "insured_count", "turnover_rate"];
        var matrix = Matrix("population", items,
        [
            [1, 4, 3, 7],
            [1.0 / 4, 1, 1.0 / 3, 3],
            [1.0 / 3, 3, 1, 5],
            [1.0 / 7, 1.0 / 3, 1.0 / 5, 1],
        ]);
        var response = await Scoring.UpdateWeightsAsync(new UpdateWeightsRequest { BaseVersion = "1", Judgments = new AhpJudgments { Matrices = { matrix } }, DryRun = true });

        Assert.Equal("", response.ModelVersion); // a dry run stores nothing
        var population = response.Weights.Where(w => w.Group == "population").ToDictionary(w => w.Code, w => w.Weight_);
        double[] published = [0.547, 0.127, 0.270, 0.056];
        for (var i = 0; i < 4; i++) Assert.Equal(published[i], population[items[i]], 1e-3);
        var consistency = Assert.Single(response.Consistency);
        Assert.Equal("population", consistency.Group);
        Assert.True(consistency.Cr < 0.10);
        // Groups not judged keep the base model's weights.
        Assert.Equal(0.44, response.Weights.Single(w => w.Code == "far").Weight_, 12);
    }

    [Fact]
    public async Task A_perfectly_consistent_matrix_over_the_elements_gives_back_exactly_its_weights()
    {
        // a_ij = w_i / w_j from Table 1's element weights: λmax = n = 6, CI = CR = 0, weights exact.
        double[] w = [0.05, 0.25, 0.16, 0.11, 0.32, 0.11];
        string[] items = ["population", "land", "enterprise", "industry", "economy", "energy"];
        var matrix = Matrix("elements", items, [.. w.Select(wi => w.Select(wj => wi / wj).ToArray())]);
        var response = await Scoring.UpdateWeightsAsync(new UpdateWeightsRequest { BaseVersion = "1", Judgments = new AhpJudgments { Matrices = { matrix } }, DryRun = true });

        var elements = response.Weights.Where(x => x.Group == "elements").ToDictionary(x => x.Code, x => x.Weight_);
        for (var i = 0; i < 6; i++) Assert.Equal(w[i], elements[items[i]], 1e-9);
        var c = Assert.Single(response.Consistency);
        Assert.Equal(6.0, c.LambdaMax, 1e-9);
        Assert.Equal(0.0, c.Cr, 1e-9);
    }

    [Fact]
    public async Task An_inconsistent_matrix_is_refused_with_the_judgment_to_revisit()
    {
        // Consistent with weights 8 : 4 : 2 : 1 except talent_count vs turnover_rate, given as 1/8
        // instead of 8: that one judgment contradicts all the others, so it departs most from the
        // derived weights, and the whole matrix is far from consistent.
        string[] items = ["talent_count", "jobs_per_mu", "insured_count", "turnover_rate"];
        var matrix = Matrix("population", items,
        [
            [1, 2, 4, 1.0 / 8],
            [1.0 / 2, 1, 2, 4],
            [1.0 / 4, 1.0 / 2, 1, 2],
            [8, 1.0 / 4, 1.0 / 2, 1],
        ]);
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            Scoring.UpdateWeightsAsync(new UpdateWeightsRequest { Judgments = new AhpJudgments { Matrices = { matrix } } }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        var status = ex.GetRpcStatus()!;
        Assert.Equal("INCONSISTENT_JUDGMENTS", status.GetDetail<ErrorInfo>().Reason);
        Assert.Equal("talent_count,turnover_rate", status.GetDetail<ErrorInfo>().Metadata["population.revisit"]);
        var violation = Assert.Single(status.GetDetail<PreconditionFailure>().Violations);
        Assert.Equal("population", violation.Subject);
        Assert.Contains("[talent_count, turnover_rate]", violation.Description);
    }

    [Fact]
    public async Task Several_experts_are_combined_by_geometric_mean()
    {
        // Expert A: weights 4 : 2 : 1 (a12 = 2, a13 = 4, a23 = 2); expert B: all equal (1, 1, 1).
        // Element-wise geometric mean: a12 = √2, a13 = 2, a23 = √2 — consistent, weights ∝ 2 : √2 : 1,
        // i.e. 2/(3+√2), √2/(3+√2), 1/(3+√2) = 0.453082, 0.320377, 0.226541.
        string[] items = ["investment_per_mu", "industry_potential", "chain_efficiency"];
        var a = Matrix("industry", items, [[1, 2, 4], [0.5, 1, 2], [0.25, 0.5, 1]], "expert-a");
        var b = Matrix("industry", items, [[1, 1, 1], [1, 1, 1], [1, 1, 1]], "expert-b");
        var response = await Scoring.UpdateWeightsAsync(new UpdateWeightsRequest { BaseVersion = "1", Judgments = new AhpJudgments { Matrices = { a, b } }, DryRun = true });

        var industry = response.Weights.Where(x => x.Group == "industry").ToDictionary(x => x.Code, x => x.Weight_);
        var s = 3 + Math.Sqrt(2);
        Assert.Equal(2 / s, industry["investment_per_mu"], 1e-9);
        Assert.Equal(Math.Sqrt(2) / s, industry["industry_potential"], 1e-9);
        Assert.Equal(1 / s, industry["chain_efficiency"], 1e-9);
        Assert.Equal(["", "expert-a", "expert-b"], response.Consistency.Select(c => c.Expert));
        Assert.All(response.Consistency, c => Assert.Equal(0.0, c.Cr, 1e-9));
    }

    [Fact]
    public async Task A_stored_version_gives_back_its_judgments_and_each_experts_consistency()
    {
        // Expert A alone is consistent (a13 = a12 · a23): λmax = 3, CI = CR = 0. Expert B's a13 = 8 instead of 4:
        // λmax = 3.0536 (a 3×3 with a12 = 2, a23 = 2, a13 = 8), CI = 0.0268, CR = CI / 0.58 = 0.0462 (< 0.10).
        string[] items = ["investment_per_mu", "industry_potential", "chain_efficiency"];
        var a = Matrix("industry", items, [[1, 2, 4], [0.5, 1, 2], [0.25, 0.5, 1]], "expert-a");
        var b = Matrix("industry", items, [[1, 2, 8], [0.5, 1, 2], [0.125, 0.5, 1]], "expert-b");
        var created = await Scoring.UpdateWeightsAsync(new UpdateWeightsRequest { BaseVersion = "1", Judgments = new AhpJudgments { Matrices = { a, b } }, Note = "two experts" });

        var stored = (await Models.GetModelAsync(new GetModelRequest { Version = created.ModelVersion })).Model;

        Assert.Equal(["expert-a", "expert-b"], stored.Judgments.Select(j => j.Expert));
        Assert.Equal(b.Values, stored.Judgments[1].Values);
        Assert.Equal(["", "expert-a", "expert-b"], stored.Consistency.Select(c => c.Expert));
        Assert.All(stored.Consistency, c => Assert.Equal("industry", c.Group));
        Assert.Equal(0.0, stored.Consistency[1].Cr, 1e-9);
        Assert.Equal(3.0536, stored.Consistency[2].LambdaMax, 4);
        Assert.Equal(0.0462, stored.Consistency[2].Cr, 4);
        Assert.Equal(items, stored.Consistency[0].Items);
    }

    [Fact]
    public async Task After_activation_evaluations_use_and_name_the_new_version_while_pinned_requests_keep_theirs()
    {
        // All weight on the energy element: the score becomes the energy element's score, 0.566.
        var rows = TableOne.Select(r => r.Group == "elements" ? r with { Weight = r.Code == "energy" ? 1 : 0 } : r);
        var update = await Scoring.UpdateWeightsAsync(new UpdateWeightsRequest { BaseVersion = "1", Weights = Table(rows), Activate = true });

        var active = (await Scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = HandWorkedParcel.Input("W-2"), SkipHistory = true })).Evaluation;
        Assert.Equal(update.ModelVersion, active.ModelVersion);
        Assert.Equal(0.566, active.Score, 9);
        Assert.Equal(Classification.InefficientScore, active.Classification);
        Assert.Equal(HandWorkedParcel.Score, await ScoreWith("1"), 9);

        // Roll back to version 1.
        await Models.ActivateModelAsync(new ActivateModelRequest { Version = "1", Note = "rollback" });
        Assert.Equal("1", (await Models.GetModelAsync(new GetModelRequest())).Model.Version);
        var audit = await Models.ListAuditRecordsAsync(new ListAuditRecordsRequest { PageSize = 2 });
        Assert.Equal("activate_model", audit.Records[0].Action);
        Assert.Equal("1", audit.Records[0].Version);
        Assert.Equal(update.ModelVersion, audit.Records[0].PreviousVersion);
    }

    [Fact]
    public async Task Of_two_updates_from_the_same_active_version_the_second_is_ABORTED()
    {
        var active = (await Models.GetModelAsync(new GetModelRequest())).Model.Version;
        var first = new UpdateWeightsRequest { BaseVersion = active, ExpectedActiveVersion = active, Weights = Table(TableOne), Activate = true };
        var second = first.Clone();

        await Scoring.UpdateWeightsAsync(first);
        var ex = await Assert.ThrowsAsync<RpcException>(() => Scoring.UpdateWeightsAsync(second).ResponseAsync);

        Assert.Equal(StatusCode.Aborted, ex.StatusCode);
        Assert.Equal("ACTIVE_VERSION_CHANGED", ex.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
        await Models.ActivateModelAsync(new ActivateModelRequest { Version = "1" });
    }

    [Fact]
    public async Task Unknown_group_and_wrong_items_are_INVALID_ARGUMENT_naming_the_matrix()
    {
        var unknown = Matrix("people", ["a", "b"], [[1, 2], [0.5, 1]]);
        var wrongItems = Matrix("industry", ["investment_per_mu", "chain_efficiency"], [[1, 2], [0.5, 1]]);
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            Scoring.UpdateWeightsAsync(new UpdateWeightsRequest { Judgments = new AhpJudgments { Matrices = { unknown, wrongItems } }, DryRun = true }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var fields = ex.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).ToList();
        Assert.Contains("judgments.matrices[0].group", fields);
        Assert.Contains(fields, f => f.StartsWith("judgments.matrices[1]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_impact_preview_tabulates_how_cached_parcels_would_move()
    {
        var cache = new ParcelService.ParcelServiceClient(server.Channel);
        using (var call = cache.UpsertParcels())
        {
            var good = HandWorkedParcel.Input("IMPACT-1");           // 0.7363 EFFICIENT under Table 1
            var weak = HandWorkedParcel.Input("IMPACT-2");
            weak.AreaMu = 40;
            weak.Vetoes["safety"] = false;                          // INEFFICIENT_VETO under any weights
            await call.RequestStream.WriteAsync(new UpsertParcelsRequest { Source = "test", AsOf = "2026-01-01", Parcels = { good, weak } });
            await call.RequestStream.CompleteAsync();
            while (await call.ResponseStream.MoveNext()) { }
        }

        // All weight on energy: IMPACT-1 scores 0.566 → INEFFICIENT_SCORE; IMPACT-2 stays INEFFICIENT_VETO.
        var rows = TableOne.Select(r => r.Group == "elements" ? r with { Weight = r.Code == "energy" ? 1 : 0 } : r);
        var response = await Scoring.UpdateWeightsAsync(new UpdateWeightsRequest { BaseVersion = "1", Weights = Table(rows), DryRun = true });

        var impact = response.Impact;
        Assert.Equal(2, impact.ParcelCount);
        Assert.Equal(
            [(Classification.Efficient, Classification.InefficientScore, 1, 120.0), (Classification.InefficientVeto, Classification.InefficientVeto, 1, 40.0)],
            impact.Transitions.Select(t => (t.From, t.To, t.Count, t.AreaMu)));
        Assert.Equal(1, impact.TotalMoves);
        var move = Assert.Single(impact.Moves);
        Assert.Equal("IMPACT-1", move.ParcelId);
        Assert.Equal(HandWorkedParcel.Score, move.FromScore, 9);
        Assert.Equal(0.566, move.ToScore, 9);
    }

    [Fact]
    public async Task Evaluations_running_while_the_active_model_changes_each_match_the_version_they_name()
    {
        // Version 1 scores the parcel 0.7363; the energy-only version scores it 0.566 (its energy element).
        var rows = TableOne.Select(r => r.Group == "elements" ? r with { Weight = r.Code == "energy" ? 1 : 0 } : r);
        var energyOnly = (await Scoring.UpdateWeightsAsync(new UpdateWeightsRequest { BaseVersion = "1", Weights = Table(rows) })).ModelVersion;
        var expected = new Dictionary<string, double> { ["1"] = HandWorkedParcel.Score, [energyOnly] = 0.566 };

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var seen = new System.Collections.Concurrent.ConcurrentBag<string>();
        var evaluators = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var e = (await Scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = HandWorkedParcel.Input("W-LOAD"), SkipHistory = true })).Evaluation;
                Assert.Equal(expected[e.ModelVersion], e.Score, 9);
                seen.Add(e.ModelVersion);
            }
        })).ToList();

        // A batch stream opened now keeps its version whatever is activated meanwhile.
        using var batch = Scoring.BatchEvaluate();
        var flips = 0;
        string? streamVersion = null;
        while (!stop.IsCancellationRequested)
        {
            await Models.ActivateModelAsync(new ActivateModelRequest { Version = flips++ % 2 == 0 ? energyOnly : "1" });
            await batch.RequestStream.WriteAsync(new BatchEvaluateRequest { Parcels = { HandWorkedParcel.Input($"W-BATCH-{flips}") } });
            Assert.True(await batch.ResponseStream.MoveNext());
            var e = batch.ResponseStream.Current.Results.Single().Evaluation;
            Assert.Equal(expected[e.ModelVersion], e.Score, 9);
            streamVersion ??= e.ModelVersion;
            Assert.Equal(streamVersion, e.ModelVersion);
        }
        await batch.RequestStream.CompleteAsync();
        await Task.WhenAll(evaluators);
        await Models.ActivateModelAsync(new ActivateModelRequest { Version = "1" });

        Assert.True(flips > 2);
        Assert.Contains("1", seen);
        Assert.Contains(energyOnly, seen);
    }
}
