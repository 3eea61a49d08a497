using Scoring.Engine.Ahp;
using Scoring.Engine.Model;
using Scoring.Server.Models;
using Scoring.Storage.Models;

namespace Scoring.Server.Tests.Identification;

/// <summary>Weight updates without a server: AHP judgments and weight tables become stored, typed versions.</summary>
public sealed class WeightUpdatesTests : IAsyncLifetime
{
    private readonly ApplicationLayer _app = new();
    private ModelRegistry _registry = null!;
    private WeightUpdates _updates = null!;

    public async Task InitializeAsync()
    {
        _registry = new ModelRegistry(new ModelStore(_app.Database));
        await _registry.InitializeAsync(ApplicationLayer.DefaultDocument, CancellationToken.None);
        _updates = new WeightUpdates(_registry, _app.Impact);
    }

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    [Fact]
    public async Task A_consistent_matrix_gives_back_its_weights_in_a_new_active_version_with_its_judgments_kept()
    {
        // a_ij = w_i / w_j for w = (0.4, 0.3, 0.2, 0.1): perfectly consistent, λmax = 4, CR = 0, weights exactly w.
        double[] w = [0.4, 0.3, 0.2, 0.1];
        string[] items = ["far", "building_density", "green_ratio", "idle_ratio"];
        var values = (from i in w from j in w select i / j).ToArray();
        var result = await _updates.FromJudgmentsAsync(_registry.Catalog.Active, [new PairwiseComparison("land", [.. items], [.. values], "planner")],
            new UpdateOptions(DryRun: false, Activate: true, Author: "admin", Note: "land round", ExpectedActiveVersion: "1"), CancellationToken.None);

        Assert.Equal("2", _registry.Catalog.Active.Version);
        var land = ModelWeights.All(result.Document).Where(x => x.Group == "land").ToDictionary(x => x.Code, x => x.Weight);
        for (var i = 0; i < items.Length; i++) Assert.Equal(w[i], land[items[i]], 1e-9);
        var stored = (await _registry.Store.GetAsync(2, CancellationToken.None))!;
        Assert.Equal(1, stored.ParentVersion);
        var judgment = Assert.Single(stored.Judgments);
        Assert.Equal(("land", "planner"), (judgment.Group, judgment.Expert));
        Assert.Equal(values, judgment.Values);
        var consistency = Assert.Single(stored.Consistency);
        Assert.Equal(4.0, consistency.LambdaMax, 1e-9);
        Assert.Equal(0.0, consistency.Cr, 1e-9);
        Assert.Equal("planner", Assert.Single(consistency.Experts).Expert);
    }

    [Fact]
    public async Task A_dry_run_stores_nothing_and_a_table_not_summing_to_one_is_refused_naming_the_group()
    {
        var table = new[] { new GroupWeight("land", "far", 0.45), new GroupWeight("land", "building_density", 0.31), new GroupWeight("land", "green_ratio", 0.06), new GroupWeight("land", "idle_ratio", 0.19) };
        var refused = await Assert.ThrowsAsync<WeightUpdateRejected>(() => _updates.FromTableAsync(_registry.Catalog.Active, table,
            new UpdateOptions(DryRun: true, Activate: false, Author: "admin", Note: "", ExpectedActiveVersion: null), CancellationToken.None));
        Assert.Contains(refused.Violations, v => v.Field.StartsWith("weights.weights", StringComparison.Ordinal) && v.Description.Contains("1.01", StringComparison.Ordinal));

        table[0] = new GroupWeight("land", "far", 0.44);
        var dry = await _updates.FromTableAsync(_registry.Catalog.Active, table,
            new UpdateOptions(DryRun: true, Activate: false, Author: "admin", Note: "", ExpectedActiveVersion: null), CancellationToken.None);
        Assert.Null(dry.Stored);
        Assert.Single(await _registry.Store.ListAllAsync(CancellationToken.None));
    }

    [Fact]
    public async Task An_update_expecting_another_active_version_is_refused_and_stores_nothing()
    {
        var table = ModelWeights.All(_registry.Catalog.Active.Document).ToList();
        await Assert.ThrowsAsync<ActiveVersionChangedException>(() => _updates.FromTableAsync(_registry.Catalog.Active, table,
            new UpdateOptions(DryRun: false, Activate: true, Author: "admin", Note: "", ExpectedActiveVersion: "7"), CancellationToken.None));
        Assert.Equal("1", _registry.Catalog.Active.Version);
        Assert.Single(await _registry.Store.ListAllAsync(CancellationToken.None));
    }
}
