using System.Text.Json;
using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using Scoring.Server.Identification;
using Scoring.Storage.Parcels;
using Scoring.V1;
using Classification = Scoring.Engine.Evaluation.Classification;
using Disposition = Scoring.Engine.Evaluation.Disposition;
using EngineVetoAnswer = Scoring.Engine.Evaluation.VetoAnswer;
using ValueOrigin = Scoring.Engine.Evaluation.ValueOrigin;

namespace Scoring.Server.Tests.Identification;

/// <summary>The one entrance, without a server: merge, the one reader for both forms, the one history shape.</summary>
public sealed class ParcelEvaluationsTests : IAsyncLifetime
{
    private readonly ApplicationLayer _app = new();
    private static readonly ScoringModel Model = ApplicationLayer.DefaultModel;

    public Task InitializeAsync() => Task.CompletedTask;
    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    [Fact]
    public async Task Given_values_win_per_indicator_and_the_cache_fills_the_rest_with_its_provenance()
    {
        // Cached: the hand-worked parcel, but far 0.8 and unit "old-unit".
        var cached = OnCurve("MERGE-1");
        await _app.Parcels.UpsertAsync("planning-bureau", new DateOnly(2025, 6, 30),
            [Write(cached) with { UnitId = "old-unit", Indicators = new Dictionary<string, double>(cached.Indicators) { ["far"] = 0.8 } }]);

        // Given: far 1.5 (utility 1) and the unit; nothing else.
        var outcome = (await _app.EvaluateAsync(Model, false, new ParcelFacts
        {
            ParcelId = "MERGE-1", UnitId = "new-unit", Indicators = new Dictionary<string, double> { ["far"] = 1.5 },
        })).Single();

        // With far at 1.5 every indicator is on the hand-worked curve points: 0.7363.
        Assert.Equal(HandWorkedParcel.Score, outcome.Result!.Score, 9);
        Assert.Equal("new-unit", outcome.UnitId);
        Assert.Equal("秣陵街道", outcome.Street);
        Assert.Equal(new ValueProvenance(ValueOrigin.Inline, null, null, false), outcome.Provenance["far"]);
        Assert.Equal(new ValueProvenance(ValueOrigin.Cache, "planning-bureau", new DateOnly(2025, 6, 30), false), outcome.Provenance["total_tax"]);
        Assert.Equal(ValueOrigin.Cache, outcome.Provenance["enterprise_type"].Origin);
        Assert.Equal(ValueOrigin.Cache, outcome.Provenance["veto:safety"].Origin);
        Assert.Equal(1.0, outcome.Result.Completeness, 9);
    }

    [Fact]
    public async Task Without_the_given_value_the_cached_one_is_used()
    {
        var cached = OnCurve("MERGE-2");
        await _app.Parcels.UpsertAsync("planning-bureau", new DateOnly(2025, 6, 30),
            [Write(cached) with { Indicators = new Dictionary<string, double>(cached.Indicators) { ["far"] = 0.8 } }]);

        var outcome = (await _app.EvaluateAsync(Model, false, new ParcelFacts { ParcelId = "MERGE-2" })).Single();

        // far 0.8 on the curve [(0, 0), (1.0, 0.6), (1.5, 1)] has utility 0.48; land loses 0.44 × (1 − 0.48) = 0.2288,
        // so the score loses 0.25 × 0.2288 = 0.0572: 0.7363 − 0.0572 = 0.6791, still efficient (≥ 0.65).
        Assert.Equal(0.6791, outcome.Result!.Score, 9);
        Assert.Equal(Classification.Efficient, outcome.Result.Classification);
        Assert.Equal(ValueOrigin.Cache, outcome.Provenance["far"].Origin);
    }

    [Fact]
    public async Task An_id_alone_that_the_cache_does_not_hold_is_not_found_but_an_empty_parcel_is_evaluated()
    {
        var outcomes = await _app.EvaluateAsync(Model, false,
            new ParcelFacts { ParcelId = "NOWHERE" }, new ParcelFacts { ParcelId = "EMPTY", Level = (int)ParcelLevel.Park });

        Assert.True(outcomes[0].NotFound);
        Assert.Equal(Classification.InsufficientData, outcomes[1].Result!.Classification);
    }

    [Fact]
    public async Task Map_form_and_a_columnar_row_give_identical_evaluations_and_identical_history_records()
    {
        var p = OnCurve("FORMS-1");
        p.IndustryCode = "3911";
        p.RedevelopmentUnderway = true;
        var mapForm = Facts(p);
        var layout = new ColumnLayout(Model, [.. p.Indicators.Keys.Reverse()], [.. p.Categories.Keys], [.. p.Vetoes.Keys]);
        var row = mapForm with
        {
            Indicators = new Dictionary<string, double>(), Categories = new Dictionary<string, string>(), Vetoes = new Dictionary<string, bool>(),
            Row = new ParcelRowValues(layout, p.Indicators.Values.Reverse().ToArray(), p.Categories.Values.ToArray(),
                p.Vetoes.Values.Select(met => met ? EngineVetoAnswer.Met : EngineVetoAnswer.Failed).ToArray()),
        };

        var fromMap = (await _app.EvaluateAsync(Model, true, mapForm)).Single();
        var fromRow = (await _app.EvaluateAsync(Model, true, row)).Single();

        Assert.Equal(HandWorkedParcel.Score, fromMap.Result!.Score, 9);
        Assert.Equal(Disposition.RedevelopmentUnderway, fromMap.Result.Disposition); // the flag wins over the classification
        Assert.Equivalent(fromMap.Result, fromRow.Result, strict: true);
        var records = (await _app.History.ListAsync("FORMS-1", 10, null)).Evaluations;
        Assert.Equal(2, records.Count);
        Assert.Equal(records[0].Evaluation.InputsJson, records[1].Evaluation.InputsJson);
        using var inputs = JsonDocument.Parse(records[0].Evaluation.InputsJson);
        Assert.True(inputs.RootElement.GetProperty("redevelopment_underway").GetBoolean());
        Assert.Equal("3911", inputs.RootElement.GetProperty("industry_code").GetString());
        // Values are written in model order, whatever order the input gave them in.
        Assert.Equal(Model.NumericCodes, inputs.RootElement.GetProperty("indicators").EnumerateObject().Select(x => x.Name));
    }

    [Fact]
    public async Task A_bad_row_value_is_named_by_its_column_and_a_bad_map_value_by_its_code()
    {
        var layout = new ColumnLayout(Model, ["far", "building_density"], [], [], "columns.");
        var outcomes = await _app.EvaluateAsync(Model, false,
            new ParcelFacts { ParcelId = "BAD-MAP", Indicators = new Dictionary<string, double> { ["building_density"] = 130 } },
            new ParcelFacts { ParcelId = "BAD-ROW", Row = new ParcelRowValues(layout, new[] { 1.5, 130 }, default, default) });

        Assert.Equal([new FieldViolation("indicators[\"building_density\"]", "value 130 is outside the valid range [0, 100] (%)")], outcomes[0].Violations);
        Assert.Equal([new FieldViolation("values[1]", "building_density: value 130 is outside the valid range [0, 100] (%)")], outcomes[1].Violations);
    }

    [Fact]
    public async Task Impact_analysis_counts_the_parcels_that_move_into_the_inefficient_classes()
    {
        // Two cached parcels: the hand-worked one (0.7363) and one with a failed veto (inefficient under both models).
        var vetoed = OnCurve("IMPACT-2");
        vetoed.Vetoes["safety"] = false;
        await _app.Parcels.UpsertAsync("registry", new DateOnly(2025, 6, 30), [Write(OnCurve("IMPACT-1")), Write(vetoed)]);
        // New element weights: energy 0.95, the other five 0.01 each:
        // 0.95·0.566 + 0.01·(0.532 + 0.864 + 0.763 + 0.776 + 0.700) = 0.5377 + 0.03635 = 0.57405 < 0.6.
        var table = Model.Elements.Select(e => new GroupWeight(ModelWeights.ElementsGroup, e.Code, e.Code == "energy" ? 0.95 : 0.01)).ToList();
        var heavy = ModelCompiler.Compile(ModelWeights.Apply(Model.Document, table, "1") with { Version = "2" });

        var impact = await _app.Impact.PreviewAsync(Model, heavy, 0, CancellationToken.None);

        Assert.Equal(2, impact.ParcelCount);
        Assert.Equal(1, impact.TotalMoves);
        var move = impact.Moves.Single();
        Assert.Equal(("IMPACT-1", Classification.Efficient, Classification.InefficientScore), (move.ParcelId, move.From, move.To));
        Assert.Equal(HandWorkedParcel.Score, move.FromScore, 9);
        Assert.Equal(0.57405, move.ToScore, 9);
        Assert.Equal([(Classification.Efficient, Classification.InefficientScore, 1, 120.0), (Classification.InefficientVeto, Classification.InefficientVeto, 1, 120.0)],
            impact.Shifts.Select(s => (s.From, s.To, s.Count, s.AreaMu)));
        // 0.7363 under the base weights is far from the line: its verdict was not contested.
        Assert.Equal(0, impact.MovesAlreadyContested);
    }

    [Fact]
    public async Task Impact_analysis_tells_how_many_moved_parcels_were_already_contested_under_the_base_version()
    {
        await _app.Parcels.UpsertAsync("registry", new DateOnly(2025, 6, 30), [Write(OnCurve("CONTESTED-1"))]);
        // Base weights population 0.5, energy 0.3, the other four 0.05 each:
        // 0.5·0.532 + 0.3·0.566 + 0.05·(0.864 + 0.763 + 0.776 + 0.700) = 0.266 + 0.1698 + 0.15515 = 0.59095 < 0.6.
        // Its spread under Dirichlet(100·W) is about 0.009 (Σ W(1 − W)/101 · (s − S)²), so the verdict is contested.
        double[] weights = [0.5, 0.05, 0.05, 0.05, 0.05, 0.3];
        var table = Model.Elements.Select(e => new GroupWeight(ModelWeights.ElementsGroup, e.Code, weights[e.Index])).ToList();
        var leaning = ModelCompiler.Compile(ModelWeights.Apply(Model.Document, table, "3"));

        var impact = await _app.Impact.PreviewAsync(leaning, Model, 0, CancellationToken.None);

        var move = impact.Moves.Single();
        Assert.Equal(0.59095, move.FromScore, 9);
        Assert.Equal((Classification.InefficientScore, Classification.Efficient), (move.From, move.To));
        Assert.Equal(1, impact.MovesAlreadyContested);
    }

    private static ParcelInput OnCurve(string id) => HandWorkedParcel.Input(id);

    private static ParcelFacts Facts(ParcelInput p) => new()
    {
        ParcelId = p.ParcelId, Level = (int)p.Level, AreaMu = p.AreaMu, IndustryCode = p.IndustryCode, UnitId = p.UnitId, Street = p.Street,
        Indicators = p.Indicators, Categories = p.Categories, Vetoes = p.Vetoes,
        RedevelopmentUnderway = p.HasRedevelopmentUnderway ? p.RedevelopmentUnderway : null,
    };

    private static ParcelWrite Write(ParcelInput p) => new(p.ParcelId)
    {
        Level = (int)p.Level, AreaMu = p.AreaMu, UnitId = p.UnitId, Street = p.Street,
        Indicators = p.Indicators, Categories = p.Categories, Vetoes = p.Vetoes,
    };
}
