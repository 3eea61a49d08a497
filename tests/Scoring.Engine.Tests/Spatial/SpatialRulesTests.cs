using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using Scoring.Engine.Spatial;

namespace Scoring.Engine.Tests.Spatial;

public sealed class SpatialRulesTests
{
    // Land poor: FAR 0.5 → 0.3, density 10 % → 0.2, the other two at 0.6: land = 0.44·0.3 + 0.31·0.2 + 0.06·0.6 + 0.19·0.6
    // = 0.344; every other element at 0.6, so the score is 0.6 − 0.25 × (0.6 − 0.344) = 0.536: INEFFICIENT_SCORE.
    private static readonly Dictionary<string, double> LandPoor = new(TestParcels.AtMinimum) { ["far"] = 0.5, ["building_density"] = 10 };

    // Output poor: output and tax per 亩 at 0: economy = 0.6 − (0.18 + 0.20) × 0.6 = 0.372, score 0.6 − 0.32 × 0.228 = 0.527;
    // land stays at its minimum (FAR 1.0, density 30 %).
    private static readonly Dictionary<string, double> OutputPoor = new(TestParcels.AtMinimum) { ["output_per_mu"] = 0, ["tax_per_mu"] = 0 };

    private static (ParcelVector Vector, Scorecard Card) Scored(IReadOnlyDictionary<string, double> values, ParcelLevel level, double areaMu,
        string enterpriseType = "below_scale", IReadOnlyDictionary<string, bool>? vetoes = null, ScoringModel? model = null)
    {
        model ??= DefaultModel.Model;
        var facts = TestParcels.Facts(values, new Dictionary<string, string>(TestParcels.MinimumCategories) { ["enterprise_type"] = enterpriseType }, vetoes)
            with { Level = (int)level, AreaMu = areaMu };
        var violations = new List<FieldViolation>();
        var vector = ParcelReader.Read(model, facts, violations)!;
        Assert.Empty(violations);
        var card = new Scorecard(model);
        Evaluator.Score(vector, card);
        return (vector, card);
    }

    private static RedevelopmentMode[] Modes((ParcelVector Vector, Scorecard Card) p, PlaceFacts place, ScoringModel? model = null) =>
        [.. SpatialRules.For(model ?? DefaultModel.Model).Modes(p.Vector, p.Card, place).Select(m => m.Mode)];

    private static ClearanceZone Zone((ParcelVector Vector, Scorecard Card) p, PlaceFacts place) =>
        SpatialRules.For(DefaultModel.Model).Zone(p.Vector, p.Card, place);

    private static readonly PlaceFacts Inside = new() { InsideDevelopmentBoundary = true, InEcologicalRedLine = false };
    private static readonly PlaceFacts Outside = new() { InsideDevelopmentBoundary = false, InEcologicalRedLine = false };

    [Fact]
    public void The_test_parcels_score_as_worked_out()
    {
        var land = Scored(LandPoor, ParcelLevel.Park, 30);
        var output = Scored(OutputPoor, ParcelLevel.Park, 30);

        Assert.Equal(0.536, land.Card.Score, 9);
        Assert.Equal(0.344, land.Card.ElementScores[DefaultModel.Model.Elements.Single(e => e.Code == "land").Index], 9);
        Assert.Equal(0.6 - 0.32 * 0.228, output.Card.Score, 9);
        Assert.Equal(Disposition.IdentifiedInefficient, land.Card.Disposition);
        Assert.Equal(Disposition.IdentifiedInefficient, output.Card.Disposition);
    }

    [Fact]
    public void Each_clearance_tier_fires_on_its_parcel_and_not_on_its_neighbours()
    {
        var inefficient = Scored(LandPoor, ParcelLevel.Scattered, 30);
        var efficient = Scored(TestParcels.AtBest, ParcelLevel.Scattered, 30);

        Assert.Equal(ClearanceZone.Must, Zone(inefficient, Inside with { InEcologicalRedLine = true }));
        Assert.Equal(ClearanceZone.Must, Zone(efficient, Outside with { InEcologicalRedLine = true }));
        // Several clearance layers: the strictest.
        Assert.Equal(ClearanceZone.Must, Zone(inefficient, Outside with { InClearanceMust = true, InClearanceEncouraged = true }));
        Assert.Equal(ClearanceZone.Encouraged, Zone(inefficient, Outside with { InClearanceMust = false, InClearanceEncouraged = true, InClearanceConsidered = true }));
        Assert.Equal(ClearanceZone.Considered, Zone(efficient, Outside with { InClearanceConsidered = true }));
        // Inefficient, outside, in no clearance layer: considered; the efficient neighbour: none.
        Assert.Equal(ClearanceZone.Considered, Zone(inefficient, Outside with { InClearanceMust = false }));
        Assert.Equal(ClearanceZone.None, Zone(efficient, Outside with { InClearanceMust = false }));
        // Inside the boundary the clearance layers do not apply.
        Assert.Equal(ClearanceZone.None, Zone(inefficient, Inside with { InClearanceMust = true }));
        // Nothing known.
        Assert.Equal(ClearanceZone.Unspecified, Zone(inefficient, new PlaceFacts()));
    }

    [Fact]
    public void Ecological_restoration_outside_the_boundary_or_in_the_red_line()
    {
        Assert.Equal([RedevelopmentMode.EcologicalRestoration], Modes(Scored(LandPoor, ParcelLevel.Scattered, 30), Outside));
        Assert.Equal([RedevelopmentMode.EcologicalRestoration], Modes(Scored(LandPoor, ParcelLevel.Scattered, 30), Inside with { InEcologicalRedLine = true }));
        Assert.Empty(Modes(Scored(LandPoor, ParcelLevel.Scattered, 30), Inside));
    }

    [Fact]
    public void Capacity_upgrade_for_100_mu_and_more_inside_the_boundary_with_every_veto_passed()
    {
        Assert.Equal([RedevelopmentMode.CapacityUpgrade], Modes(Scored(OutputPoor, ParcelLevel.Park, 120), Inside));
        Assert.Equal([RedevelopmentMode.CapacityUpgrade], Modes(Scored(OutputPoor, ParcelLevel.Park, 100), Inside));
        Assert.Empty(Modes(Scored(OutputPoor, ParcelLevel.Park, 99.9), Inside));
        var failedVeto = new Dictionary<string, bool>(DefaultModelCodes.AllVetoesMet()) { ["safety"] = false };
        Assert.Empty(Modes(Scored(OutputPoor, ParcelLevel.Park, 120, vetoes: failedVeto), Inside));
        Assert.Equal([RedevelopmentMode.EcologicalRestoration], Modes(Scored(OutputPoor, ParcelLevel.Park, 120), Outside));
    }

    [Fact]
    public void High_standard_factory_for_a_small_park_or_community_plot_with_low_FAR_or_density()
    {
        Assert.Equal([RedevelopmentMode.HighStandardFactory], Modes(Scored(LandPoor, ParcelLevel.Park, 30), Inside));
        Assert.Equal([RedevelopmentMode.HighStandardFactory], Modes(Scored(LandPoor, ParcelLevel.Community, 30), Inside));
        Assert.Empty(Modes(Scored(LandPoor, ParcelLevel.Scattered, 30), Inside));
        // FAR 1.0 and density 30 % are not low.
        Assert.Empty(Modes(Scored(OutputPoor, ParcelLevel.Park, 30), Inside));
    }

    [Fact]
    public void Research_for_a_high_tech_or_specialised_enterprise_with_poor_land_indicators()
    {
        Assert.Equal([RedevelopmentMode.Research], Modes(Scored(LandPoor, ParcelLevel.Scattered, 30, "high_tech"), Inside));
        Assert.Equal([RedevelopmentMode.Research], Modes(Scored(LandPoor, ParcelLevel.Scattered, 30, "specialized"), Inside));
        Assert.Empty(Modes(Scored(LandPoor, ParcelLevel.Scattered, 30, "above_scale"), Inside));
        // Land at its minimum is not poor.
        Assert.Empty(Modes(Scored(OutputPoor, ParcelLevel.Scattered, 30, "high_tech"), Inside));
    }

    [Fact]
    public void Commercial_residential_and_supporting_for_community_parcels_in_the_main_urban_area_with_the_papers_caveats()
    {
        var community = Scored(OutputPoor, ParcelLevel.Community, 30);
        var suggestions = SpatialRules.For(DefaultModel.Model).Modes(community.Vector, community.Card, Inside with { InMainUrbanArea = true });

        Assert.Equal([RedevelopmentMode.CommercialOffice, RedevelopmentMode.Residential, RedevelopmentMode.Supporting], suggestions.Select(s => s.Mode));
        Assert.Contains("带方案挂牌", suggestions[0].Reason);
        Assert.Contains("FAR bonus", suggestions[2].Reason);
        Assert.Empty(Modes(community, Inside with { InMainUrbanArea = false }));
        Assert.Empty(Modes(Scored(OutputPoor, ParcelLevel.Park, 30), Inside with { InMainUrbanArea = true }));
    }

    [Fact]
    public void Contiguous_renewal_in_the_main_urban_area_when_the_group_reaches_the_area()
    {
        var parcel = Scored(OutputPoor, ParcelLevel.Scattered, 30);

        Assert.Equal([RedevelopmentMode.ContiguousRenewal], Modes(parcel, Inside with { InMainUrbanArea = true, ContiguousAreaMu = 150 }));
        Assert.Empty(Modes(parcel, Inside with { InMainUrbanArea = true, ContiguousAreaMu = 149 }));
        Assert.Empty(Modes(parcel, Inside with { InMainUrbanArea = false, ContiguousAreaMu = 500 }));
    }

    [Fact]
    public void A_retained_parcel_gets_no_mode()
    {
        var efficient = Scored(TestParcels.AtBest, ParcelLevel.Community, 120);

        Assert.Equal(Disposition.Retained, efficient.Card.Disposition);
        Assert.Empty(Modes(efficient, Outside with { InMainUrbanArea = true }));
    }

    [Fact]
    public void A_district_changes_the_rules_in_its_model_document()
    {
        var spatial = SpatialDocument.Defaults with
        {
            RedevelopmentRules = [.. SpatialDocument.Defaults.RedevelopmentRules.Select(r => r.Mode == "capacity_upgrade" ? r with { When = r.When with { MinAreaMu = 50 } } : r)],
        };
        var model = ModelCompiler.Compile(DocumentEdits.Default with { Version = "spatial-50", Spatial = spatial });

        Assert.Equal([RedevelopmentMode.CapacityUpgrade], Modes(Scored(OutputPoor, ParcelLevel.Scattered, 60, model: model), Inside, model));
        Assert.Empty(Modes(Scored(OutputPoor, ParcelLevel.Scattered, 60), Inside));
    }

    [Fact]
    public void A_rule_naming_what_the_model_does_not_know_is_refused_with_its_path()
    {
        var spatial = new SpatialDocument
        {
            ClearanceRules = [new() { Zone = "maybe" }],
            RedevelopmentRules = [new() { Mode = "research", Reason = "r", When = new() { AnyElementBelow = new() { ["soil"] = 0.5 }, Levels = ["city"] } }],
        };

        var e = Assert.Throws<ModelValidationException>(() => ModelCompiler.Compile(DocumentEdits.Default with { Spatial = spatial }));

        Assert.Equal(["$.spatial.clearance_rules[0].zone", "$.spatial.redevelopment_rules[0].when.levels", "$.spatial.redevelopment_rules[0].when.any_element_below"],
            e.Errors.Select(x => x.Path));
    }

    // A model of two elements without rules of its own: it has FAR but no building density, and no enterprise type.
    private const string TwoElementModel = """
        {
          "id": "two-elements", "version": "1", "name": "Two elements",
          "threshold": 0.6, "review_band": 0.05, "min_completeness": 0.7, "missing_data": "renormalize", "max_value_age_days": 100000,
          "veto_groups": [ { "code": "other", "name": "其他评价" } ],
          "vetoes": [ { "code": "safety", "group": "other", "name": "是否符合安全要求" } ],
          "elements": [
            { "code": "land", "name": "土地利用", "weight": 0.5, "indicators": [
              { "code": "far", "name": "容积率", "unit": "ratio", "weight": 1, "range": { "min": 0 }, "curve": { "points": [[0, 0], [2, 1]] } } ] },
            { "code": "economy", "name": "经济效益", "weight": 0.5, "indicators": [
              { "code": "tax_per_mu", "name": "亩均税收", "unit": "万元/亩", "weight": 1, "range": { "min": 0 }, "curve": { "points": [[0, 0], [10, 1]] } } ] }
          ]
        }
        """;

    [Fact]
    public void A_model_without_rules_of_its_own_gets_the_papers_rules_as_far_as_its_codes_allow()
    {
        var model = ModelCompiler.Compile(TwoElementModel);
        var rules = SpatialRules.DefaultsFor(model.Document);

        // Every clearance rule tests places only: all five stay.
        Assert.Equal(SpatialDocument.Defaults.ClearanceRules, rules.ClearanceRules);
        // Research asks for the enterprise type, which this model lacks: dropped. High-standard factory tests FAR or
        // building density: FAR alone is left. Capacity upgrade tests land or economy: both are here.
        Assert.Equal(["ecological_restoration", "ecological_restoration", "capacity_upgrade", "high_standard_factory", "contiguous_renewal",
            "commercial_office", "residential", "supporting"], rules.RedevelopmentRules.Select(r => r.Mode));
        Assert.Equal(new Dictionary<string, double> { ["far"] = 1.0 }, rules.RedevelopmentRules[3].When.AnyIndicatorBelow);
        Assert.Equal(new Dictionary<string, double> { ["land"] = 0.6, ["economy"] = 0.6 }, rules.RedevelopmentRules[2].When.AnyElementBelow);
        // The default model keeps every rule as the paper gives it.
        Assert.Equal(SpatialDocument.Defaults.RedevelopmentRules, SpatialRules.DefaultsFor(DefaultModel.Model.Document).RedevelopmentRules);
    }

    [Fact]
    public void A_small_park_parcel_of_such_a_model_with_a_low_FAR_is_offered_high_standard_factories()
    {
        var model = ModelCompiler.Compile(TwoElementModel);
        // FAR 0.5 → utility 0.25, tax 4 → 0.4: score 0.5 × 0.25 + 0.5 × 0.4 = 0.325, INEFFICIENT_SCORE, identified.
        var facts = new ParcelFacts
        {
            ParcelId = "TWO-1", Level = (int)ParcelLevel.Park, AreaMu = 30,
            Indicators = new Dictionary<string, double> { ["far"] = 0.5, ["tax_per_mu"] = 4 },
            Vetoes = new Dictionary<string, bool> { ["safety"] = true },
        };
        var violations = new List<FieldViolation>();
        var vector = ParcelReader.Read(model, facts, violations)!;
        Assert.Empty(violations);
        var card = new Scorecard(model);
        Evaluator.Score(vector, card);
        Assert.Equal(0.325, card.Score, 9);

        // Inside the boundary, under 100 亩, in a park, FAR below 1.0; land 0.25 below 0.6 but under 100 亩, so no capacity upgrade.
        Assert.Equal([RedevelopmentMode.HighStandardFactory], Modes((vector, card), Inside, model));
    }
}

public sealed class DefaultSpatialRulesTests
{
    [Fact]
    public void The_default_model_document_writes_the_papers_rules_as_data()
    {
        var written = DefaultModel.Model.Document.Spatial;

        Assert.NotNull(written);
        Assert.Equal(ModelDocumentJson(SpatialDocument.Defaults), ModelDocumentJson(written));
        Assert.Equal(["must", "must", "encouraged", "considered", "considered"], written.ClearanceRules.Select(r => r.Zone));
        Assert.Equal(["ecological_restoration", "ecological_restoration", "capacity_upgrade", "high_standard_factory", "research", "contiguous_renewal",
            "commercial_office", "residential", "supporting"], written.RedevelopmentRules.Select(r => r.Mode));
    }

    [Fact]
    public void A_null_rule_is_refused_with_its_path()
    {
        var json = DefaultModel.Json.Replace("\"clearance_rules\": [", "\"clearance_rules\": [null, ");

        var e = Assert.Throws<ModelValidationException>(() => ModelDocument.Parse(json));

        Assert.Equal("$.spatial.clearance_rules[0]", Assert.Single(e.Errors).Path);
    }

    private static string ModelDocumentJson(SpatialDocument spatial) => (DocumentEdits.Default with { Spatial = spatial }).ToJson();
}
