using System.Text;
using Grpc.Core;
using Scoring.Engine.Model;
using Scoring.Engine.Spatial;
using Scoring.V1;

namespace Scoring.Server.Tests;

/// <summary>
/// Issue 16 through a real server: the robustness view against the test's own Monte Carlo (its own Gamma and Dirichlet
/// sampler, more draws, another seed), Δ* against the closed form worked out here, and the same numbers twice.
/// </summary>
public sealed class RobustnessTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private ScoringService.ScoringServiceClient Scoring => new(server.Channel);
    private ModelService.ModelServiceClient Models => new(server.Channel);

    // Each parcel is built around a score: element e's indicators sit at c + offset_e ± 0.03 (alternately), with c
    // chosen so that the model's own weights give exactly the target. The spread makes the weights matter.
    private static readonly double[] Offsets = [0.12, -0.08, 0.08, -0.12, -0.04, 0.08];
    private const double Within = 0.03;
    private const double Threshold = 0.6;
    private const int ReferenceDraws = 40_000;
    private const double Alpha = 100; // the default robustness.concentration

    // The default model with every indicator made numeric with utility = value on [0, 1], so a parcel's utilities are
    // set directly. Curve overrides and spatial rules that name categories are dropped with them.
    internal static readonly ModelDocument Linear = DefaultModel.Model.Document with
    {
        Version = "",
        LevelOverrides = [],
        IndustryAnchors = [],
        Spatial = new SpatialDocument(),
        Elements =
        [
            .. DefaultModel.Model.Document.Elements.Select(e => e with
            {
                Indicators =
                [
                    .. e.Indicators.Select(i => i with
                    {
                        Unit = "utility",
                        Categories = null,
                        Curve = new CurveDocument { Points = [[0, 0], [1, 1]] },
                        Range = new RangeDocument { Min = 0, Max = 1 },
                    }),
                ],
            }),
        ],
    };

    private async Task<string> LinearVersionAsync() =>
        (await Models.CreateModelAsync(new CreateModelRequest { DocumentJson = Linear.ToJson(), Note = "utility = value" })).Model.Version;

    // Utilities by element, in model order, for a parcel whose score under the model's weights is `target`.
    internal static double[][] UtilitiesFor(double target)
    {
        double[] Pattern(int e) => [.. Linear.Elements[e].Indicators.Select((_, k) => Offsets[e] + (k % 2 == 0 ? Within : -Within))];
        // S = c + Σ_e W_e Σ_k w_ek (offset_e ± 0.03), because every element's weights sum to 1.
        var lift = Linear.Elements.Select((el, e) => el.Weight * Pattern(e).Select((p, k) => el.Indicators[k].Weight * p).Sum()).Sum();
        var c = target - lift;
        return [.. Linear.Elements.Select((_, e) => Pattern(e).Select(p => c + p).ToArray())];
    }

    internal static ParcelInput Parcel(string id, double[][] utilities)
    {
        var p = new ParcelInput { ParcelId = id, Level = Level.Park, AreaMu = 50, Vetoes = { DefaultModelCodes.AllVetoesMet() } };
        for (var e = 0; e < utilities.Length; e++)
            for (var k = 0; k < utilities[e].Length; k++) p.Indicators[Linear.Elements[e].Indicators[k].Code] = utilities[e][k];
        return p;
    }

    private async Task<Evaluation> EvaluateAsync(string version, ParcelInput parcel) =>
        (await Scoring.EvaluateParcelAsync(new EvaluateParcelRequest
        {
            Parcel = parcel, ModelVersion = version, View = EvaluationView.Robustness, SkipHistory = true,
        })).Evaluation;

    [Fact]
    public async Task Probability_below_the_threshold_matches_an_independent_Monte_Carlo_within_four_standard_errors()
    {
        var version = await LinearVersionAsync();
        var random = new Random(20_260_116);
        foreach (var target in new[] { 0.45, 0.58, 0.60, 0.62, 0.80 })
        {
            var utilities = UtilitiesFor(target);
            var r = (await EvaluateAsync(version, Parcel($"robust-{target:0.00}", utilities))).Robustness;
            Assert.NotNull(r);

            var below = 0;
            for (var n = 0; n < ReferenceDraws; n++)
                if (ReferenceScore(random, utilities) < Threshold) below++;
            var reference = (double)below / ReferenceDraws;
            // The standard error of the difference of two independent proportions; p kept off 0 and 1 by one draw.
            var p = Math.Clamp(reference, 1.0 / r.Draws, 1 - 1.0 / r.Draws);
            var standardError = Math.Sqrt(p * (1 - p) * (1.0 / r.Draws + 1.0 / ReferenceDraws));
            Assert.True(Math.Abs(r.PBelowThreshold - reference) <= 4 * standardError,
                $"score {target}: service {r.PBelowThreshold} over {r.Draws} draws, reference {reference} over {ReferenceDraws}");

            // Wilson 95 %: (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n), z = 1.959964.
            double z = 1.959964, nn = r.Draws, q = r.PBelowThreshold;
            var centre = (q + z * z / (2 * nn)) / (1 + z * z / nn);
            var half = z * Math.Sqrt(q * (1 - q) / nn + z * z / (4 * nn * nn)) / (1 + z * z / nn);
            Assert.Equal(centre - half, r.CiLow, 6);
            Assert.Equal(centre + half, r.CiHigh, 6);
            Assert.Equal(r.CiLow > 0.95 || r.CiHigh < 0.05, r.Stable);
            Assert.Equal(SeedOf(version), int.Parse(r.Method.Split("seed=")[1], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Contains("α=100", r.Method, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Far_parcels_are_stable_after_one_block_and_a_parcel_on_the_line_uses_every_draw()
    {
        var version = await LinearVersionAsync();
        var low = (await EvaluateAsync(version, Parcel("far-low", UtilitiesFor(0.45)))).Robustness;
        var high = (await EvaluateAsync(version, Parcel("far-high", UtilitiesFor(0.80)))).Robustness;
        var line = (await EvaluateAsync(version, Parcel("on-line", UtilitiesFor(0.60)))).Robustness;

        Assert.True(low.Stable);
        Assert.Equal(1.0, low.PBelowThreshold);
        Assert.Equal(1_000, low.Draws);
        Assert.True(high.Stable);
        Assert.Equal(0.0, high.PBelowThreshold);
        Assert.Equal(1_000, high.Draws);
        Assert.False(line.Stable);
        Assert.Equal(10_000, line.Draws);
        Assert.InRange(line.PBelowThreshold, 0.2, 0.8);
    }

    [Fact]
    public async Task Critical_weight_change_is_the_closed_form_and_lands_the_score_on_the_threshold()
    {
        var version = await LinearVersionAsync();
        var named = new List<double>();
        foreach (var target in new[] { 0.45, 0.58, 0.62, 0.80 })
        {
            var utilities = UtilitiesFor(target);
            var e = await EvaluateAsync(version, Parcel($"flip-{target:0.00}", utilities));

            // By hand: s_g = Σ_k w_gk u_gk; S = Σ_g W_g s_g; R_g = (S − W_g s_g)/(1 − W_g); Δ*_g = (τ − S)/(s_g − R_g),
            // kept when 0 ≤ W_g + Δ*_g ≤ 1; the smallest |Δ*_g| wins.
            var weights = Linear.Elements.Select(el => el.Weight).ToArray();
            var scores = Linear.Elements.Select((el, g) => el.Indicators.Select((i, k) => i.Weight * utilities[g][k]).Sum()).ToArray();
            var score = weights.Zip(scores, (w, s) => w * s).Sum();
            Assert.Equal(target, score, 12);
            var best = (Code: "", Delta: double.PositiveInfinity);
            for (var g = 0; g < weights.Length; g++)
            {
                var rest = (score - weights[g] * scores[g]) / (1 - weights[g]);
                var delta = (Threshold - score) / (scores[g] - rest);
                if (weights[g] + delta < 0 || weights[g] + delta > 1) continue;
                if (Math.Abs(delta) < Math.Abs(best.Delta)) best = (Linear.Elements[g].Code, delta);
            }
            Assert.Equal(best.Code, e.Robustness.CriticalElement);
            if (best.Code.Length == 0)
            {
                // No single element's weight can carry a parcel this far from the line: none is named, the change is 0.
                Assert.Equal(0, e.Robustness.CriticalWeightChange);
                Assert.True(Math.Abs(target - Threshold) > 0.1);
                continue;
            }
            Assert.True(Math.Abs(best.Delta - e.Robustness.CriticalWeightChange) <= 1e-9, $"{best.Delta} vs {e.Robustness.CriticalWeightChange}");

            // Re-scoring with the changed weights (the others rescaled proportionally) lands on τ.
            var at = Linear.Elements.FindIndex(el => el.Code == best.Code);
            var scale = (1 - weights[at] - best.Delta) / (1 - weights[at]);
            var moved = weights.Select((w, g) => g == at ? w + best.Delta : w * scale).ToArray();
            Assert.Equal(1.0, moved.Sum(), 12);
            Assert.True(Math.Abs(moved.Zip(scores, (w, s) => w * s).Sum() - Threshold) <= 1e-9);
            named.Add(target);
        }
        Assert.Contains(0.58, named);
        Assert.Contains(0.62, named);
    }

    [Fact]
    public async Task The_same_parcel_and_version_give_the_same_numbers_in_every_call_and_every_form()
    {
        var version = await LinearVersionAsync();
        var parcels = new[] { 0.58, 0.60, 0.62 }.Select(t => Parcel($"again-{t:0.00}", UtilitiesFor(t))).ToList();
        var first = new List<Robustness>();
        foreach (var p in parcels) first.Add((await EvaluateAsync(version, p)).Robustness);
        foreach (var p in parcels) Assert.Equal(first[parcels.IndexOf(p)], (await EvaluateAsync(version, p)).Robustness);

        using var call = Scoring.BatchEvaluate();
        await call.RequestStream.WriteAsync(new BatchEvaluateRequest { Parcels = { parcels }, ModelVersion = version, View = EvaluationView.Robustness });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Equal(first, call.ResponseStream.Current.Results.Select(r => r.Evaluation.Robustness));
        Assert.All(call.ResponseStream.Current.Results, r => Assert.Equal(27, r.Evaluation.Indicators.Count)); // the full view too
    }

    [Fact]
    public async Task A_parcel_failing_a_veto_is_stable_with_the_probability_of_its_score()
    {
        var version = await LinearVersionAsync();
        var utilities = UtilitiesFor(0.60);
        var vetoed = Parcel("vetoed", utilities);
        vetoed.Vetoes[DefaultModelCodes.AllVetoesMet().Keys.First()] = false;
        var free = (await EvaluateAsync(version, Parcel("free", utilities))).Robustness;
        var failed = await EvaluateAsync(version, vetoed);

        Assert.Equal(Classification.InefficientVeto, failed.Classification);
        Assert.True(failed.Robustness.Stable);
        Assert.False(free.Stable);
        Assert.Equal(free.PBelowThreshold, failed.Robustness.PBelowThreshold);
    }

    [Fact]
    public async Task The_basic_and_full_views_carry_no_robustness()
    {
        var parcel = HandWorkedParcel.Input();
        foreach (var view in new[] { EvaluationView.Basic, EvaluationView.Full })
            Assert.Null((await Scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = parcel, View = view, SkipHistory = true })).Evaluation.Robustness);
    }

    // One draw of the reference: Dirichlet(α·w0) at every node, then Σ_e W_e Σ_k w_ek u_ek.
    private static double ReferenceScore(Random random, double[][] utilities)
    {
        var elementWeights = Dirichlet(random, [.. Linear.Elements.Select(e => e.Weight)]);
        var score = 0.0;
        for (var e = 0; e < utilities.Length; e++)
        {
            var local = Dirichlet(random, [.. Linear.Elements[e].Indicators.Select(i => i.Weight)]);
            score += elementWeights[e] * local.Select((w, k) => w * utilities[e][k]).Sum();
        }
        return score;
    }

    private static double[] Dirichlet(Random random, double[] weights)
    {
        var x = weights.Select(w => Gamma(random, Alpha * w)).ToArray();
        var sum = x.Sum();
        return [.. x.Select(v => v / sum)];
    }

    // Marsaglia and Tsang's method (2000); a shape below 1 through Gamma(a + 1)·U^(1/a).
    private static double Gamma(Random random, double shape)
    {
        if (shape < 1) return Gamma(random, shape + 1) * Math.Pow(random.NextDouble(), 1 / shape);
        var d = shape - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                // Box–Muller normal.
                x = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            var u = random.NextDouble();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v)) return d * v;
        }
    }

    // FNV-1a, 32 bits, of the version's UTF-8 bytes, as a non-negative int: the documented seed.
    private static int SeedOf(string version)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(version)) hash = (hash ^ b) * 16777619u;
        return (int)(hash & 0x7FFFFFFF);
    }
}
