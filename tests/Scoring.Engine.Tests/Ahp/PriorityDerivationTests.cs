using Scoring.Engine.Ahp;
using static Scoring.Engine.Tests.Ahp.Judgments;

namespace Scoring.Engine.Tests.Ahp;

public class PriorityDerivationTests
{
    public static TheoryData<double[]> KnownWeights => new()
    {
        new double[] { 0.5, 0.3, 0.2 },
        new double[] { 0.4, 0.3, 0.2, 0.1 },
        new double[] { 9, 8, 7, 6, 5, 4, 3, 2, 1 },          // the full 1–9 span: a_19 = 9
        new double[] { 3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9 }, // n = 15, the largest order
    };

    [Theory]
    [MemberData(nameof(KnownWeights))]
    public void Perfectly_consistent_matrix_gives_back_its_weights_with_lambda_max_n_and_CR_zero(double[] w)
    {
        // a_ij = w_i / w_j gives A·w = n·w exactly: w is the principal eigenvector and λmax = n.
        var result = PriorityDerivation.Derive(Consistent("g", w));

        AllClose(Normalised(w), result.Weights, 1e-9);
        Close(w.Length, result.LambdaMax, 1e-9);
        Close(0, result.ConsistencyIndex, 1e-9);
        Close(0, result.ConsistencyRatio, 1e-9);
        Assert.True(result.IsConsistent);
        Assert.Null(result.WorstJudgment);
        Close(1, result.Weights.Sum(), 1e-12);
    }

    [Fact]
    public void One_item_has_weight_one()
    {
        var result = PriorityDerivation.Derive(Matrix("economy", ["output_per_mu"], [[1]]));

        Assert.Equal(new[] { 1.0 }, result.Weights.ToArray());
        Assert.Equal(1, result.LambdaMax);
        Assert.Equal(0, result.ConsistencyRatio);
        Assert.True(result.IsConsistent);
    }

    [Theory]
    [InlineData(3, 0.75, 0.25)]
    [InlineData(1, 0.5, 0.5)]
    [InlineData(1.0 / 9, 0.1, 0.9)]
    [InlineData(9, 0.9, 0.1)]
    public void Two_items_are_weighted_exactly_by_their_one_judgment(double a, double first, double second)
    {
        // w_1 / w_2 = a and w_1 + w_2 = 1 give w_1 = a / (a + 1).
        var result = PriorityDerivation.Derive(Pair("economy", "tax_per_mu", "output_per_mu", a));

        AllClose([first, second], result.Weights, 1e-15);
        Assert.Equal(2, result.LambdaMax);
        Assert.Equal(0, result.ConsistencyIndex);
        Assert.Equal(0, result.ConsistencyRatio);
    }

    [Fact]
    public void Cyclic_judgments_are_refused_and_the_first_of_the_tied_judgments_is_named()
    {
        // A is 9× B, B is 9× C, C is 9× A. The matrix is circulant, so by symmetry w = (1/3, 1/3, 1/3);
        // every row sums to 1 + 9 + 1/9 = 91/9, so λmax = 91/9, CI = (91/9 − 3)/2 = 32/9 and
        // CR = (32/9)/0.58 ≈ 6.13. With equal weights each judgment departs from the implied ratio 1
        // by the same factor 9, so all three tie and the first cell above the diagonal, [A, B], is named.
        var cycle = Matrix("economy", ["a", "b", "c"], [[1, 9, 1.0 / 9], [1.0 / 9, 1, 9], [9, 1.0 / 9, 1]]);

        var result = PriorityDerivation.Derive(cycle);

        AllClose([1.0 / 3, 1.0 / 3, 1.0 / 3], result.Weights, 1e-12);
        Close(91.0 / 9, result.LambdaMax, 1e-12);
        Close(32.0 / 9, result.ConsistencyIndex, 1e-12);
        Close(32.0 / 9 / 0.58, result.ConsistencyRatio, 1e-12);
        Assert.False(result.IsConsistent);
        var worst = Assert.IsType<WorstJudgment>(result.WorstJudgment);
        Assert.Equal(("a", "b", 1, 2), (worst.RowItem, worst.ColumnItem, worst.RowNumber, worst.ColumnNumber));
        Assert.Equal(9, worst.Given);
        Close(1, worst.Implied, 1e-12);
        Close(9, worst.Departure, 1e-12);
    }

    [Fact]
    public void A_reversed_judgment_in_three_items_gives_the_hand_computed_weights_and_lambda_max()
    {
        // a_AB = 2 and a_BC = 2 call for a_AC = 4, but the expert gave 1/4. For n = 3 the principal
        // eigenvector is the row geometric mean: (1·2·1/4)^⅓ = 2^−⅓, (1/2·1·2)^⅓ = 1, (4·1/2·1)^⅓ = 2^⅓.
        // Multiplying out A·w gives λmax = 1 + e^⅓ + e^−⅓ with e = a_AB·a_BC/a_AC = 16, i.e.
        // 1 + 2^(4/3) + 2^(−4/3) ≈ 3.9167, CI ≈ 0.4583, CR ≈ 0.790. Each judgment then departs by the
        // same factor 2^(4/3) (a 3×3 matrix has one cycle), so the first cell, [A, B], is named: given
        // 2, implied w_A/w_B = 2^−⅓.
        var reversed = Matrix("economy", ["a", "b", "c"], [[1, 2, 1.0 / 4], [1.0 / 2, 1, 2], [4, 1.0 / 2, 1]]);

        var result = PriorityDerivation.Derive(reversed);

        var third = Math.Cbrt(2);
        AllClose(Normalised(1 / third, 1, third), result.Weights, 1e-12);
        var lambda = 1 + Math.Pow(2, 4.0 / 3) + Math.Pow(2, -4.0 / 3);
        Close(lambda, result.LambdaMax, 1e-12);
        Close((lambda - 3) / 2, result.ConsistencyIndex, 1e-12);
        Close((lambda - 3) / 2 / 0.58, result.ConsistencyRatio, 1e-12);
        var worst = Assert.IsType<WorstJudgment>(result.WorstJudgment);
        Assert.Equal(("a", "b"), (worst.RowItem, worst.ColumnItem));
        Assert.Equal(2, worst.Given);
        Close(1 / third, worst.Implied, 1e-12);
        Close(Math.Pow(2, 4.0 / 3), worst.Departure, 1e-12);
    }

    [Fact]
    public void The_one_judgment_that_contradicts_all_the_others_is_named()
    {
        // Five judgments agree on A : B : C : D = 8 : 4 : 2 : 1 (each item twice the next); the sixth says
        // A is 1/8 of D instead of 8×. Whatever weights are derived, A over D given as 1/8 clashes with
        // the chain A > B > C through the other judgments, so [A, D] must be named, not one of the
        // agreeing five; the implied value is the weights' own ratio w_A / w_D.
        var flipped = Matrix("economy", ["a", "b", "c", "d"],
        [
            [1, 2, 4, 1.0 / 8],
            [1.0 / 2, 1, 2, 4],
            [1.0 / 4, 1.0 / 2, 1, 2],
            [8, 1.0 / 4, 1.0 / 2, 1],
        ]);

        var result = PriorityDerivation.Derive(flipped);

        Assert.False(result.IsConsistent);
        var worst = Assert.IsType<WorstJudgment>(result.WorstJudgment);
        Assert.Equal(("a", "d", 1, 4), (worst.RowItem, worst.ColumnItem, worst.RowNumber, worst.ColumnNumber));
        Assert.Equal(1.0 / 8, worst.Given);
        Close(result.WeightOf("a") / result.WeightOf("d"), worst.Implied, 1e-12);

        var error = Assert.IsType<JudgmentError>(result.InconsistencyError);
        Assert.Equal(("economy", "a", "d", 1, 4), (error.Group, error.RowItem, error.ColumnItem, error.RowNumber, error.ColumnNumber));
        Assert.Contains("cell [a, d] (row 1, col 4)", error.ToString());
        Assert.Contains("given 1/8", error.Message);
    }

    [Fact]
    public void Listing_the_items_in_another_order_gives_each_item_the_same_weight()
    {
        // Relabelling items permutes rows and columns alike; the eigenvector is permuted the same way.
        var original = Matrix("g", ["a", "b", "c", "d"],
        [
            [1, 4, 3, 7],
            [1.0 / 4, 1, 1.0 / 3, 3],
            [1.0 / 3, 3, 1, 5],
            [1.0 / 7, 1.0 / 3, 1.0 / 5, 1],
        ]);
        var permuted = Matrix("g", ["d", "b", "a", "c"],
        [
            [1, 1.0 / 3, 1.0 / 7, 1.0 / 5],
            [3, 1, 1.0 / 4, 1.0 / 3],
            [7, 4, 1, 3],
            [5, 3, 1.0 / 3, 1],
        ]);

        var x = PriorityDerivation.Derive(original);
        var y = PriorityDerivation.Derive(permuted);

        foreach (var item in new[] { "a", "b", "c", "d" })
            Close(x.WeightOf(item), y.WeightOf(item), 1e-12);
        Close(x.LambdaMax, y.LambdaMax, 1e-12);
    }

    [Theory]
    [InlineData(1, 0.0)]
    [InlineData(2, 0.0)]
    [InlineData(3, 0.58)]
    [InlineData(4, 0.90)]
    [InlineData(5, 1.12)]
    [InlineData(6, 1.24)]
    [InlineData(7, 1.32)]
    [InlineData(8, 1.41)]
    [InlineData(9, 1.45)]
    [InlineData(10, 1.49)]
    [InlineData(11, 1.51)]
    [InlineData(12, 1.48)]
    [InlineData(13, 1.56)]
    [InlineData(14, 1.57)]
    [InlineData(15, 1.59)]
    public void Random_index_is_Saatys_table(int n, double ri)
    {
        // Domain notes, "Weights: AHP": RI for n = 1…15.
        Assert.Equal(ri, SaatyScale.RandomIndex(n));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    public void Random_index_is_refused_outside_one_to_fifteen(int n)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SaatyScale.RandomIndex(n));
    }

    [Fact]
    public void Sixteen_items_are_refused()
    {
        var sixteen = Consistent("g", [.. Enumerable.Repeat(1.0, 16)]);

        var e = Assert.Throws<InvalidJudgmentException>(() => PriorityDerivation.Derive(sixteen));

        var error = Assert.Single(e.Errors);
        Assert.Equal("g", error.Group);
        Assert.Contains("at most 15", error.Message);
    }

    [Fact]
    public void CR_just_below_a_tenth_is_consistent_and_a_tenth_is_not()
    {
        // The threshold is CR ≥ 0.10 inconsistent; checked on the record's rule, not a matrix.
        PairwisePriorities With(double cr) => new("g", "", ["a", "b", "c"], [0.5, 0.3, 0.2], 3, cr * 0.58, cr, null);

        Assert.True(With(0.0999).IsConsistent);
        Assert.False(With(0.10).IsConsistent);
    }
}
