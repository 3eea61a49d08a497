using System.Collections.Frozen;
using System.Collections.Immutable;
using Scoring.Engine.Curves;

namespace Scoring.Engine.Model;

/// <summary>How a missing indicator is treated.</summary>
public enum MissingDataPolicy
{
    /// <summary>It drops out and the remaining weights are rescaled to sum to 1.</summary>
    Renormalize,
    /// <summary>It scores 0.</summary>
    Zero,
}

/// <summary>The level of the three-level evaluation structure.</summary>
public enum ParcelLevel
{
    /// <summary>Not known.</summary>
    Unspecified = 0,
    /// <summary>工业园区.</summary>
    Park = 1,
    /// <summary>工业社区.</summary>
    Community = 2,
    /// <summary>零星工业地块.</summary>
    Scattered = 3,
}

/// <summary>One element of a compiled model.</summary>
public sealed record ElementDefinition(int Index, string Code, string Name, double Weight, ImmutableArray<int> Indicators);

/// <summary>One veto check of a compiled model.</summary>
public sealed record VetoDefinition(int Index, string Code, string Group, string Name);

/// <summary>Inclusive bounds of a raw value; null is open.</summary>
public readonly record struct ValueRange(double? Min, double? Max)
{
    /// <summary>Whether the value lies within the bounds.</summary>
    public bool Contains(double value) => (Min is not { } lo || value >= lo) && (Max is not { } hi || value <= hi);

    /// <inheritdoc />
    public override string ToString() => (Min, Max) switch
    {
        ({ } lo, { } hi) => $"[{lo}, {hi}]",
        ({ } lo, null) => $">= {lo}",
        (null, { } hi) => $"<= {hi}",
        _ => "any finite value",
    };
}

/// <summary>One indicator of a compiled model.</summary>
public sealed class IndicatorDefinition
{
    internal IndicatorDefinition(int index, string code, string name, string unit, int element, double weight,
        double globalWeight, ValueRange range, UtilityCurve? curve, CategoryMap? categories)
    {
        Index = index; Code = code; Name = name; Unit = unit; Element = element; Weight = weight;
        GlobalWeight = globalWeight; Range = range; Curve = curve; Categories = categories;
    }

    /// <summary>Position in the model's flat indicator order.</summary>
    public int Index { get; }
    /// <summary>Indicator code.</summary>
    public string Code { get; }
    /// <summary>Chinese name.</summary>
    public string Name { get; }
    /// <summary>Unit of the raw value.</summary>
    public string Unit { get; }
    /// <summary>Index of the element it belongs to.</summary>
    public int Element { get; }
    /// <summary>Weight inside its element.</summary>
    public double Weight { get; }
    /// <summary>Element weight × indicator weight.</summary>
    public double GlobalWeight { get; }
    /// <summary>Valid range of raw values.</summary>
    public ValueRange Range { get; }
    /// <summary>The default curve of a numeric indicator.</summary>
    public UtilityCurve? Curve { get; }
    /// <summary>The category map of a categorical indicator.</summary>
    public CategoryMap? Categories { get; }
    /// <summary>Whether the indicator takes a category key rather than a number.</summary>
    public bool IsCategorical => Categories is not null;

    // Curves by level (index = (int)ParcelLevel), and per industry division (0..99) by level.
    internal UtilityCurve[] LevelCurves = [];
    internal UtilityCurve[][]? DivisionCurves;
}

/// <summary>
/// A validated, compiled, immutable model: what the evaluator runs. Build one with
/// <see cref="ModelCompiler"/>.
/// </summary>
public sealed class ScoringModel
{
    internal ScoringModel(ModelDocument document, MissingDataPolicy policy,
        ImmutableArray<ElementDefinition> elements, ImmutableArray<IndicatorDefinition> indicators,
        ImmutableArray<VetoDefinition> vetoes)
    {
        Document = document;
        MissingData = policy;
        Elements = elements;
        Indicators = indicators;
        Vetoes = vetoes;
        IndicatorsByCode = indicators.ToFrozenDictionary(i => i.Code, StringComparer.Ordinal);
        VetoesByCode = vetoes.ToFrozenDictionary(v => v.Code, StringComparer.Ordinal);
        NumericCodes = [.. indicators.Where(i => !i.IsCategorical).Select(i => i.Code)];
        _curveSets = ResolveCurveSets(indicators);
        LocalWeights = [.. indicators.Select(i => i.Weight)];
        GlobalWeights = [.. indicators.Select(i => i.GlobalWeight)];
        CategoryUtilities = [.. indicators.Select(i => i.Categories?.Utilities.ToArray())];
        // Indicators are laid out element by element, so each element is a contiguous range.
        ElementStarts = new int[elements.Length + 1];
        for (var e = 0; e < elements.Length; e++) ElementStarts[e + 1] = ElementStarts[e] + elements[e].Indicators.Length;
        CategoricalCodes = [.. indicators.Where(i => i.IsCategorical).Select(i => i.Code)];
    }

    /// <summary>The document the model was compiled from.</summary>
    public ModelDocument Document { get; }
    /// <summary>Version id.</summary>
    public string Version => Document.Version;
    /// <summary>Scores below this are inefficient.</summary>
    public double Threshold => Document.Threshold;
    /// <summary>Width of the review band above the threshold.</summary>
    public double ReviewBand => Document.ReviewBand;
    /// <summary>Below this completeness a parcel is INSUFFICIENT_DATA.</summary>
    public double MinCompleteness => Document.MinCompleteness;
    /// <summary>How missing indicators are treated.</summary>
    public MissingDataPolicy MissingData { get; }
    /// <summary>The elements, in model order.</summary>
    public ImmutableArray<ElementDefinition> Elements { get; }
    /// <summary>All indicators, element by element, in model order.</summary>
    public ImmutableArray<IndicatorDefinition> Indicators { get; }
    /// <summary>The veto checks, in model order.</summary>
    public ImmutableArray<VetoDefinition> Vetoes { get; }
    /// <summary>Indicators by code.</summary>
    public FrozenDictionary<string, IndicatorDefinition> IndicatorsByCode { get; }
    /// <summary>Vetoes by code.</summary>
    public FrozenDictionary<string, VetoDefinition> VetoesByCode { get; }
    /// <summary>Codes of the numeric indicators.</summary>
    public ImmutableArray<string> NumericCodes { get; }
    /// <summary>Codes of the categorical indicators.</summary>
    public ImmutableArray<string> CategoricalCodes { get; }

    // Flat copies of the per-indicator figures scoring reads for every parcel.
    internal double[] LocalWeights { get; }
    internal double[] GlobalWeights { get; }
    internal double[]?[] CategoryUtilities { get; }
    internal int[] ElementStarts { get; }

    // Per (level, division): every indicator's curve, resolved once here so scoring does no lookups.
    private readonly UtilityCurve?[][] _curveSets;
    private const int DivisionSlots = 101; // no division (-1), then 00..99

    /// <summary>The curves of every indicator (null for categorical ones) for a parcel's level and industry division (-1 = none).</summary>
    public UtilityCurve?[] CurvesFor(ParcelLevel level, int division) => _curveSets[(int)level * DivisionSlots + division + 1];

    private UtilityCurve?[][] ResolveCurveSets(ImmutableArray<IndicatorDefinition> indicators)
    {
        var sets = new UtilityCurve?[4 * DivisionSlots][];
        for (var level = 0; level < 4; level++)
        {
            UtilityCurve?[] Resolve(int division) =>
                [.. indicators.Select(i => i.IsCategorical ? null : CurveFor(i, (ParcelLevel)level, division))];
            var common = Resolve(-1);
            sets[level * DivisionSlots] = common;
            for (var d = 0; d < 100; d++)
                sets[level * DivisionSlots + d + 1] = indicators.Any(i => i.DivisionCurves?[d] is not null) ? Resolve(d) : common;
        }
        return sets;
    }

    /// <summary>The curve that applies to a numeric indicator for a parcel's level and industry division (-1 = none).</summary>
    public UtilityCurve CurveFor(IndicatorDefinition indicator, ParcelLevel level, int division)
    {
        if (division >= 0 && indicator.DivisionCurves?[division] is { } byLevel) return byLevel[(int)level];
        return indicator.LevelCurves[(int)level];
    }

    /// <summary>The industry division (0..99) named by the first two digits of a GB/T 4754 code, or -1.</summary>
    /// <remarks>An optional leading section letter is skipped ("C3911" → 39).</remarks>
    public static int DivisionOf(string? industryCode)
    {
        if (string.IsNullOrEmpty(industryCode)) return -1;
        var s = char.IsAsciiLetter(industryCode[0]) ? industryCode.AsSpan(1) : industryCode.AsSpan();
        if (s.Length < 2 || !char.IsAsciiDigit(s[0]) || !char.IsAsciiDigit(s[1])) return -1;
        return (s[0] - '0') * 10 + (s[1] - '0');
    }
}
