using Scoring.Engine.Ahp;
using Scoring.Engine.Model;
using Scoring.Engine.Robustness;
using Scoring.Engine.Tests.Ahp;

namespace Scoring.Engine.Tests.Robustness;

public sealed class WeightSamplerTests
{
    private static ScoringModel WithDraws(int draws, string version = "7") =>
        ModelCompiler.Compile(DefaultModel.Model.Document with { Version = version, Robustness = new RobustnessDocument { Draws = draws } });

    // One expert's element judgments (population, land, enterprise, industry, economy, energy), near the paper's weights
    // but with industry judged 3 over energy, enterprise 1/2 against industry and population only 1/2 against economy
    // (while 1/5 against land, which equals economy): consistent enough to be accepted,
    // close enough to 0.1 that some perturbed draws are not.
    private static PairwiseComparison ElementJudgments() => Judgments.Matrix(ModelWeights.ElementsGroup,
        [.. DefaultModelCodes.Elements],
        [
            [1,     1.0 / 5, 1.0 / 3, 1.0 / 2, 1.0 / 2, 1.0 / 2],
            [5,     1,       2,       2,       1,       2],
            [3,     1.0 / 2, 1,       1.0 / 2, 1.0 / 2, 1],
            [2,     1.0 / 2, 2,       1,       1.0 / 3, 3],
            [2,     1,       2,       3,       1,       3],
            [2,     1.0 / 2, 1,       1.0 / 3, 1.0 / 3, 1],
        ]);

    [Fact]
    public void Judgment_based_draws_keep_only_matrices_with_CR_at_most_0_1_and_drop_the_others()
    {
        var judgments = ElementJudgments();
        var given = PriorityDerivation.Derive(judgments).ConsistencyRatio;
        Assert.InRange(given, 0.03, 0.1);

        var draws = WeightSampler.Draw(WithDraws(2_000), [judgments]);

        Assert.Equal(2_000, draws.Count);
        Assert.Equal(2_000, draws.ConsistencyRatios.Count);
        Assert.All(draws.ConsistencyRatios, cr => Assert.True(cr <= 0.1, $"CR {cr}"));
        Assert.True(draws.Dropped > 0, $"CR of the judgments {given}: no draw was dropped");
        Assert.Contains("d=0.5", draws.Method, StringComparison.Ordinal); // one expert: d = 0.5/√1
        // Each kept draw's element weights are a priority vector.
        for (var n = 0; n < draws.Count; n += 97) Assert.Equal(1.0, draws.ElementWeightsOf(n).Sum(), 9);
    }

    [Fact]
    public void Moving_on_the_scale_goes_through_reciprocals_and_stops_at_9()
    {
        Assert.Equal(3.5, WeightSampler.MoveOnScale(3, 0.5), 12);
        Assert.Equal(1 / 1.5, WeightSampler.MoveOnScale(1, -0.5), 12);   // 1 → below 1 is the reciprocal of 1.5
        Assert.Equal(1 / 2.5, WeightSampler.MoveOnScale(1.0 / 3, 0.5), 12); // 1/3 moved up is 1/2.5
        Assert.Equal(9, WeightSampler.MoveOnScale(9, 0.5), 12);
        Assert.Equal(1.0 / 9, WeightSampler.MoveOnScale(1.0 / 9, -0.5), 12);
    }

    [Fact]
    public void Weight_table_draws_are_deterministic_and_centred_on_the_table()
    {
        var a = WeightSampler.Draw(WithDraws(4_000), []);
        var b = WeightSampler.Draw(WithDraws(4_000), []);
        Assert.Equal(Enumerable.Range(0, a.Count).SelectMany(a.GlobalWeightsOf), Enumerable.Range(0, b.Count).SelectMany(b.GlobalWeightsOf));

        // Dirichlet(α·w0) has mean w0 and variance w0(1 − w0)/(α + 1): the mean of 4,000 draws is within 5 standard errors.
        double[] table = [0.05, 0.25, 0.16, 0.11, 0.32, 0.11];
        for (var e = 0; e < table.Length; e++)
        {
            var mean = Enumerable.Range(0, a.Count).Average(n => a.ElementWeightsOf(n)[e]);
            var standardError = Math.Sqrt(table[e] * (1 - table[e]) / 101 / a.Count);
            Assert.True(Math.Abs(mean - table[e]) <= 5 * standardError, $"element {e}: mean {mean}, table {table[e]}");
        }
        Assert.Empty(a.ConsistencyRatios);
    }

    [Fact]
    public void The_seed_is_FNV_1a_of_the_version_unless_the_model_gives_one()
    {
        // FNV-1a("7"), one byte 0x37: (2166136261 ^ 0x37) · 16777619 mod 2³², then the top bit cleared.
        var expected = (int)(unchecked((2166136261u ^ 0x37u) * 16777619u) & 0x7FFFFFFF);
        Assert.Equal(expected, DrawSeed.Of("7"));
        Assert.Equal(expected, WeightSampler.Draw(WithDraws(1_000), []).Seed);
        var seeded = ModelCompiler.Compile(DefaultModel.Model.Document with { Version = "7", Robustness = new RobustnessDocument { Draws = 1_000, Seed = 42 } });
        Assert.Equal(42, WeightSampler.Draw(seeded, []).Seed);
    }

    [Fact]
    public void Robustness_settings_out_of_range_are_refused_with_their_path()
    {
        var errors = DocumentEdits.ErrorsOf(DefaultModel.Model.Document with { Robustness = new RobustnessDocument { Draws = 10, Concentration = 0 } });
        Assert.Contains(errors, e => e.Path == "robustness.draws");
        Assert.Contains(errors, e => e.Path == "robustness.concentration");
    }
}
