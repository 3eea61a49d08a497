using System.Collections.Immutable;
using System.Globalization;
using Scoring.Engine.Curves;

namespace Scoring.Engine.Model;

/// <summary>Validates a <see cref="ModelDocument"/> and compiles it into a <see cref="ScoringModel"/>.</summary>
public static class ModelCompiler
{
    /// <summary>Tolerance for "weights sum to 1" in a model document.</summary>
    public const double WeightSumTolerance = 1e-9;

    private static readonly string[] LevelNames = ["UNSPECIFIED", "PARK", "COMMUNITY", "SCATTERED"];

    /// <summary>Parses and compiles a JSON model document.</summary>
    public static ScoringModel Compile(string json) => Compile(ModelDocument.Parse(json));

    /// <summary>
    /// Compiles a document, or throws <see cref="ModelValidationException"/> listing every problem,
    /// each naming the offending entry.
    /// </summary>
    public static ScoringModel Compile(ModelDocument doc)
    {
        var errors = new List<ModelError>();
        void Error(string path, string message) => errors.Add(new ModelError(path, message));

        if (string.IsNullOrWhiteSpace(doc.Version)) Error("version", "a model needs a version id");
        CheckUnit(doc.Threshold, "threshold", Error);
        CheckUnit(doc.MinCompleteness, "min_completeness", Error);
        if (!(doc.ReviewBand >= 0 && doc.ReviewBand <= 1)) Error("review_band", $"must be in [0, 1], got {F(doc.ReviewBand)}");
        if (doc.MaxValueAgeDays <= 0) Error("max_value_age_days", "must be positive");
        if (doc.TopShortfalls < 0) Error("top_shortfalls", "must not be negative");
        if (doc.LandUseNorms is not { } norms) Error("land_use_norms", "must be an object (or left out for the paper's norms)");
        else
        {
            CheckUnit(norms.ParkMinimumShare, "land_use_norms.park_minimum_share", Error);
            CheckUnit(norms.CommunityTargetShare, "land_use_norms.community_target_share", Error);
            CheckUnit(norms.CommunityTolerance, "land_use_norms.community_tolerance", Error);
        }
        if (doc.Robustness is { } robustness)
        {
            if (robustness.Draws is < Robustness.WeightDraws.MinCount or > Robustness.WeightDraws.MaxCount)
                Error("robustness.draws", $"must be {Robustness.WeightDraws.MinCount} to {Robustness.WeightDraws.MaxCount}, got {robustness.Draws}");
            if (!(robustness.Concentration > 0) || !double.IsFinite(robustness.Concentration))
                Error("robustness.concentration", $"must be a finite number > 0, got {F(robustness.Concentration)}");
        }
        MissingDataPolicy policy = MissingDataPolicy.Renormalize;
        switch (doc.MissingData)
        {
            case "renormalize": policy = MissingDataPolicy.Renormalize; break;
            case "zero": policy = MissingDataPolicy.Zero; break;
            default: Error("missing_data", $"'{doc.MissingData}' is not one of: renormalize, zero"); break;
        }

        // Veto groups and vetoes.
        var groupCodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (g, i) in doc.VetoGroups.Select((g, i) => (g, i)))
        {
            if (string.IsNullOrWhiteSpace(g.Code)) Error($"veto_groups[{i}].code", "is empty");
            else if (!groupCodes.Add(g.Code)) Error($"veto_groups[{g.Code}]", "duplicate veto group code");
        }
        var vetoes = ImmutableArray.CreateBuilder<VetoDefinition>();
        var vetoCodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (v, i) in doc.Vetoes.Select((v, i) => (v, i)))
        {
            var path = $"vetoes[{Key(v.Code, i)}]";
            if (string.IsNullOrWhiteSpace(v.Code)) { Error($"vetoes[{i}].code", "is empty"); continue; }
            if (!vetoCodes.Add(v.Code)) { Error(path, "duplicate veto code"); continue; }
            if (groupCodes.Count > 0 && !groupCodes.Contains(v.Group))
                Error($"{path}.group", $"'{v.Group}' is not a declared veto group ({string.Join(", ", groupCodes)})");
            vetoes.Add(new VetoDefinition(vetoes.Count, v.Code, v.Group, v.Name));
        }

        // Elements and indicators.
        if (doc.Elements.Count == 0) Error("elements", "a model needs at least one element");
        CheckWeights(doc.Elements.Select(e => (e.Code, e.Weight)).ToList(), "elements", Error);
        var elementCodes = new HashSet<string>(StringComparer.Ordinal);
        var indicatorOwner = new Dictionary<string, string>(StringComparer.Ordinal);
        var elements = ImmutableArray.CreateBuilder<ElementDefinition>();
        var indicators = ImmutableArray.CreateBuilder<IndicatorDefinition>();
        foreach (var (e, ei) in doc.Elements.Select((e, i) => (e, i)))
        {
            var epath = $"elements[{Key(e.Code, ei)}]";
            if (string.IsNullOrWhiteSpace(e.Code)) Error($"elements[{ei}].code", "is empty");
            else if (!elementCodes.Add(e.Code)) Error(epath, "duplicate element code");
            if (e.Indicators.Count == 0) Error($"{epath}.indicators", "an element needs at least one indicator");
            CheckWeights(e.Indicators.Select(x => (x.Code, x.Weight)).ToList(), $"{epath}.indicators", Error);
            var members = ImmutableArray.CreateBuilder<int>();
            foreach (var (d, ii) in e.Indicators.Select((d, i) => (d, i)))
            {
                var ipath = $"{epath}.indicators[{Key(d.Code, ii)}]";
                if (string.IsNullOrWhiteSpace(d.Code)) { Error($"{epath}.indicators[{ii}].code", "is empty"); continue; }
                if (indicatorOwner.TryGetValue(d.Code, out var owner))
                {
                    Error(ipath, owner == e.Code
                        ? "duplicate indicator code"
                        : $"indicator '{d.Code}' already belongs to element '{owner}'; an indicator belongs to exactly one element");
                    continue;
                }
                indicatorOwner[d.Code] = e.Code;
                var (curve, categories, range) = CompileIndicator(d, ipath, Error);
                var def = new IndicatorDefinition(indicators.Count, d.Code, d.Name, d.Unit, ei, d.Weight,
                    e.Weight * d.Weight, range, curve, categories);
                members.Add(def.Index);
                indicators.Add(def);
            }
            elements.Add(new ElementDefinition(ei, e.Code, e.Name, e.Weight, members.ToImmutable()));
        }

        // Per-level overrides.
        var overrides = new Dictionary<(string, int), UtilityCurve>();
        foreach (var (o, i) in doc.LevelOverrides.Select((o, i) => (o, i)))
        {
            var path = $"level_overrides[{i}]";
            var level = Array.IndexOf(LevelNames, o.Level);
            if (level <= 0) { Error($"{path}.level", $"'{o.Level}' is not one of: PARK, COMMUNITY, SCATTERED"); continue; }
            var target = indicators.FirstOrDefault(x => x.Code == o.Indicator);
            if (target is null) { Error($"{path}.indicator", $"'{o.Indicator}' is not an indicator of this model"); continue; }
            if (target.IsCategorical) { Error($"{path}.indicator", $"'{o.Indicator}' is categorical and has no curve"); continue; }
            if (!overrides.TryAdd((o.Indicator, level), CompileCurve(o.Curve, $"{path}.curve", Error)!))
                Error(path, $"a second override of '{o.Indicator}' for {o.Level}");
        }
        foreach (var ind in indicators.Where(x => x.Curve is not null))
        {
            ind.LevelCurves = [.. Enumerable.Range(0, 4).Select(l =>
                l > 0 && overrides.TryGetValue((ind.Code, l), out var c) && c is not null ? c : ind.Curve!)];
        }

        // Per-industry anchors.
        foreach (var (a, i) in doc.IndustryAnchors.Select((a, i) => (a, i)))
        {
            var path = $"industry_anchors[{Key(a.Indicator, i)}]";
            var target = indicators.FirstOrDefault(x => x.Code == a.Indicator);
            if (target is null) { Error($"{path}.indicator", $"'{a.Indicator}' is not an indicator of this model"); continue; }
            if (target.IsCategorical) { Error($"{path}.indicator", $"'{a.Indicator}' is categorical and has no curve"); continue; }
            if (target.DivisionCurves is not null) { Error(path, $"a second anchor rule for '{a.Indicator}'"); continue; }
            if (target.LevelCurves.Length == 0) continue; // its curve is already reported broken
            var byDivision = new UtilityCurve[100][];
            foreach (var (div, value) in a.Divisions)
            {
                var dpath = $"{path}.divisions[{div}]";
                if (div.Length != 2 || !int.TryParse(div, NumberStyles.None, CultureInfo.InvariantCulture, out var d))
                { Error(dpath, "a division is two digits, e.g. \"39\""); continue; }
                var curves = new UtilityCurve[4];
                var reported = false; // one error per division, not one per level curve
                for (var l = 0; l < 4; l++)
                {
                    var baseCurve = target.LevelCurves[l];
                    var k = baseCurve.IndexOfUtility(a.Utility);
                    if (k < 0) { if (l == 0) Error($"{path}.utility", $"the curve of '{a.Indicator}' has no point with utility {F(a.Utility)}"); curves[l] = baseCurve; continue; }
                    var lo = k > 0 ? baseCurve.Values[k - 1] : double.NegativeInfinity;
                    var hi = k < baseCurve.Values.Count - 1 ? baseCurve.Values[k + 1] : double.PositiveInfinity;
                    if (!(value > lo && value < hi))
                    {
                        if (!reported) Error(dpath, $"value {F(value)} must lie strictly between its neighbouring curve points {F(lo)} and {F(hi)}");
                        reported = true;
                        curves[l] = baseCurve;
                        continue;
                    }
                    curves[l] = baseCurve.WithAnchor(a.Utility, value);
                }
                byDivision[d] = curves;
            }
            target.DivisionCurves = byDivision;
        }

        Spatial.SpatialRules.Check(doc, Error);
        if (errors.Count > 0) throw new ModelValidationException(errors);
        return new ScoringModel(doc, policy, elements.ToImmutable(), indicators.ToImmutable(), vetoes.ToImmutable());
    }

    private static (UtilityCurve?, CategoryMap?, ValueRange) CompileIndicator(IndicatorDocument d, string path, Action<string, string> error)
    {
        var range = new ValueRange(d.Range?.Min, d.Range?.Max);
        if (range is { Min: { } lo, Max: { } hi } && lo > hi) error($"{path}.range", $"min {F(lo)} is above max {F(hi)}");
        if (d.Curve is not null && d.Categories is not null) { error(path, "an indicator has either a curve or categories, not both"); return (null, null, range); }
        if (d.Curve is null && d.Categories is null) { error(path, "an indicator needs a curve (numeric) or categories (categorical)"); return (null, null, range); }
        if (d.Curve is not null) return (CompileCurve(d.Curve, $"{path}.curve", error), null, range);

        var keys = new HashSet<string>(StringComparer.Ordinal);
        var ok = d.Categories!.Count > 0;
        if (!ok) error($"{path}.categories", "a categorical indicator needs at least one category");
        foreach (var (c, i) in d.Categories.Select((c, i) => (c, i)))
        {
            var cpath = $"{path}.categories[{Key(c.Key, i)}]";
            if (string.IsNullOrWhiteSpace(c.Key)) { error($"{path}.categories[{i}].key", "is empty"); ok = false; }
            else if (!keys.Add(c.Key)) { error(cpath, "duplicate category key"); ok = false; }
            if (!(c.Utility >= 0 && c.Utility <= 1)) error($"{cpath}.utility", $"must be in [0, 1], got {F(c.Utility)}");
        }
        if (!ok) return (null, null, range);
        return (null, new CategoryMap(d.Categories.Select(c => c.Key).ToList(), d.Categories.Select(c => c.Name).ToList(),
            d.Categories.Select(c => c.Utility).ToList()), range);
    }

    private static UtilityCurve? CompileCurve(CurveDocument curve, string path, Action<string, string> error)
    {
        var ok = true;
        if (curve.Points.Count == 0) { error($"{path}.points", "a curve needs at least one point"); return null; }
        for (var i = 0; i < curve.Points.Count; i++)
        {
            var p = curve.Points[i];
            var ppath = $"{path}.points[{i}]";
            if (p is null || p.Length != 2) { error(ppath, "a point is [value, utility]"); ok = false; continue; }
            if (!double.IsFinite(p[0])) { error(ppath, "value must be finite"); ok = false; }
            if (!(p[1] >= 0 && p[1] <= 1)) { error(ppath, $"utility must be in [0, 1], got {F(p[1])}"); ok = false; }
            if (i > 0 && curve.Points[i - 1] is { Length: 2 } prev && !(p[0] > prev[0]))
            { error(ppath, $"value {F(p[0])} must be greater than the previous point's {F(prev[0])} (values strictly increasing)"); ok = false; }
            if (curve.Log && p[0] <= -1) { error(ppath, $"a log curve needs values above -1, got {F(p[0])}"); ok = false; }
        }
        return ok ? new UtilityCurve(curve.Points.Select(p => p[0]).ToList(), curve.Points.Select(p => p[1]).ToList(), curve.Log) : null;
    }

    private static void CheckWeights(List<(string Code, double Weight)> items, string path, Action<string, string> error)
    {
        var sum = 0.0;
        foreach (var (code, w) in items)
        {
            if (!(w >= 0) || !double.IsFinite(w)) error($"{path}[{code}].weight", $"must be a finite number >= 0, got {F(w)}");
            else sum += w;
        }
        if (items.Count > 0 && Math.Abs(sum - 1) > WeightSumTolerance)
            error(path, $"weights must sum to 1 (within {WeightSumTolerance:0e0}), they sum to {F(sum)}");
    }

    private static void CheckUnit(double value, string path, Action<string, string> error)
    {
        if (!(value >= 0 && value <= 1)) error(path, $"must be in [0, 1], got {F(value)}");
    }

    private static string Key(string code, int index) => string.IsNullOrWhiteSpace(code) ? index.ToString(CultureInfo.InvariantCulture) : code;

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
