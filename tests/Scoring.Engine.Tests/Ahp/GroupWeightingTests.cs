using Scoring.Engine.Ahp;
using static Scoring.Engine.Tests.Ahp.Judgments;

namespace Scoring.Engine.Tests.Ahp;

public class GroupWeightingTests
{
    [Fact]
    public void Two_experts_judging_2_and_8_combine_to_4_and_weights_of_four_fifths_and_one_fifth()
    {
        // Geometric mean √(2·8) = 4, so w = (4/5, 1/5). Each expert alone: 2/3 : 1/3 and 8/9 : 1/9.
        var li = Pair("economy", "output", "jobs", 2, "li");
        var wang = Pair("economy", "output", "jobs", 8, "wang");

        var combined = JudgmentAggregation.GeometricMean([li, wang]);
        var group = GroupWeighting.Weigh([li, wang], ["output", "jobs"]);

        Close(4, combined.Judgment(0, 1), 1e-12);
        Close(1.0 / 4, combined.Judgment(1, 0), 1e-12);
        Assert.Equal(JudgmentAggregation.CombinedExpert, combined.Expert);
        AllClose([0.8, 0.2], group.Weights, 1e-12);
        Assert.Equal(new[] { "output", "jobs" }, group.Items.ToArray());
        Assert.True(group.IsConsistent);
        Assert.Equal(new[] { "li", "wang" }, group.Experts.Select(e => e.Expert).ToArray());
        AllClose([2.0 / 3, 1.0 / 3], group.Experts[0].Weights, 1e-12);
        AllClose([8.0 / 9, 1.0 / 9], group.Experts[1].Weights, 1e-12);
    }

    [Fact]
    public void An_expert_listing_the_items_in_another_order_is_reordered_before_combining()
    {
        // Wang lists jobs first: jobs over output = 1/8, i.e. output over jobs = 8, as above.
        var li = Pair("economy", "output", "jobs", 2, "li");
        var wang = Pair("economy", "jobs", "output", 1.0 / 8, "wang");

        var group = GroupWeighting.Weigh([li, wang]);

        Assert.Equal(new[] { "output", "jobs" }, group.Items.ToArray());
        AllClose([0.8, 0.2], group.Weights, 1e-12);
        Assert.Equal(new[] { "jobs", "output" }, group.Experts[1].Items.ToArray());
        AllClose([1.0 / 9, 8.0 / 9], group.Experts[1].Weights, 1e-12);
    }

    [Fact]
    public void Combining_two_consistent_experts_gives_the_geometric_mean_of_their_weights()
    {
        // Li: a : b : c = 4 : 2 : 1; Wang (listing c, b, a): c : b : a = 4 : 2 : 1. The geometric mean of
        // w_i/w_j and v_i/v_j is √(w_i v_i)/√(w_j v_j), so the weights are ∝ √(4·1), √(2·2), √(1·4):
        // all equal, 1/3 each, and the combined matrix is all ones.
        var li = Matrix("land", ["a", "b", "c"], [[1, 2, 4], [1.0 / 2, 1, 2], [1.0 / 4, 1.0 / 2, 1]], "li");
        var wang = Matrix("land", ["c", "b", "a"], [[1, 2, 4], [1.0 / 2, 1, 2], [1.0 / 4, 1.0 / 2, 1]], "wang");

        var group = GroupWeighting.Weigh([li, wang], ["a", "b", "c"]);

        AllClose([1.0 / 3, 1.0 / 3, 1.0 / 3], group.Weights, 1e-12);
        Close(3, group.LambdaMax, 1e-9);
        Close(0, group.ConsistencyRatio, 1e-9);
        Assert.All(group.Experts, e => Close(0, e.ConsistencyRatio, 1e-9));
        AllClose(Normalised(4, 2, 1), group.Experts[0].Weights, 1e-9);
    }

    [Fact]
    public void Each_experts_consistency_is_reported_alongside_the_combined_one()
    {
        // Li's cycle (a 9× b, b 9× c, c 9× a) and Wang's opposite cycle are each badly inconsistent
        // (CR = (32/9)/0.58, see PriorityDerivationTests); their geometric mean √(9·1/9) = 1 everywhere
        // is perfectly consistent with equal weights.
        var li = Matrix("land", ["a", "b", "c"], [[1, 9, 1.0 / 9], [1.0 / 9, 1, 9], [9, 1.0 / 9, 1]], "li");
        var wang = Matrix("land", ["a", "b", "c"], [[1, 1.0 / 9, 9], [9, 1, 1.0 / 9], [1.0 / 9, 9, 1]], "wang");

        var group = GroupWeighting.Weigh([li, wang]);

        Assert.True(group.IsConsistent);
        Assert.Null(group.WorstJudgment);
        Assert.Null(group.InconsistencyError);
        AllClose([1.0 / 3, 1.0 / 3, 1.0 / 3], group.Weights, 1e-12);
        Assert.All(group.Experts, e =>
        {
            Assert.False(e.IsConsistent);
            Close(32.0 / 9 / 0.58, e.ConsistencyRatio, 1e-9);
        });
        Assert.Equal(("li", "a", "b"), (group.Experts[0].InconsistencyError!.Expert, group.Experts[0].WorstJudgment!.RowItem, group.Experts[0].WorstJudgment!.ColumnItem));
    }

    [Fact]
    public void An_inconsistent_group_is_refused_with_an_error_naming_group_and_judgment()
    {
        // One expert, the cycle of PriorityDerivationTests: CR ≈ 6.13, all three judgments tie, the
        // first cell [a, b] is named with given 9 and implied 1.
        var li = Matrix("land", ["a", "b", "c"], [[1, 9, 1.0 / 9], [1.0 / 9, 1, 9], [9, 1.0 / 9, 1]], "li");

        var group = GroupWeighting.Weigh([li]);

        Assert.False(group.IsConsistent);
        var error = Assert.IsType<JudgmentError>(group.InconsistencyError);
        Assert.Equal(("land", "li", "a", "b", 1, 2), (error.Group, error.Expert, error.RowItem, error.ColumnItem, error.RowNumber, error.ColumnNumber));
        Assert.Contains("CR = 6.130 ≥ 0.10", error.Message);
        Assert.Contains("given 9, the weights imply 1", error.Message);
    }

    [Fact]
    public void Experts_comparing_different_items_are_refused_naming_the_expert()
    {
        var li = Pair("economy", "output", "jobs", 2, "li");
        var wang = Pair("economy", "output", "tax", 8, "wang");

        var e = Assert.Throws<InvalidJudgmentException>(() => GroupWeighting.Weigh([li, wang]));

        var error = Assert.Single(e.Errors);
        Assert.Equal(("economy", "wang"), (error.Group, error.Expert));
        Assert.Contains("missing jobs; extra tax", error.Message);
    }

    [Fact]
    public void Against_the_expected_items_each_expert_is_checked_on_its_own()
    {
        var li = Pair("economy", "output", "jobs", 2, "li");
        var wang = Pair("economy", "output", "tax", 8, "wang");

        var e = Assert.Throws<InvalidJudgmentException>(() => GroupWeighting.Weigh([li, wang], ["output", "jobs"]));

        Assert.Equal(
            new (string, string?)[] { ("wang", "jobs"), ("wang", "tax") },
            e.Errors.Select(x => (x.Expert, x.RowItem)).ToArray());
    }

    [Fact]
    public void A_matrix_of_another_group_is_refused()
    {
        var li = Pair("economy", "output", "jobs", 2, "li");
        var wang = Pair("land", "output", "jobs", 8, "wang");

        var e = Assert.Throws<InvalidJudgmentException>(() => JudgmentAggregation.GeometricMean([li, wang]));

        var error = Assert.Single(e.Errors);
        Assert.Equal(("land", "wang"), (error.Group, error.Expert));
    }

    [Fact]
    public void A_group_needs_at_least_one_matrix()
    {
        Assert.Throws<ArgumentException>(() => GroupWeighting.Weigh([]));
    }

    [Fact]
    public void The_combined_matrix_of_valid_matrices_is_itself_valid()
    {
        var li = Matrix("g", ["a", "b", "c"], [[1, 3, 5], [1.0 / 3, 1, 2], [1.0 / 5, 1.0 / 2, 1]], "li");
        var wang = Matrix("g", ["b", "c", "a"], [[1, 7, 1.0 / 9], [1.0 / 7, 1, 1.0 / 6], [9, 6, 1]], "wang");
        var zhao = Matrix("g", ["c", "a", "b"], [[1, 1.0 / 4, 1], [4, 1, 1.0 / 2], [1, 2, 1]], "zhao");

        var combined = JudgmentAggregation.GeometricMean([li, wang, zhao]);

        Assert.Empty(JudgmentValidation.Validate(combined, ["a", "b", "c"]));
        // [a, b]: li 3, wang 1/(1/9) = 9, zhao 1/2 → ∛(3·9·1/2) = ∛13.5.
        Close(Math.Cbrt(13.5), combined.Judgment(0, 1), 1e-12);
        // [a, c]: li 5, wang 6, zhao 4 → ∛120.
        Close(Math.Cbrt(120), combined.Judgment(0, 2), 1e-12);
        // [b, c]: li 2, wang 7, zhao 1/(1) = 1 → ∛14.
        Close(Math.Cbrt(14), combined.Judgment(1, 2), 1e-12);
    }
}
