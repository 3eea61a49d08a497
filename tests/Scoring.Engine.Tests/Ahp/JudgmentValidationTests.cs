using System.Collections.Immutable;
using Scoring.Engine.Ahp;
using static Scoring.Engine.Tests.Ahp.Judgments;

namespace Scoring.Engine.Tests.Ahp;

public class JudgmentValidationTests
{
    private static readonly string[] Economy = ["total_tax", "output", "jobs", "net_profit"];

    /// <summary>A valid 4×4 economy matrix (consistent 4 : 3 : 2 : 1) with one cell pair overwritten.</summary>
    private static PairwiseComparison EconomyWith(int row, int column, double value, double? mirror = null)
    {
        double[] w = [4, 3, 2, 1];
        var rows = w.Select(wi => w.Select(wj => wi / wj).ToArray()).ToArray();
        rows[row][column] = value;
        if (mirror is double m) rows[column][row] = m;
        return Matrix("economy", Economy, rows, "li");
    }

    [Fact]
    public void A_valid_matrix_has_no_errors()
    {
        Assert.Empty(JudgmentValidation.Validate(EconomyWith(0, 1, 4.0 / 3), Economy));
    }

    [Fact]
    public void Values_that_do_not_fill_n_by_n_are_refused_naming_the_group()
    {
        var notSquare = new PairwiseComparison("economy", ["total_tax", "output", "jobs"], [1, 2, 3, 1.0 / 2, 1, 2, 1.0 / 3, 1.0 / 2], "li");

        var error = Assert.Single(JudgmentValidation.Validate(notSquare));

        Assert.Equal(("economy", "li"), (error.Group, error.Expert));
        Assert.Null(error.RowItem);
        Assert.Null(error.ColumnItem);
        Assert.Contains("8 values given, but 3 items need 3×3 = 9", error.Message);
        Assert.StartsWith("group 'economy', expert 'li': ", error.ToString());
    }

    [Fact]
    public void A_diagonal_other_than_one_is_refused_naming_the_cell()
    {
        var error = Assert.Single(JudgmentValidation.Validate(EconomyWith(2, 2, 2)));

        Assert.Equal(("economy", "jobs", "jobs", 3, 3), (error.Group, error.RowItem, error.ColumnItem, error.RowNumber, error.ColumnNumber));
        Assert.Contains("diagonal must be 1", error.Message);
        Assert.Contains("cell [jobs, jobs] (row 3, col 3)", error.ToString());
    }

    [Fact]
    public void A_judgment_whose_mirror_is_not_its_reciprocal_is_refused_naming_the_cell()
    {
        // [total_tax, net_profit] = 2 calls for [net_profit, total_tax] = 1/2, not 0.4.
        var error = Assert.Single(JudgmentValidation.Validate(EconomyWith(0, 3, 2, mirror: 0.4)));

        Assert.Equal(("economy", "total_tax", "net_profit", 1, 4), (error.Group, error.RowItem, error.ColumnItem, error.RowNumber, error.ColumnNumber));
        Assert.Contains("not reciprocal", error.Message);
        Assert.Contains("which should be 1/2", error.Message);
        Assert.Equal("group 'economy', expert 'li', cell [total_tax, net_profit] (row 1, col 4)", error.Location);
    }

    [Fact]
    public void Reciprocals_written_to_seven_digits_are_accepted_and_to_three_are_not()
    {
        // 3 · 0.3333333 = 0.9999999, within 1e-6 of 1; 3 · 0.333 = 0.999 is not.
        var threeOverOutput = EconomyWith(0, 2, 3, mirror: 0.3333333);
        var sloppy = EconomyWith(0, 2, 3, mirror: 0.333);

        Assert.Empty(JudgmentValidation.Validate(threeOverOutput));
        var error = Assert.Single(JudgmentValidation.Validate(sloppy));
        Assert.Equal(("total_tax", "jobs"), (error.RowItem, error.ColumnItem));
    }

    [Fact]
    public void A_judgment_of_ten_and_its_mirror_one_tenth_are_off_the_scale_each_named()
    {
        var errors = JudgmentValidation.Validate(EconomyWith(1, 3, 10, mirror: 1.0 / 10));

        Assert.Equal(2, errors.Length);
        Assert.Equal(("output", "net_profit", 2, 4), (errors[0].RowItem, errors[0].ColumnItem, errors[0].RowNumber, errors[0].ColumnNumber));
        Assert.Contains("10 is off Saaty's scale [1/9, 9]", errors[0].Message);
        Assert.Equal(("net_profit", "output", 4, 2), (errors[1].RowItem, errors[1].ColumnItem, errors[1].RowNumber, errors[1].ColumnNumber));
        Assert.Contains("1/10 is off Saaty's scale", errors[1].Message);
        Assert.All(errors, e => Assert.Equal("economy", e.Group));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(0.0)]
    [InlineData(-2.0)]
    public void Judgments_that_are_not_positive_finite_numbers_are_refused(double value)
    {
        var errors = JudgmentValidation.Validate(EconomyWith(0, 1, value));

        var error = Assert.Single(errors);
        Assert.Equal(("total_tax", "output"), (error.RowItem, error.ColumnItem));
    }

    [Fact]
    public void The_ends_of_the_scale_are_accepted_within_the_tolerance()
    {
        var items = new[] { "a", "b", "c" };
        var ends = Matrix("g", items, [[1, 9, 9 * (1 + 1e-10)], [1.0 / 9, 1, 1], [1 / (9 * (1 + 1e-10)), 1, 1]]);
        var beyond = Matrix("g", items, [[1, 9.0001, 1], [1 / 9.0001, 1, 1], [1, 1, 1]]);

        Assert.Empty(JudgmentValidation.Validate(ends));
        Assert.Equal(2, JudgmentValidation.Validate(beyond).Length);
    }

    [Fact]
    public void Wrong_items_are_reported_as_missing_and_extra_codes()
    {
        // The group expects total_tax, output, jobs, net_profit; the expert compared "profit" instead
        // of "net_profit".
        var wrong = Matrix("economy", ["total_tax", "output", "jobs", "profit"],
            [.. Enumerable.Range(0, 4).Select(i => Enumerable.Range(0, 4).Select(j => 1.0).ToArray())], "li");

        var errors = JudgmentValidation.Validate(wrong, Economy);

        Assert.Equal(2, errors.Length);
        var missing = Assert.Single(errors, e => e.Message.StartsWith("missing", StringComparison.Ordinal));
        Assert.Equal(("economy", "net_profit"), (missing.Group, missing.RowItem));
        Assert.Null(missing.ColumnItem);
        Assert.Null(missing.RowNumber);
        var extra = Assert.Single(errors, e => e.Message.StartsWith("not an item", StringComparison.Ordinal));
        Assert.Equal(("economy", "profit", 4), (extra.Group, extra.RowItem, extra.RowNumber));
        Assert.Contains("item 'profit' (row 4)", extra.ToString());
    }

    [Fact]
    public void A_repeated_item_is_refused_naming_both_rows()
    {
        var twice = Matrix("economy", ["output", "jobs", "output"], [[1, 1, 1], [1, 1, 1], [1, 1, 1]]);

        var error = Assert.Single(JudgmentValidation.Validate(twice));

        Assert.Equal(("output", 3), (error.RowItem, error.RowNumber));
        Assert.Contains("rows 1 and 3", error.Message);
    }

    [Fact]
    public void Every_problem_is_reported_not_just_the_first()
    {
        var rows = new[]
        {
            new[] { 1.0, 12, 2 },     // [a, b] off the scale (and so is its mirror below)
            new[] { 1.0 / 12, 2, 3 }, // diagonal [b, b] = 2
            new[] { 1.0 / 3, 1.0 / 3, 1 }, // [a, c] = 2 but [c, a] = 1/3; [b, c] = 3 and [c, b] = 1/3 is fine
        };

        var errors = JudgmentValidation.Validate(Matrix("g", ["a", "b", "c"], rows), ["a", "b", "c", "d"]);

        Assert.Equal(
            new (string?, string?)[] { ("d", null), ("a", "b"), ("b", "a"), ("b", "b"), ("a", "c") },
            errors.Select(e => (e.RowItem, e.ColumnItem)).ToArray());
    }

    [Fact]
    public void An_empty_group_code_and_no_items_are_refused()
    {
        var errors = JudgmentValidation.Validate(new PairwiseComparison(" ", [], []));

        Assert.Equal(2, errors.Length);
        Assert.Contains("group code is empty", errors[0].Message);
        Assert.Contains("at least one item", errors[1].Message);
    }

    [Fact]
    public void Deriving_weights_from_an_invalid_matrix_throws_with_every_error()
    {
        var bad = EconomyWith(1, 3, 10, mirror: 1.0 / 10);

        var e = Assert.Throws<InvalidJudgmentException>(() => PriorityDerivation.Derive(bad));

        Assert.Equal(2, e.Errors.Count);
        Assert.Contains("cell [output, net_profit] (row 2, col 4)", e.Message);
        Assert.Equal("matrix", e.ParamName);
    }

    [Fact]
    public void Judgment_reads_row_major()
    {
        var m = new PairwiseComparison("g", ["a", "b"], ImmutableArray.Create(1, 3, 1.0 / 3, 1));

        Assert.Equal(3, m.Judgment(0, 1));
        Assert.Equal(1.0 / 3, m.Judgment(1, 0));
    }
}
