using System.Globalization;
using Scoring.V1;

namespace Scoring.Cli.Input;

/// <summary>One row of the input: the parcel read from it, or why it could not be read.</summary>
/// <param name="Number">1-based data row (the header is not counted); the line number for JSON Lines.</param>
/// <param name="ParcelId">The parcel_id cell as given (may be empty).</param>
/// <param name="Parcel">The parcel, when the row could be read.</param>
/// <param name="Error">Why the row could not be read, naming the column.</param>
/// <param name="Geometry">The geometry cell, kept beside the parcel for GeoJSON output.</param>
internal sealed record InputRow(long Number, string ParcelId, ParcelInput? Parcel, string? Error, string? Geometry)
{
    /// <summary>Whether the row was read.</summary>
    public bool IsReadable => Parcel is not null;
}

/// <summary>Turns the cells of one row, header by header, into a <see cref="ParcelInput"/>.</summary>
internal sealed class ParcelRowBuilder(ModelColumns columns, bool keepGeometryInParcel)
{
    private static readonly string[] TrueWords = ["yes", "y", "1", "true", "t", "是", "√"];
    private static readonly string[] FalseWords = ["no", "n", "0", "false", "f", "否", "×"];

    private readonly ParcelInput _parcel = new();
    private readonly List<string> _problems = [];
    private string _parcelId = "";
    private string? _geometry;

    /// <summary>Starts a new row.</summary>
    public void Reset()
    {
        _parcel.Indicators.Clear();
        _parcel.Categories.Clear();
        _parcel.Vetoes.Clear();
        ClearAttributes();
        _problems.Clear();
        _parcelId = "";
        _geometry = null;
    }

    /// <summary>Applies one cell; an empty cell means "no value".</summary>
    public void Set(string header, ColumnRole? role, string? cell)
    {
        var text = cell?.Trim() ?? "";
        if (role is null)
        {
            if (text.Length > 0)
                _problems.Add($"column '{header}': unknown column (not a ParcelInput field, nor an indicator, category or veto of model {columns.Version})" +
                              (columns.Closest(header) is { } close ? $"; did you mean '{close}'?" : ""));
            return;
        }
        if (role is { Kind: ColumnKind.Attribute, Code: "parcel_id" }) _parcelId = text;
        if (text.Length == 0) return;

        switch (role.Kind)
        {
            case ColumnKind.Indicator:
                if (TryNumber(text, out var value)) _parcel.Indicators[role.Code] = value;
                else Problem(header, role, $"'{text}' is not a number");
                break;
            case ColumnKind.Category:
                _parcel.Categories[role.Code] = role.Categories!.TryGetValue(text, out var key) ? key : text;
                break;
            case ColumnKind.Veto:
                if (TryYesNo(text, out var met)) _parcel.Vetoes[role.Code] = met;
                else Problem(header, role, $"'{text}' is not yes/no (yes/no, y/n, 1/0, true/false, 是/否)");
                break;
            default:
                SetAttribute(header, role, text);
                break;
        }
    }

    /// <summary>The finished row (a copy: the builder is reused for the next one).</summary>
    public InputRow Build(long number)
    {
        if (_problems.Count > 0) return new InputRow(number, _parcelId, null, string.Join("; ", _problems), _geometry);
        var parcel = _parcel.Clone();
        parcel.ParcelId = _parcelId;
        if (!keepGeometryInParcel) parcel.Geometry = "";
        return new InputRow(number, _parcelId, parcel, null, _geometry);
    }

    /// <summary>A row whose problem was found before its cells, such as malformed JSON.</summary>
    public static InputRow Unreadable(long number, string parcelId, string reason) => new(number, parcelId, null, reason, null);

    private void SetAttribute(string header, ColumnRole role, string text)
    {
        switch (role.Code)
        {
            case "parcel_id": break;
            case "level":
                if (TryLevel(text, out var level)) _parcel.Level = level;
                else Problem(header, role, $"'{text}' is not a level (PARK, COMMUNITY or SCATTERED)");
                break;
            case "area_mu":
                if (TryNumber(text, out var area)) _parcel.AreaMu = area;
                else Problem(header, role, $"'{text}' is not a number");
                break;
            case "industry_code": _parcel.IndustryCode = text; break;
            case "unit_id": _parcel.UnitId = text; break;
            case "street": _parcel.Street = text; break;
            case "name": _parcel.Name = text; break;
            case "enterprise_name": _parcel.EnterpriseName = text; break;
            case "geometry":
                _geometry = text;
                _parcel.Geometry = text;
                break;
            case "inside_development_boundary": Flag(header, role, text, v => _parcel.InsideDevelopmentBoundary = v); break;
            case "in_ecological_red_line": Flag(header, role, text, v => _parcel.InEcologicalRedLine = v); break;
            case "redevelopment_underway": Flag(header, role, text, v => _parcel.RedevelopmentUnderway = v); break;
            case "locally_reported": Flag(header, role, text, v => _parcel.LocallyReported = v); break;
        }
    }

    private void Flag(string header, ColumnRole role, string text, Action<bool> set)
    {
        if (TryYesNo(text, out var value)) set(value);
        else Problem(header, role, $"'{text}' is not yes/no (yes/no, y/n, 1/0, true/false, 是/否)");
    }

    private void Problem(string header, ColumnRole role, string description) => _problems.Add($"{role.Describe(header)}: {description}");

    private void ClearAttributes()
    {
        _parcel.Level = Level.Unspecified;
        _parcel.AreaMu = 0;
        _parcel.IndustryCode = "";
        _parcel.UnitId = "";
        _parcel.Street = "";
        _parcel.Name = "";
        _parcel.EnterpriseName = "";
        _parcel.Geometry = "";
        _parcel.ClearInsideDevelopmentBoundary();
        _parcel.ClearInEcologicalRedLine();
        _parcel.ClearRedevelopmentUnderway();
        _parcel.ClearLocallyReported();
    }

    /// <summary>A finite number in invariant notation ("1.5", "-3", "2e3").</summary>
    public static bool TryNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>yes/no, y/n, 1/0, true/false, 是/否 (case-insensitive).</summary>
    public static bool TryYesNo(string text, out bool value)
    {
        foreach (var w in TrueWords)
            if (string.Equals(text, w, StringComparison.OrdinalIgnoreCase)) { value = true; return true; }
        foreach (var w in FalseWords)
            if (string.Equals(text, w, StringComparison.OrdinalIgnoreCase)) { value = false; return true; }
        value = false;
        return false;
    }

    /// <summary>PARK/COMMUNITY/SCATTERED, with or without the LEVEL_ prefix, or the Chinese names.</summary>
    public static bool TryLevel(string text, out Level level)
    {
        var t = text.Trim().ToUpperInvariant();
        if (t.StartsWith("LEVEL_", StringComparison.Ordinal)) t = t[6..];
        level = t switch
        {
            "PARK" or "工业园区" or "园区" => Level.Park,
            "COMMUNITY" or "工业社区" or "社区" => Level.Community,
            "SCATTERED" or "零星工业地块" or "零星" => Level.Scattered,
            "UNSPECIFIED" => Level.Unspecified,
            _ => (Level)(-1),
        };
        return (int)level >= 0;
    }
}
