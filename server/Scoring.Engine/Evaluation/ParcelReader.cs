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
        var before = violations.Count;
        void Bad(string field, string reason) => violations.Add(new FieldViolation(prefix + field, reason));

        CheckParcelId(facts.ParcelId, Bad);
        if (!Enum.IsDefined(typeof(ParcelLevel), facts.Level))
            Bad("level", $"{facts.Level} is not a Level value (0 unspecified, 1 park, 2 community, 3 scattered)");
        if (!double.IsFinite(facts.AreaMu)) Bad("area_mu", "must be a finite number");
        else if (facts.AreaMu < 0) Bad("area_mu", $"must not be negative, got {F(facts.AreaMu)}");
        var division = ScoringModel.DivisionOf(facts.IndustryCode);
        if (!string.IsNullOrEmpty(facts.IndustryCode) && !IsIndustryCode(facts.IndustryCode))
            Bad("industry_code", $"'{facts.IndustryCode}' is not a GB/T 4754 code (2 to 4 digits, optionally after a section letter, e.g. 3911 or C3911)");

        var vector = new ParcelVector(model, facts.ParcelId)
        {
            Level = (ParcelLevel)facts.Level,
            AreaMu = facts.AreaMu,
            Division = division,
            InEcologicalRedLine = facts.InEcologicalRedLine ?? false,
            RedevelopmentUnderway = facts.RedevelopmentUnderway ?? false,
            LocallyReported = facts.LocallyReported ?? false,
        };

        foreach (var (code, value) in facts.Indicators)
        {
            var field = $"indicators[\"{code}\"]";
            if (!model.IndicatorsByCode.TryGetValue(code, out var ind))
            {
                Bad(field, $"unknown indicator '{code}'; valid numeric indicators: {string.Join(", ", model.NumericCodes)}");
                continue;
            }
            if (ind.IsCategorical) { Bad(field, $"'{code}' is categorical: send its category key in categories"); continue; }
            if (!double.IsFinite(value)) { Bad(field, $"must be a finite number, got {F(value)}"); continue; }
            if (!ind.Range.Contains(value))
            {
                Bad(field, $"value {F(value)} is outside the valid range {ind.Range} ({ind.Unit})");
                continue;
            }
            vector.Values[ind.Index] = value;
        }

        foreach (var (code, key) in facts.Categories)
        {
            var field = $"categories[\"{code}\"]";
            if (!model.IndicatorsByCode.TryGetValue(code, out var ind))
            {
                Bad(field, $"unknown categorical indicator '{code}'; valid: {string.Join(", ", model.CategoricalCodes)}");
                continue;
            }
            if (!ind.IsCategorical) { Bad(field, $"'{code}' is numeric: send its value in indicators"); continue; }
            var ordinal = ind.Categories!.OrdinalOf(key);
            if (ordinal < 0)
            {
                Bad(field, $"unknown category '{key}' for '{code}'; valid: {string.Join(", ", ind.Categories.Keys)}");
                continue;
            }
            vector.Values[ind.Index] = ordinal;
        }

        foreach (var (code, met) in facts.Vetoes)
        {
            if (!model.VetoesByCode.TryGetValue(code, out var veto))
            {
                Bad($"vetoes[\"{code}\"]", $"unknown veto '{code}'; valid: {string.Join(", ", model.VetoesByCode.Keys.Order(StringComparer.Ordinal))}");
                continue;
            }
            vector.Vetoes[veto.Index] = met ? VetoAnswer.Met : VetoAnswer.Failed;
        }

        return violations.Count == before ? vector : null;
    }

    /// <summary>Checks a cadastral id: required, at most <see cref="MaxParcelIdLength"/> characters, no control characters.</summary>
    public static void CheckParcelId(string parcelId, Action<string, string> bad)
    {
        if (string.IsNullOrWhiteSpace(parcelId)) bad("parcel_id", "is required");
        else if (parcelId.Length > MaxParcelIdLength) bad("parcel_id", $"is {parcelId.Length} characters long; at most {MaxParcelIdLength} are allowed");
        else if (parcelId.Any(char.IsControl)) bad("parcel_id", "must not contain control characters");
    }

    // GB/T 4754: 2 (division) to 4 (class) digits, optionally after the section letter.
    private static bool IsIndustryCode(string code)
    {
        var digits = char.IsAsciiLetter(code[0]) ? code.AsSpan(1) : code.AsSpan();
        return digits.Length is >= 2 and <= 4 && !digits.ContainsAnyExceptInRange('0', '9');
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
