using System.Globalization;
using Scoring.Engine.Model;

namespace Scoring.Engine.Evaluation;

/// <summary>
/// Validates <see cref="ParcelFacts"/> against a model and lays them out as a <see cref="ParcelVector"/>:
/// the one reader of every input form (maps, a columnar row, a cached parcel laid under either).
/// </summary>
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
    public static bool ReadInto(ScoringModel model, ParcelFacts facts, ParcelVector vector, List<FieldViolation> violations, string prefix = "") =>
        ReadInto(model, facts, null, vector, violations, prefix);

    /// <summary>
    /// Reads <paramref name="facts"/> laid over <paramref name="under"/> (a cached parcel, or null): every
    /// attribute, indicator and veto takes the value given in <paramref name="facts"/> when there is one, else
    /// the one of <paramref name="under"/>, and <see cref="ParcelVector.ValueOrigins"/> and
    /// <see cref="ParcelVector.VetoOrigins"/> say which. Codes of <paramref name="under"/> that the model does
    /// not know, or knows as another kind, are left out (they may be left from another model); its values
    /// that are used are checked like given ones. False, with every problem, when anything was wrong.
    /// </summary>
    public static bool ReadInto(ScoringModel model, ParcelFacts facts, ParcelFacts? under, ParcelVector vector, List<FieldViolation> violations, string prefix = "")
    {
        var before = violations.Count;
        var level = facts.Level != 0 || under is null ? facts.Level : under.Level;
        var area = facts.AreaMu != 0 || under is null ? facts.AreaMu : under.AreaMu;
        var industry = !string.IsNullOrEmpty(facts.IndustryCode) || under is null ? facts.IndustryCode : under.IndustryCode;
        CheckAttributes(facts.ParcelId, level, area, industry, violations, prefix);
        vector.Reset(facts.ParcelId, (ParcelLevel)level, area, ScoringModel.DivisionOf(industry),
            (facts.InEcologicalRedLine ?? under?.InEcologicalRedLine) ?? false,
            (facts.RedevelopmentUnderway ?? under?.RedevelopmentUnderway) ?? false,
            (facts.LocallyReported ?? under?.LocallyReported) ?? false);

        ReadMaps(model, facts, vector, violations, prefix, ValueOrigin.Inline);
        if (facts.Row is { } row) ReadRow(row, vector, violations, prefix, ValueOrigin.Inline);
        if (under is not null)
        {
            ReadMaps(model, under, vector, violations, prefix, ValueOrigin.Cache);
            if (under.Row is { } cachedRow) ReadRow(cachedRow, vector, violations, prefix, ValueOrigin.Cache);
        }
        return violations.Count == before;
    }

    // Given values (Inline) are all read and every unknown code is a problem; values laid under them (Cache)
    // fill only what is still empty, and codes the model does not know as that kind are skipped.
    private static void ReadMaps(ScoringModel model, ParcelFacts facts, ParcelVector vector, List<FieldViolation> violations, string prefix, ValueOrigin origin)
    {
        // Empty maps (every columnar row) are skipped without boxing an enumerator.
        if (facts.Indicators.Count > 0) ReadNumbers(model, facts.Indicators, vector, violations, prefix, origin);
        if (facts.Categories.Count > 0) ReadCategories(model, facts.Categories, vector, violations, prefix, origin);
        if (facts.Vetoes.Count > 0) ReadVetoes(model, facts.Vetoes, vector, violations, prefix, origin);
    }

    private static void ReadNumbers(ScoringModel model, IReadOnlyDictionary<string, double> values, ParcelVector vector, List<FieldViolation> violations,
        string prefix, ValueOrigin origin)
    {
        var given = origin == ValueOrigin.Inline;
        foreach (var (code, value) in values)
        {
            if (!model.IndicatorsByCode.TryGetValue(code, out var ind) || ind.IsCategorical)
            {
                if (!given) continue;
                violations.Add(new(Field(prefix, "indicators", code), ind is null
                    ? $"unknown indicator '{code}'; valid numeric indicators: {string.Join(", ", model.NumericCodes)}"
                    : $"'{code}' is categorical: send its category key in categories"));
                continue;
            }
            if (!given && vector.ValueOrigins[ind.Index] != ValueOrigin.None) continue;
            if (CheckNumber(ind, value) is { } reason) violations.Add(new(Field(prefix, "indicators", code), reason));
            else Set(vector, ind.Index, value, origin);
        }

    }

    private static void ReadCategories(ScoringModel model, IReadOnlyDictionary<string, string> keys, ParcelVector vector, List<FieldViolation> violations,
        string prefix, ValueOrigin origin)
    {
        var given = origin == ValueOrigin.Inline;
        foreach (var (code, key) in keys)
        {
            if (!model.IndicatorsByCode.TryGetValue(code, out var ind) || !ind.IsCategorical)
            {
                if (!given) continue;
                violations.Add(new(Field(prefix, "categories", code), ind is null
                    ? $"unknown categorical indicator '{code}'; valid: {string.Join(", ", model.CategoricalCodes)}"
                    : $"'{code}' is numeric: send its value in indicators"));
                continue;
            }
            if (!given && vector.ValueOrigins[ind.Index] != ValueOrigin.None) continue;
            if (CheckCategory(ind, key, out var ordinal) is { } reason) violations.Add(new(Field(prefix, "categories", code), reason));
            else Set(vector, ind.Index, ordinal, origin);
        }

    }

    private static void ReadVetoes(ScoringModel model, IReadOnlyDictionary<string, bool> answers, ParcelVector vector, List<FieldViolation> violations,
        string prefix, ValueOrigin origin)
    {
        var given = origin == ValueOrigin.Inline;
        foreach (var (code, met) in answers)
        {
            if (!model.VetoesByCode.TryGetValue(code, out var veto))
            {
                if (given) violations.Add(new(Field(prefix, "vetoes", code), UnknownVeto(model, code)));
                continue;
            }
            if (!given && vector.VetoOrigins[veto.Index] != ValueOrigin.None) continue;
            vector.Vetoes[veto.Index] = met ? VetoAnswer.Met : VetoAnswer.Failed;
            vector.VetoOrigins[veto.Index] = origin;
        }
    }

    // A columnar row: codes were resolved once for the block. Given (Inline) values are named by their column, relative
    // to the row; values laid under (Cache) fill only what is still empty and are named by their code, as in map form.
    private static void ReadRow(ParcelRowValues row, ParcelVector vector, List<FieldViolation> violations, string prefix, ValueOrigin origin)
    {
        var layout = row.Layout;
        var given = origin == ValueOrigin.Inline;
        // A bad column name makes every row unreadable: each row reports it (paths name the block's column).
        if (given && layout.CodeViolations.Count > 0) violations.AddRange(layout.CodeViolations);
        var numbers = layout.NumberSlots;
        var categories = layout.CategorySlots;
        var vetoes = layout.VetoSlots;

        var values = row.Values.Span;
        if (values.Length is not 0 && values.Length != numbers.Length)
            violations.Add(new(prefix + "values", $"has {values.Length} values for {numbers.Length} indicator_codes"));
        else
            for (var i = 0; i < values.Length; i++)
            {
                var v = values[i];
                if (double.IsNaN(v) || numbers[i] is not { } ind || (!given && vector.ValueOrigins[ind.Index] != ValueOrigin.None)) continue;
                if (CheckNumber(ind, v) is { } reason)
                    violations.Add(given ? new($"{prefix}values[{i}]", $"{ind.Code}: {reason}") : new(Field(prefix, "indicators", ind.Code), reason));
                else Set(vector, ind.Index, v, origin);
            }

        var keys = row.Categories.Span;
        if (keys.Length is not 0 && keys.Length != categories.Length)
            violations.Add(new(prefix + "categories", $"has {keys.Length} keys for {categories.Length} category_codes"));
        else
            for (var i = 0; i < keys.Length; i++)
            {
                var key = keys[i];
                if (string.IsNullOrEmpty(key) || categories[i] is not { } ind || (!given && vector.ValueOrigins[ind.Index] != ValueOrigin.None)) continue;
                if (CheckCategory(ind, key, out var ordinal) is { } reason)
                    violations.Add(new(given ? $"{prefix}categories[{i}]" : Field(prefix, "categories", ind.Code), reason));
                else Set(vector, ind.Index, ordinal, origin);
            }

        var answers = row.Vetoes.Span;
        if (answers.Length is not 0 && answers.Length != vetoes.Length)
            violations.Add(new(prefix + "vetoes", $"has {answers.Length} answers for {vetoes.Length} veto_codes"));
        else
            for (var i = 0; i < answers.Length; i++)
            {
                var answer = answers[i];
                if (answer > VetoAnswer.Failed) violations.Add(new($"{prefix}vetoes[{i}]", $"{(int)answer} is not a VetoAnswer value"));
                else if (answer != VetoAnswer.Unknown && vetoes[i] is { } veto && (given || vector.VetoOrigins[veto.Index] == ValueOrigin.None))
                {
                    vector.Vetoes[veto.Index] = answer;
                    vector.VetoOrigins[veto.Index] = origin;
                }
            }
    }

    private static void Set(ParcelVector vector, int index, double value, ValueOrigin origin)
    {
        vector.Values[index] = value;
        vector.ValueOrigins[index] = origin;
    }

    /// <summary>
    /// The largest area a parcel may have, in 亩 (100,000 亩 ≈ 66.7 km², far beyond any one industrial parcel), so that
    /// areas and their sums in roll-ups stay ordinary finite numbers.
    /// </summary>
    public const double MaxAreaMu = 100_000;

    /// <summary>Checks the parcel's own fields: id, level, area (0 to <see cref="MaxAreaMu"/>) and industry code.</summary>
    public static void CheckAttributes(string parcelId, int level, double areaMu, string? industryCode, List<FieldViolation> violations, string prefix)
    {
        if (ParcelIdProblem(parcelId) is { } idProblem) violations.Add(new(prefix + "parcel_id", idProblem));
        if (level is < (int)ParcelLevel.Unspecified or > (int)ParcelLevel.Scattered)
            violations.Add(new(prefix + "level", $"{level} is not a Level value (0 unspecified, 1 park, 2 community, 3 scattered)"));
        if (!double.IsFinite(areaMu)) violations.Add(new(prefix + "area_mu", "must be a finite number"));
        else if (areaMu < 0) violations.Add(new(prefix + "area_mu", $"must not be negative, got {F(areaMu)}"));
        else if (areaMu > MaxAreaMu) violations.Add(new(prefix + "area_mu", $"must be at most {F(MaxAreaMu)} 亩, got {F(areaMu)}"));
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

/// <summary>
/// The codes of a columnar block resolved once against a model; a code the model does not know (as that
/// kind) is a problem of the block, which every row reports.
/// </summary>
public sealed class ColumnLayout
{
    /// <summary>Resolves a block's codes against <paramref name="model"/>; problems are named under <paramref name="prefix"/> (e.g. "columns.").</summary>
    public ColumnLayout(ScoringModel model, IReadOnlyList<string> numericCodes, IReadOnlyList<string> categoryCodes, IReadOnlyList<string> vetoCodes,
        string prefix = "")
    {
        var problems = new List<FieldViolation>();
        var numbers = new IndicatorDefinition?[numericCodes.Count];
        for (var i = 0; i < numbers.Length; i++)
        {
            var code = numericCodes[i];
            if (model.IndicatorsByCode.TryGetValue(code, out var ind) && !ind.IsCategorical) numbers[i] = ind;
            else problems.Add(new($"{prefix}indicator_codes[{i}]", $"'{code}' is not a numeric indicator of model {model.Version}; valid: {string.Join(", ", model.NumericCodes)}"));
        }
        var categories = new IndicatorDefinition?[categoryCodes.Count];
        for (var i = 0; i < categories.Length; i++)
        {
            var code = categoryCodes[i];
            if (model.IndicatorsByCode.TryGetValue(code, out var ind) && ind.IsCategorical) categories[i] = ind;
            else problems.Add(new($"{prefix}category_codes[{i}]", $"'{code}' is not a categorical indicator of model {model.Version}; valid: {string.Join(", ", model.CategoricalCodes)}"));
        }
        var vetoes = new VetoDefinition?[vetoCodes.Count];
        for (var i = 0; i < vetoes.Length; i++)
        {
            if (model.VetoesByCode.TryGetValue(vetoCodes[i], out var veto)) vetoes[i] = veto;
            else problems.Add(new($"{prefix}veto_codes[{i}]", ParcelReader.UnknownVeto(model, vetoCodes[i])));
        }
        Model = model;
        NumberSlots = numbers;
        CategorySlots = categories;
        VetoSlots = vetoes;
        CodeViolations = problems;
    }

    // The reader indexes these arrays directly (an array read through IReadOnlyList costs an interface call per value).
    internal IndicatorDefinition?[] NumberSlots { get; }
    internal IndicatorDefinition?[] CategorySlots { get; }
    internal VetoDefinition?[] VetoSlots { get; }

    /// <summary>The model the codes were resolved against.</summary>
    public ScoringModel Model { get; }
    /// <summary>Per numeric column, its indicator (null when unknown).</summary>
    public IReadOnlyList<IndicatorDefinition?> Numbers => NumberSlots;
    /// <summary>Per category column, its indicator (null when unknown).</summary>
    public IReadOnlyList<IndicatorDefinition?> Categories => CategorySlots;
    /// <summary>Per veto column, its check (null when unknown).</summary>
    public IReadOnlyList<VetoDefinition?> Vetoes => VetoSlots;
    /// <summary>The codes the model does not know, by column.</summary>
    public IReadOnlyList<FieldViolation> CodeViolations { get; }
}
