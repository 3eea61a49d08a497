using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scoring.Engine.Model;

/// <summary>The model as a JSON document: everything that defines how parcels are scored.</summary>
public sealed record ModelDocument
{
    /// <summary>Stable id of the model family (e.g. the district's indicator system).</summary>
    public string Id { get; init; } = "";
    /// <summary>Version id; every evaluation names the version that produced it.</summary>
    public string Version { get; init; } = "";
    /// <summary>Display name.</summary>
    public string Name { get; init; } = "";
    /// <summary>Free text.</summary>
    public string? Description { get; init; }
    /// <summary>Scores below this are inefficient (the paper's 0.6).</summary>
    public double Threshold { get; init; } = 0.6;
    /// <summary>Scores in [threshold, threshold + band) need review.</summary>
    public double ReviewBand { get; init; } = 0.05;
    /// <summary>Below this completeness a parcel is INSUFFICIENT_DATA.</summary>
    public double MinCompleteness { get; init; } = 0.7;
    /// <summary><c>renormalize</c> or <c>zero</c>.</summary>
    public string MissingData { get; init; } = "renormalize";
    /// <summary>Cached values older than this many days are flagged stale.</summary>
    public int MaxValueAgeDays { get; init; } = 1095;
    /// <summary>How many shortfalls an explanation lists.</summary>
    public int TopShortfalls { get; init; } = 5;
    /// <summary>Groups of veto checks.</summary>
    public List<VetoGroupDocument> VetoGroups { get; init; } = [];
    /// <summary>The veto checks (一票否决).</summary>
    public List<VetoDocument> Vetoes { get; init; } = [];
    /// <summary>The elements with their indicators.</summary>
    public List<ElementDocument> Elements { get; init; } = [];
    /// <summary>Per-industry replacements of one curve point.</summary>
    public List<IndustryAnchorDocument> IndustryAnchors { get; init; } = [];
    /// <summary>Per-level curve replacements.</summary>
    public List<LevelOverrideDocument> LevelOverrides { get; init; } = [];
    /// <summary>The norms for a management unit's industrial land share (the paper: park above 60 %, community about 50 %).</summary>
    public LandUseNorms LandUseNorms { get; init; } = new();
    /// <summary>The clearance and redevelopment rules; null = the paper's defaults (<see cref="Spatial.SpatialDocument.Defaults"/>).</summary>
    public Spatial.SpatialDocument? Spatial { get; init; }
    /// <summary>How the weight uncertainty of a verdict is sampled; null = the defaults (<see cref="RobustnessDocument"/>).</summary>
    public RobustnessDocument? Robustness { get; init; }

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // A null where the document expects an object, a list or a text is refused with its JSON path.
        RespectNullableAnnotations = true,
    };

    /// <summary>
    /// Parses a model document; throws <see cref="ModelValidationException"/> on malformed JSON, naming the JSON path
    /// of the problem (a null where an object, a list or a text is expected, or a null item in a list, included).
    /// </summary>
    public static ModelDocument Parse(string json)
    {
        ModelDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<ModelDocument>(json, Json);
        }
        catch (JsonException e)
        {
            throw new ModelValidationException([new ModelError(e.Path ?? "$", e.Message)]);
        }
        if (document is null) throw new ModelValidationException([new ModelError("$", "the document is empty")]);
        var nulls = NullItems(document).ToList();
        if (nulls.Count > 0) throw new ModelValidationException(nulls);
        return document;
    }

    // The serializer refuses null properties (RespectNullableAnnotations) but not null items of a list.
    private static IEnumerable<ModelError> NullItems(ModelDocument d)
    {
        static ModelError Null(string path) => new(path, "must not be null");
        static IEnumerable<ModelError> Points(CurveDocument? curve, string path)
        {
            if (curve is null) yield break;
            for (var p = 0; p < curve.Points.Count; p++)
                if (curve.Points[p] is null) yield return Null($"{path}.points[{p}]");
        }

        for (var i = 0; i < d.VetoGroups.Count; i++)
            if (d.VetoGroups[i] is null) yield return Null($"$.veto_groups[{i}]");
        for (var i = 0; i < d.Vetoes.Count; i++)
            if (d.Vetoes[i] is null) yield return Null($"$.vetoes[{i}]");
        for (var e = 0; e < d.Elements.Count; e++)
        {
            var element = d.Elements[e];
            if (element is null) { yield return Null($"$.elements[{e}]"); continue; }
            for (var i = 0; i < element.Indicators.Count; i++)
            {
                var indicator = element.Indicators[i];
                var path = $"$.elements[{e}].indicators[{i}]";
                if (indicator is null) { yield return Null(path); continue; }
                foreach (var error in Points(indicator.Curve, path + ".curve")) yield return error;
                if (indicator.Categories is { } categories)
                    for (var c = 0; c < categories.Count; c++)
                        if (categories[c] is null) yield return Null($"{path}.categories[{c}]");
            }
        }
        for (var i = 0; i < d.IndustryAnchors.Count; i++)
            if (d.IndustryAnchors[i] is null) yield return Null($"$.industry_anchors[{i}]");
        if (d.Spatial is { } spatial)
        {
            for (var i = 0; i < spatial.ClearanceRules.Count; i++)
            {
                if (spatial.ClearanceRules[i] is not { } rule) { yield return Null($"$.spatial.clearance_rules[{i}]"); continue; }
                foreach (var (code, keys) in rule.When.Categories ?? [])
                    if (keys is null) yield return Null($"$.spatial.clearance_rules[{i}].when.categories.{code}");
            }
            for (var i = 0; i < spatial.RedevelopmentRules.Count; i++)
            {
                if (spatial.RedevelopmentRules[i] is not { } rule) { yield return Null($"$.spatial.redevelopment_rules[{i}]"); continue; }
                foreach (var (code, keys) in rule.When.Categories ?? [])
                    if (keys is null) yield return Null($"$.spatial.redevelopment_rules[{i}].when.categories.{code}");
            }
        }
        for (var i = 0; i < d.LevelOverrides.Count; i++)
        {
            if (d.LevelOverrides[i] is not { } levelOverride) { yield return Null($"$.level_overrides[{i}]"); continue; }
            foreach (var error in Points(levelOverride.Curve, $"$.level_overrides[{i}].curve")) yield return error;
        }
    }

    /// <summary>Serialises the document to indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

/// <summary>A group of veto checks.</summary>
public sealed record VetoGroupDocument
{
    /// <summary>Group code.</summary>
    public string Code { get; init; } = "";
    /// <summary>Chinese name.</summary>
    public string Name { get; init; } = "";
}

/// <summary>One yes/no veto check.</summary>
public sealed record VetoDocument
{
    /// <summary>Veto code.</summary>
    public string Code { get; init; } = "";
    /// <summary>Group code.</summary>
    public string Group { get; init; } = "";
    /// <summary>Chinese name.</summary>
    public string Name { get; init; } = "";
}

/// <summary>One element (要素) of the score.</summary>
public sealed record ElementDocument
{
    /// <summary>Element code.</summary>
    public string Code { get; init; } = "";
    /// <summary>Chinese name.</summary>
    public string Name { get; init; } = "";
    /// <summary>Weight among elements.</summary>
    public double Weight { get; init; }
    /// <summary>The element's indicators.</summary>
    public List<IndicatorDocument> Indicators { get; init; } = [];
}

/// <summary>One indicator: numeric with a curve, or categorical with a category map.</summary>
public sealed record IndicatorDocument
{
    /// <summary>Indicator code.</summary>
    public string Code { get; init; } = "";
    /// <summary>Chinese name.</summary>
    public string Name { get; init; } = "";
    /// <summary>Unit of the raw value.</summary>
    public string Unit { get; init; } = "";
    /// <summary>Weight inside its element.</summary>
    public double Weight { get; init; }
    /// <summary>Valid range of the raw value (numeric indicators).</summary>
    public RangeDocument? Range { get; init; }
    /// <summary>Value → utility curve (numeric indicators).</summary>
    public CurveDocument? Curve { get; init; }
    /// <summary>Category → utility (categorical indicators).</summary>
    public List<CategoryDocument>? Categories { get; init; }
}

/// <summary>Inclusive bounds; a missing bound is open.</summary>
public sealed record RangeDocument
{
    /// <summary>Lowest valid value.</summary>
    public double? Min { get; init; }
    /// <summary>Highest valid value.</summary>
    public double? Max { get; init; }
}

/// <summary>A piecewise-linear curve of (value, utility) points.</summary>
public sealed record CurveDocument
{
    /// <summary>Pairs [value, utility], values strictly increasing.</summary>
    public List<double[]> Points { get; init; } = [];
    /// <summary>Interpolate in log10(1 + value).</summary>
    public bool Log { get; init; }
}

/// <summary>One category of a categorical indicator.</summary>
public sealed record CategoryDocument
{
    /// <summary>Category key.</summary>
    public string Key { get; init; } = "";
    /// <summary>Chinese name.</summary>
    public string Name { get; init; } = "";
    /// <summary>Utility in [0, 1].</summary>
    public double Utility { get; init; }
}

/// <summary>Replaces the value of one curve point per industry division.</summary>
public sealed record IndustryAnchorDocument
{
    /// <summary>Indicator whose curve is anchored.</summary>
    public string Indicator { get; init; } = "";
    /// <summary>The utility of the point whose value is replaced.</summary>
    public double Utility { get; init; } = 0.6;
    /// <summary>Where the figures come from.</summary>
    public string? Source { get; init; }
    /// <summary>Two-digit GB/T 4754 division → the point's value.</summary>
    public Dictionary<string, double> Divisions { get; init; } = [];
}

/// <summary>A curve that replaces an indicator's default for one level.</summary>
public sealed record LevelOverrideDocument
{
    /// <summary><c>PARK</c>, <c>COMMUNITY</c> or <c>SCATTERED</c>.</summary>
    public string Level { get; init; } = "";
    /// <summary>Indicator code.</summary>
    public string Indicator { get; init; } = "";
    /// <summary>The replacement curve.</summary>
    public CurveDocument Curve { get; init; } = new();
}

/// <summary>How the weight draws behind a verdict's robustness are made (issue 16).</summary>
public sealed record RobustnessDocument
{
    /// <summary>Weight vectors drawn per model version.</summary>
    public int Draws { get; init; } = 10_000;
    /// <summary>α of the Dirichlet(α·w0) drawn at every node of a weight-table version.</summary>
    public double Concentration { get; init; } = 100;
    /// <summary>The random seed; null = derived from the version id.</summary>
    public int? Seed { get; init; }
}
