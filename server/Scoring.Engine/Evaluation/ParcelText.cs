namespace Scoring.Engine.Evaluation;

/// <summary>
/// The length caps and character rules of free-text fields: parcels' names, streets, units and geometry, and the
/// notes, sources and expert names kept with data and models. Control characters (U+0000–U+001F, U+007F–U+009F:
/// NUL, ESC, …) are refused everywhere but in multi-line text (geometry, notes), which may hold tabs and line breaks.
/// </summary>
public static class ParcelText
{
    /// <summary>Longest management unit id (as a parcel id).</summary>
    public const int MaxUnitIdLength = ParcelReader.MaxParcelIdLength;
    /// <summary>Longest street name.</summary>
    public const int MaxStreetLength = 128;
    /// <summary>Longest parcel or unit name.</summary>
    public const int MaxNameLength = 256;
    /// <summary>Longest enterprise name.</summary>
    public const int MaxEnterpriseNameLength = 256;
    /// <summary>Longest geometry text (GeoJSON), in characters: 1 Mi.</summary>
    public const int MaxGeometryLength = 1 << 20;
    /// <summary>Longest note kept with a model version or an activation.</summary>
    public const int MaxNoteLength = 2048;
    /// <summary>Longest expert name of a judgment matrix.</summary>
    public const int MaxExpertLength = 128;

    /// <summary>
    /// What is wrong with a text value (too long, or holding control characters), or null when nothing is; an empty
    /// or null value is never wrong here (whether a field is required is the caller's rule).
    /// </summary>
    public static string? Problem(string? value, int maxLength, bool multiLine = false)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (value.Length > maxLength) return $"is {value.Length} characters long; at most {maxLength} are allowed";
        var at = value.AsSpan().IndexOfAny(multiLine ? ControlsButLineBreaks : Controls);
        return at < 0 ? null : $"must not contain control characters (U+{(int)value[at]:X4} at position {at})";
    }

    /// <summary>Adds a violation of <paramref name="prefix"/><paramref name="field"/> when <see cref="Problem"/> finds one.</summary>
    public static void Check(string field, string? value, int maxLength, List<FieldViolation> violations, string prefix = "", bool multiLine = false)
    {
        if (Problem(value, maxLength, multiLine) is { } problem) violations.Add(new(prefix + field, problem));
    }

    /// <summary>Checks the text a parcel given for evaluation carries into its history: unit id and street.</summary>
    public static void Check(ParcelFacts facts, List<FieldViolation> violations, string prefix = "")
    {
        Check("unit_id", facts.UnitId, MaxUnitIdLength, violations, prefix);
        Check("street", facts.Street, MaxStreetLength, violations, prefix);
    }

    private static readonly char[] ControlCharacters =
        [.. Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7f, 0x21)).Select(c => (char)c)];

    private static readonly System.Buffers.SearchValues<char> Controls = System.Buffers.SearchValues.Create(ControlCharacters);

    // Multi-line text may hold tab, line feed and carriage return.
    private static readonly System.Buffers.SearchValues<char> ControlsButLineBreaks =
        System.Buffers.SearchValues.Create([.. ControlCharacters.Where(c => c is not ('\t' or '\n' or '\r'))]);
}
