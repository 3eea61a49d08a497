using System.Globalization;
using Scoring.Engine.Model;

namespace Scoring.Engine.Evaluation;

/// <summary>Validates <see cref="ParcelFacts"/> against a model and lays them out as a <see cref="ParcelVector"/>.</summary>
public static class ParcelReader
{
    /// <summary>Longest accepted cadastral id.</summary>
    public const int MaxParcelIdLength = 64;

    /// <summary>
    /// Reads a parcel, adding every problem to <paramref name="violations"/> with field paths under
    /// <paramref name="prefix"/> (e.g. "parcel."). Returns null when anything was wrong.
    /// </summary>
    public static ParcelVector? Read(ScoringModel model, ParcelFacts facts, List<FieldViolation> violations, string prefix = "")
    {
        var vector = new ParcelVector(model, facts.ParcelId);
        return ReadInto(model, facts, vector, violations, prefix) ? vector : null;
    }

    /// <summary>
    /// Reads a parcel into a reused <paramref name="vector"/> (sized for <paramref name="model"/>);
    /// false, with every problem in <paramref name="violations"/>, when anything was wrong.
    /// </summary>
    public static bool ReadInto(ScoringModel model, ParcelFacts facts, ParcelVector vector, List<FieldViolation> violations, string prefix = "")
    {
        var before = violations.Count;
        CheckAttributes(facts.ParcelId, facts.Level, facts.AreaMu, facts.IndustryCode, violations, prefix);
        vector.Reset(facts.ParcelId, (ParcelLevel)facts.Level, facts.AreaMu, ScoringModel.DivisionOf(facts.IndustryCode),
            facts.InEcologicalRedLine ?? false, facts.RedevelopmentUnderway ?? false, facts.LocallyReported ?? false);

        foreach (var (code, value) in facts.Indicators)
        {
            if (!model.IndicatorsByCode.TryGetValue(code, out var ind))
            {
                violations.Add(new(Field(prefix, "indicators", code), $"unknown indicator '{code}'; valid numeric indicators: {string.Join(", ", model.NumericCodes)}"));
                continue;
            }
            if (ind.IsCategorical)
            {
                violations.Add(new(Field(prefix, "indicators", code), $"'{code}' is categorical: send its category key in categories"));
                continue;
            }
            if (CheckNumber(ind, value) is { } reason) violations.Add(new(Field(prefix, "indicators", code), reason));
            else vector.Values[ind.Index] = value;
        }

        foreach (var (code, key) in facts.Categories)
        {
            if (!model.IndicatorsByCode.TryGetValue(code, out var ind))
            {
                violations.Add(new(Field(prefix, "categories", code), $"unknown categorical indicator '{code}'; valid: {string.Join(", ", model.CategoricalCodes)}"));
                continue;
            }
            if (!ind.IsCategorical)
            {
                violations.Add(new(Field(prefix, "categories", code), $"'{code}' is numeric: send its value in indicators"));
                continue;
            }
            if (CheckCategory(ind, key, out var ordinal) is { } reason) violations.Add(new(Field(prefix, "categories", code), reason));
            else vector.Values[ind.Index] = ordinal;
        }

        foreach (var (code, met) in facts.Vetoes)
        {
            if (!model.VetoesByCode.TryGetValue(code, out var veto))
            {
                violations.Add(new(Field(prefix, "vetoes", code), UnknownVeto(model, code)));
                continue;
            }
            vector.Vetoes[veto.Index] = met ? VetoAnswer.Met : VetoAnswer.Failed;
        }

        return violations.Count == before;
    }

    /// <summary>Checks the parcel's own fields: id, level, area and industry code.</summary>
    public static void CheckAttributes(string parcelId, int level, double areaMu, string? industryCode, List<FieldViolation> violations, string prefix)
    {
        if (ParcelIdProblem(parcelId) is { } idProblem) violations.Add(new(prefix + "parcel_id", idProblem));
        if (level is < (int)ParcelLevel.Unspecified or > (int)ParcelLevel.Scattered)
            violations.Add(new(prefix + "level", $"{level} is not a Level value (0 unspecified, 1 park, 2 community, 3 scattered)"));
        if (!double.IsFinite(areaMu)) violations.Add(new(prefix + "area_mu", "must be a finite number"));
        else if (areaMu < 0) violations.Add(new(prefix + "area_mu", $"must not be negative, got {F(areaMu)}"));
        if (!string.IsNullOrEmpty(industryCode) && !IsIndustryCode(industryCode))
            violations.Add(new(prefix + "industry_code", $"'{industryCode}' is not a GB/T 4754 code (2 to 4 digits, optionally after a section letter, e.g. 3911 or C3911)"));
    }

    /// <summary>Why a raw value is not valid for a numeric indicator, or null when it is.</summary>
    public static string? CheckNumber(IndicatorDefinition indicator, double value)
    {
        if (!double.IsFinite(value)) return $"must be a finite number, got {F(value)}";
        if (!indicator.Range.Contains(value)) return $"value {F(value)} is outside the valid range {indicator.Range} ({indicator.Unit})";
        return null;
    }

    /// <summary>Why a category key is not valid for a categorical indicator (null when it is), and its ordinal.</summary>
    public static string? CheckCategory(IndicatorDefinition indicator, string key, out int ordinal)
    {
        ordinal = indicator.Categories!.OrdinalOf(key);
        return ordinal >= 0 ? null : $"unknown category '{key}' for '{indicator.Code}'; valid: {string.Join(", ", indicator.Categories.Keys)}";
    }

    /// <summary>The message for a veto code the model does not know.</summary>
    public static string UnknownVeto(ScoringModel model, string code) =>
        $"unknown veto '{code}'; valid: {string.Join(", ", model.VetoesByCode.Keys.Order(StringComparer.Ordinal))}";

    private static string Field(string prefix, string map, string key) => $"{prefix}{map}[\"{key}\"]";

    /// <summary>
    /// What is wrong with a cadastral id (required, at most <see cref="MaxParcelIdLength"/> characters, no
    /// control characters), or null when nothing is.
    /// </summary>
    public static string? ParcelIdProblem(string parcelId)
    {
        if (string.IsNullOrWhiteSpace(parcelId)) return "is required";
        if (parcelId.Length > MaxParcelIdLength) return $"is {parcelId.Length} characters long; at most {MaxParcelIdLength} are allowed";
        if (parcelId.AsSpan().ContainsAnyInRange('\0', '\u001f') || parcelId.AsSpan().ContainsAnyInRange('\u007f', '\u009f'))
            return "must not contain control characters";
        return null;
    }

    // GB/T 4754: 2 (division) to 4 (class) digits, optionally after the section letter.
    private static bool IsIndustryCode(string code)
    {
        var digits = char.IsAsciiLetter(code[0]) ? code.AsSpan(1) : code.AsSpan();
        return digits.Length is >= 2 and <= 4 && !digits.ContainsAnyExceptInRange('0', '9');
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
