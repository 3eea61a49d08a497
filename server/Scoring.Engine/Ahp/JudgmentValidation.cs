using System.Collections.Immutable;
using System.Globalization;

namespace Scoring.Engine.Ahp;

/// <summary>
/// Checks judgment matrices before any weights are derived: shape, item codes, Saaty's scale, the
/// diagonal and reciprocity. Every problem is reported, each naming its group and cell.
/// </summary>
public static class JudgmentValidation
{
    /// <summary>
    /// Every problem with one matrix; empty when it can be used. With <paramref name="expectedItems"/>
    /// the items must be exactly those codes (in any order).
    /// </summary>
    public static ImmutableArray<JudgmentError> Validate(PairwiseComparison matrix, IEnumerable<string>? expectedItems = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        var errors = ImmutableArray.CreateBuilder<JudgmentError>();
        var group = matrix.Group ?? "";
        var expert = matrix.Expert ?? "";
        void Whole(string message) => errors.Add(new JudgmentError(group, null, null, message, expert));
        void Item(string? item, int? index, string message) =>
            errors.Add(new JudgmentError(group, item, null, message, expert, index + 1));

        if (string.IsNullOrWhiteSpace(group)) Whole("the group code is empty");
        var items = matrix.Items.IsDefault ? [] : matrix.Items;
        var n = items.Length;
        if (n == 0)
        {
            Whole("a judgment matrix needs at least one item");
            return errors.ToImmutable();
        }
        if (n > SaatyScale.MaxOrder)
            Whole(Invariant($"{n} items are too many: Saaty's random index is tabulated for at most {SaatyScale.MaxOrder}"));

        var firstIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < n; i++)
        {
            var code = items[i];
            if (string.IsNullOrWhiteSpace(code)) { Item(code, i, "the item code is empty"); continue; }
            if (!firstIndex.TryAdd(code, i))
                Item(code, i, Invariant($"the item appears twice (rows {firstIndex[code] + 1} and {i + 1})"));
        }
        if (expectedItems is not null)
        {
            var expected = expectedItems.ToList();
            var expectedSet = new HashSet<string>(expected, StringComparer.Ordinal);
            foreach (var code in expected.Distinct(StringComparer.Ordinal).Where(c => !firstIndex.ContainsKey(c)))
                Item(code, null, $"missing: the group expects this item ({string.Join(", ", expected)})");
            for (var i = 0; i < n; i++)
                if (!string.IsNullOrWhiteSpace(items[i]) && !expectedSet.Contains(items[i]) && firstIndex[items[i]] == i)
                    Item(items[i], i, $"not an item of this group, which expects {string.Join(", ", expected)}");
        }

        var values = matrix.Values.IsDefault ? [] : matrix.Values;
        if (values.Length != n * n)
        {
            Whole(Invariant($"the matrix is not square over its items: {values.Length} values given, but {n} items need {n}×{n} = {n * n} (row-major)"));
            return errors.ToImmutable();
        }

        void Cell(int i, int j, string message) =>
            errors.Add(new JudgmentError(group, items[i], items[j], message, expert, i + 1, j + 1));
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var a = values[i * n + j];
                if (i == j)
                {
                    if (!(Math.Abs(a - 1) <= SaatyScale.ScaleTolerance))
                        Cell(i, j, $"the diagonal must be 1 (an item is as important as itself), got {Show(a)}");
                }
                else if (!double.IsFinite(a))
                {
                    Cell(i, j, $"the judgment must be a finite number, got {Show(a)}");
                }
                else if (!SaatyScale.IsOnScale(a))
                {
                    Cell(i, j, $"the judgment {Show(a)} is off Saaty's scale [1/9, 9]");
                }
            }
        }
        // Reciprocity, once per pair, only where both judgments are usable numbers.
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                double a = values[i * n + j], b = values[j * n + i];
                if (!SaatyScale.IsOnScale(a) || !SaatyScale.IsOnScale(b)) continue;
                if (Math.Abs(a * b - 1) > SaatyScale.ReciprocalTolerance)
                    Cell(i, j, $"not reciprocal: [{items[i]}, {items[j]}] = {Show(a)} but [{items[j]}, {items[i]}] = {Show(b)}, " +
                               $"which should be {Show(1 / a)}");
            }
        }
        return errors.ToImmutable();
    }

    /// <summary>
    /// Every problem with several experts' matrices for one group: each matrix on its own, plus
    /// matrices of another group, and item sets that differ from the first expert's.
    /// </summary>
    public static ImmutableArray<JudgmentError> Validate(IReadOnlyList<PairwiseComparison> matrices, IEnumerable<string>? expectedItems = null)
    {
        ArgumentNullException.ThrowIfNull(matrices);
        if (matrices.Count == 0) throw new ArgumentException("a group needs at least one judgment matrix", nameof(matrices));
        var expected = expectedItems?.ToList();
        var errors = ImmutableArray.CreateBuilder<JudgmentError>();
        var first = matrices[0];
        var firstItems = first.Items.IsDefault ? [] : first.Items;
        foreach (var m in matrices)
        {
            ArgumentNullException.ThrowIfNull(m, nameof(matrices));
            errors.AddRange(Validate(m, expected));
            if (!string.Equals(m.Group, first.Group, StringComparison.Ordinal))
            {
                errors.Add(new JudgmentError(m.Group ?? "", null, null,
                    $"combined with group '{first.Group}': every matrix of one group must name that group", m.Expert ?? ""));
                continue;
            }
            if (expected is not null || ReferenceEquals(m, first)) continue;
            // Without an expected set, the first expert's items are the reference.
            var items = m.Items.IsDefault ? [] : m.Items;
            var missing = firstItems.Except(items, StringComparer.Ordinal).ToList();
            var extra = items.Except(firstItems, StringComparer.Ordinal).ToList();
            if (missing.Count > 0 || extra.Count > 0)
                errors.Add(new JudgmentError(m.Group ?? "", null, null,
                    $"compares other items than expert '{first.Expert}'" +
                    (missing.Count > 0 ? $"; missing {string.Join(", ", missing)}" : "") +
                    (extra.Count > 0 ? $"; extra {string.Join(", ", extra)}" : ""),
                    m.Expert ?? ""));
        }
        return errors.ToImmutable();
    }

    /// <summary>Throws <see cref="InvalidJudgmentException"/> when <paramref name="errors"/> is not empty.</summary>
    internal static void ThrowIfAny(ImmutableArray<JudgmentError> errors, string paramName)
    {
        if (errors.Length > 0) throw new InvalidJudgmentException(errors, paramName);
    }

    private static string Show(double value) => SaatyScale.Format(value);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
