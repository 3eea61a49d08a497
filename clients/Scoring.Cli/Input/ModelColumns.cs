using Scoring.V1;

namespace Scoring.Cli.Input;

/// <summary>What a column of the input holds.</summary>
internal enum ColumnKind
{
    /// <summary>A ParcelInput field such as parcel_id or level.</summary>
    Attribute,
    /// <summary>A numeric indicator's raw value.</summary>
    Indicator,
    /// <summary>A categorical indicator's category key (or its Chinese name).</summary>
    Category,
    /// <summary>A veto check's answer.</summary>
    Veto,
}

/// <summary>One known column: its kind and the code it stands for (a ParcelInput field name for attributes).</summary>
internal sealed record ColumnRole(ColumnKind Kind, string Code, string? Name = null)
{
    /// <summary>Category key by key or by Chinese name, for categorical indicators.</summary>
    public IReadOnlyDictionary<string, string>? Categories { get; init; }

    /// <summary>How a problem with this column is named: the code, and the header when it differs.</summary>
    public string Describe(string header) =>
        string.Equals(header, Code, StringComparison.OrdinalIgnoreCase) ? Code : $"{header} ({Code})";
}

/// <summary>An element of the model: its code and Chinese name, in model order.</summary>
internal sealed record ModelElement(string Code, string Name);

/// <summary>
/// Which input columns are indicators, categories and vetoes, taken from the model's definitions
/// (ModelService.GetModel); codes and the model's Chinese names are both accepted as headers.
/// </summary>
internal sealed class ModelColumns
{
    /// <summary>The ParcelInput fields an input row may carry, besides the model's codes.</summary>
    public static readonly IReadOnlyList<string> AttributeFields =
    [
        "parcel_id", "level", "area_mu", "industry_code", "unit_id", "street", "name", "enterprise_name", "geometry",
        "inside_development_boundary", "in_ecological_red_line", "redevelopment_underway", "locally_reported",
    ];

    private static readonly IReadOnlyDictionary<string, string> AttributeAliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["宗地编号"] = "parcel_id", ["地块编号"] = "parcel_id", ["层级"] = "level", ["面积"] = "area_mu", ["面积_亩"] = "area_mu",
        ["行业代码"] = "industry_code", ["片区"] = "unit_id", ["街道"] = "street", ["地块名称"] = "name", ["企业名称"] = "enterprise_name",
    };

    private readonly Dictionary<string, ColumnRole> _byHeader = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, ModelElement> _elementOf = new(StringComparer.Ordinal);

    private ModelColumns(string version, IReadOnlyList<ModelElement> elements)
    {
        Version = version;
        Elements = elements;
    }

    /// <summary>The Chinese name of an indicator or veto code, or the code when the model does not name it.</summary>
    public string NameOf(string code) => _byHeader.TryGetValue(code, out var role) && role.Name is { Length: > 0 } name ? name : code;

    /// <summary>The model version the classification comes from.</summary>
    public string Version { get; }

    /// <summary>The model's elements in model order (the output's element columns).</summary>
    public IReadOnlyList<ModelElement> Elements { get; }

    /// <summary>
    /// The role of a header, or null when the model does not know it. Besides codes and names, an
    /// indicator may be named under its element, as a two-level (Table 1) header flattens:
    /// "土地利用/容积率", "land.far", "经济效益：地均税收".
    /// </summary>
    public ColumnRole? Find(string header)
    {
        var key = header.Trim().TrimStart('\uFEFF');
        if (_byHeader.TryGetValue(key, out var role)) return role;
        var cut = key.IndexOfAny(ElementSeparators);
        if (cut <= 0 || cut == key.Length - 1) return null;
        var element = key[..cut].Trim();
        if (!_byHeader.TryGetValue(key[(cut + 1)..].Trim(), out role) || role.Kind is not (ColumnKind.Indicator or ColumnKind.Category)) return null;
        return _elementOf.TryGetValue(role.Code, out var owner) && (string.Equals(owner.Code, element, StringComparison.OrdinalIgnoreCase) || owner.Name == element)
            ? role
            : null;
    }

    /// <summary>
    /// The role of a Shapefile field: as <see cref="Find"/>, else, for a name cut to the dBASE limit of 10 characters, the
    /// one code or field that starts with it ("registrati" → registration_status; "wastewater" starts two codes: none).
    /// </summary>
    public ColumnRole? FindField(string field)
    {
        if (Find(field) is { } role) return role;
        if (field.Length != 10) return null;
        var starting = _byHeader.Where(kv => kv.Key.StartsWith(field, StringComparison.OrdinalIgnoreCase)).Select(kv => kv.Value).Distinct().ToList();
        return starting.Count == 1 ? starting[0] : null;
    }

    /// <summary>The known header closest to an unknown one ("farr" → "far"), for a "did you mean" hint; null when none is close.</summary>
    public string? Closest(string header) => _closest.GetOrAdd(header, h => Terminal.DidYouMean.Closest(h, _byHeader.Keys));

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string?> _closest = new(StringComparer.Ordinal);

    private static readonly char[] ElementSeparators = ['/', '.', ':', '：', '·', '|'];

    /// <summary>The columns of a model, from its definitions as ModelService.GetModel lists them.</summary>
    public static ModelColumns From(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var elements = model.Elements.Select(e => new ModelElement(e.Code, e.Name)).ToList();
        var columns = new ModelColumns(model.Version, elements);

        foreach (var field in AttributeFields)
        {
            var role = new ColumnRole(ColumnKind.Attribute, field);
            columns.Add(field, role);
            var camel = Camel(field);
            if (camel != field) columns.Add(camel, role);
        }
        foreach (var (alias, field) in AttributeAliases) columns.Add(alias, new ColumnRole(ColumnKind.Attribute, field));

        var elementByCode = elements.ToDictionary(e => e.Code, StringComparer.Ordinal);
        foreach (var indicator in model.Indicators)
        {
            var role = indicator.Kind == IndicatorKind.Category
                ? new ColumnRole(ColumnKind.Category, indicator.Code, indicator.Name) { Categories = CategoryKeys(indicator) }
                : new ColumnRole(ColumnKind.Indicator, indicator.Code, indicator.Name);
            columns.Add(indicator.Code, role);
            columns.Add(indicator.Name, role);
            if (elementByCode.TryGetValue(indicator.Element, out var element)) columns._elementOf[indicator.Code] = element;
        }
        foreach (var veto in model.Vetoes)
        {
            var role = new ColumnRole(ColumnKind.Veto, veto.Code, veto.Name);
            columns.Add(veto.Code, role);
            columns.Add(veto.Name, role);
        }
        return columns;
    }

    // A category cell may hold the key or the category's Chinese name.
    private static Dictionary<string, string> CategoryKeys(IndicatorDefinition indicator)
    {
        var keys = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var category in indicator.Categories) keys.TryAdd(category.Key, category.Key);
        foreach (var category in indicator.Categories)
            if (category.Name.Length > 0) keys.TryAdd(category.Name, category.Key);
        return keys;
    }

    private void Add(string header, ColumnRole role)
    {
        if (header.Length > 0) _byHeader.TryAdd(header, role);
    }

    private static string Camel(string snake)
    {
        var parts = snake.Split('_');
        return parts[0] + string.Concat(parts.Skip(1).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }
}
