using System.Collections.Immutable;
using Scoring.Engine.Model;

namespace Scoring.Engine.Ahp;

/// <summary>One problem with one of the matrices sent, by its position in the request.</summary>
/// <param name="MatrixIndex">Position of the matrix in the request.</param>
/// <param name="Field">The matrix field at fault: <c>group</c>, <c>items</c> or <c>values</c>.</param>
/// <param name="Error">The problem.</param>
public sealed record MatrixError(int MatrixIndex, string Field, JudgmentError Error);

/// <summary>The weights a set of judgment matrices gives a model, group by group.</summary>
/// <param name="Groups">Each judged group's combined and per-expert results, in the order first met.</param>
/// <param name="Errors">Problems with the matrices themselves; when any, <paramref name="Groups"/> is empty.</param>
public sealed record ModelJudgmentResult(ImmutableArray<GroupWeights> Groups, ImmutableArray<MatrixError> Errors)
{
    /// <summary>The groups whose combined matrix has CR ≥ 0.10.</summary>
    public IEnumerable<GroupWeights> Inconsistent => Groups.Where(g => !g.IsConsistent);

    /// <summary>The derived weights as a table for <see cref="ModelWeights.Apply"/>.</summary>
    public IReadOnlyList<GroupWeight> Table =>
        [.. Groups.SelectMany(g => g.Items.Select((code, i) => new GroupWeight(g.Group, code, g.Weights[i])))];
}

/// <summary>Derives a model's weights from expert judgment matrices (<c>elements</c> or an element code per group).</summary>
public static class ModelJudgments
{
    /// <summary>
    /// Validates every matrix against its group's codes in <paramref name="doc"/>, combines the
    /// matrices of each group by geometric mean and derives the weights and consistency.
    /// </summary>
    public static ModelJudgmentResult Derive(ModelDocument doc, IReadOnlyList<PairwiseComparison> matrices)
    {
        var errors = ImmutableArray.CreateBuilder<MatrixError>();
        var byGroup = new List<(string Group, List<int> Indexes)>();
        for (var k = 0; k < matrices.Count; k++)
        {
            var group = matrices[k].Group;
            if (ModelWeights.GroupCodes(doc, group) is null)
            {
                errors.Add(new MatrixError(k, "group", new JudgmentError(group, null, null,
                    $"unknown group '{group}'; valid: {string.Join(", ", ModelWeights.Groups(doc))}", matrices[k].Expert)));
                continue;
            }
            var entry = byGroup.FindIndex(g => g.Group == group);
            if (entry < 0) byGroup.Add((group, [k]));
            else byGroup[entry].Indexes.Add(k);
        }

        foreach (var (group, indexes) in byGroup)
        {
            var codes = ModelWeights.GroupCodes(doc, group)!;
            foreach (var k in indexes)
                foreach (var e in JudgmentValidation.Validate(matrices[k], codes))
                    errors.Add(new MatrixError(k, e.RowItem is not null && e.ColumnItem is null ? "items" : "values", e));
        }
        if (errors.Count > 0) return new ModelJudgmentResult([], errors.ToImmutable());

        var groups = byGroup.Select(g => GroupWeighting.Weigh([.. g.Indexes.Select(k => matrices[k])], ModelWeights.GroupCodes(doc, g.Group)));
        return new ModelJudgmentResult([.. groups], []);
    }
}
