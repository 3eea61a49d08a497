using System.Globalization;

namespace Scoring.Engine.Ahp;

/// <summary>
/// One problem with a judgment matrix, naming the group and, where it concerns one cell or item, the
/// row and column items and their 1-based positions.
/// </summary>
/// <param name="Group">The group whose matrix is at fault.</param>
/// <param name="RowItem">The row item of the cell, or the item concerned; null for whole-matrix problems.</param>
/// <param name="ColumnItem">The column item of the cell; null unless the problem is one cell.</param>
/// <param name="Message">What is wrong, in words.</param>
/// <param name="Expert">The expert whose matrix is at fault; empty when not known or combined.</param>
/// <param name="RowNumber">1-based row of the cell or item, when there is one.</param>
/// <param name="ColumnNumber">1-based column of the cell, when there is one.</param>
public sealed record JudgmentError(
    string Group,
    string? RowItem,
    string? ColumnItem,
    string Message,
    string Expert = "",
    int? RowNumber = null,
    int? ColumnNumber = null)
{
    /// <summary>Where the problem is, e.g. <c>group 'economy', expert 'Li', cell [total_tax, net_profit] (row 1, col 4)</c>.</summary>
    public string Location
    {
        get
        {
            var where = $"group '{Group}'";
            if (Expert.Length > 0) where += $", expert '{Expert}'";
            if (RowItem is not null && ColumnItem is not null)
            {
                where += $", cell [{RowItem}, {ColumnItem}]";
                if (RowNumber is int r && ColumnNumber is int c)
                    where += string.Create(CultureInfo.InvariantCulture, $" (row {r}, col {c})");
            }
            else if (RowItem is not null)
            {
                where += $", item '{RowItem}'";
                if (RowNumber is int r) where += string.Create(CultureInfo.InvariantCulture, $" (row {r})");
            }
            return where;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Location}: {Message}";
}

/// <summary>Judgment matrices that cannot be used, with every problem found.</summary>
public sealed class InvalidJudgmentException(IReadOnlyList<JudgmentError> errors, string? paramName = null)
    : ArgumentException("invalid judgment matrix: " + string.Join("; ", errors), paramName)
{
    /// <summary>Every problem found.</summary>
    public IReadOnlyList<JudgmentError> Errors { get; } = errors;
}
