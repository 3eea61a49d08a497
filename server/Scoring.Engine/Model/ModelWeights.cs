using System.Globalization;
using Scoring.Engine.Evaluation;

namespace Scoring.Engine.Model;

/// <summary>One weight of one group: <c>elements</c>, or an element code for that element's indicators.</summary>
public readonly record struct GroupWeight(string Group, string Code, double Weight);

/// <summary>Reads and replaces the weights of a model document, group by group.</summary>
public static class ModelWeights
{
    /// <summary>The group of the element weights.</summary>
    public const string ElementsGroup = "elements";

    /// <summary>Tolerance for "a group's weights sum to 1" in a weight update.</summary>
    public const double SumTolerance = 1e-6;

    /// <summary>The codes of a group in model order, or null when the group does not exist.</summary>
    public static IReadOnlyList<string>? GroupCodes(ModelDocument doc, string group) =>
        group == ElementsGroup
            ? doc.Elements.Select(e => e.Code).ToList()
            : doc.Elements.FirstOrDefault(e => e.Code == group)?.Indicators.Select(i => i.Code).ToList();

    /// <summary>Every group's names: <c>elements</c> first, then each element code.</summary>
    public static IEnumerable<string> Groups(ModelDocument doc) => [ElementsGroup, .. doc.Elements.Select(e => e.Code)];

    /// <summary>Every weight of the document, group by group, in model order.</summary>
    public static IReadOnlyList<GroupWeight> All(ModelDocument doc) =>
    [
        .. doc.Elements.Select(e => new GroupWeight(ElementsGroup, e.Code, e.Weight)),
        .. doc.Elements.SelectMany(e => e.Indicators.Select(i => new GroupWeight(e.Code, i.Code, i.Weight))),
    ];

    /// <summary>
    /// Checks a table of direct weights: known groups and codes, each given group complete, no
    /// duplicates, weights finite and ≥ 0, each group summing to 1 within <see cref="SumTolerance"/>.
    /// Field paths are "{prefix}[index].field".
    /// </summary>
    public static List<FieldViolation> Validate(ModelDocument doc, IReadOnlyList<GroupWeight> table, string prefix)
    {
        var violations = new List<FieldViolation>();
        var seen = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
        for (var i = 0; i < table.Count; i++)
        {
            var (group, code, weight) = table[i];
            var codes = GroupCodes(doc, group);
            if (codes is null)
            {
                violations.Add(new($"{prefix}[{i}].group", $"unknown group '{group}'; valid: {string.Join(", ", Groups(doc))}"));
                continue;
            }
            if (!codes.Contains(code))
            {
                violations.Add(new($"{prefix}[{i}].code", $"'{code}' is not in group '{group}'; valid: {string.Join(", ", codes)}"));
                continue;
            }
            if (!double.IsFinite(weight) || weight < 0)
                violations.Add(new($"{prefix}[{i}].weight", $"must be a finite number >= 0, got {F(weight)}"));
            var entries = seen.TryGetValue(group, out var d) ? d : seen[group] = new(StringComparer.Ordinal);
            if (!entries.TryAdd(code, weight))
                violations.Add(new($"{prefix}[{i}].code", $"'{code}' is given twice in group '{group}'"));
        }
        foreach (var (group, entries) in seen)
        {
            var missing = GroupCodes(doc, group)!.Where(c => !entries.ContainsKey(c)).ToList();
            if (missing.Count > 0)
                violations.Add(new(prefix, $"group '{group}' must give every one of its codes; missing: {string.Join(", ", missing)}"));
            var sum = entries.Values.Where(double.IsFinite).Sum();
            if (Math.Abs(sum - 1) > SumTolerance)
                violations.Add(new(prefix, $"the weights of group '{group}' must sum to 1 (within {SumTolerance:0e0}); they sum to {F(sum)}"));
        }
        return violations;
    }

    /// <summary>
    /// A copy of <paramref name="doc"/> with the given groups' weights replaced (each group rescaled
    /// to sum exactly to 1), the other groups kept, and the new version id.
    /// </summary>
    public static ModelDocument Apply(ModelDocument doc, IReadOnlyList<GroupWeight> table, string version)
    {
        var byGroup = table.GroupBy(w => w.Group).ToDictionary(
            g => g.Key, g => { var sum = g.Sum(w => w.Weight); return g.ToDictionary(w => w.Code, w => w.Weight / sum); });
        byGroup.TryGetValue(ElementsGroup, out var elementWeights);
        return doc with
        {
            Version = version,
            Elements =
            [
                .. doc.Elements.Select(e => e with
                {
                    Weight = elementWeights?[e.Code] ?? e.Weight,
                    Indicators = byGroup.TryGetValue(e.Code, out var iw)
                        ? [.. e.Indicators.Select(i => i with { Weight = iw[i.Code] })]
                        : e.Indicators,
                }),
            ],
        };
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
