namespace Scoring.Engine.Curves;

/// <summary>Maps the category keys of a categorical indicator to utilities.</summary>
public sealed class CategoryMap
{
    private readonly string[] _keys;
    private readonly double[] _utilities;
    private readonly Dictionary<string, int> _ordinals;

    /// <summary>Creates a map; keys must be unique.</summary>
    public CategoryMap(IReadOnlyList<string> keys, IReadOnlyList<string> names, IReadOnlyList<double> utilities)
    {
        _keys = [.. keys];
        Names = [.. names];
        _utilities = [.. utilities];
        _ordinals = new Dictionary<string, int>(_keys.Length, StringComparer.Ordinal);
        for (var i = 0; i < _keys.Length; i++) _ordinals.Add(_keys[i], i);
    }

    /// <summary>The category keys, in model order.</summary>
    public IReadOnlyList<string> Keys => _keys;

    /// <summary>The Chinese names, in model order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The utilities, in model order.</summary>
    public IReadOnlyList<double> Utilities => _utilities;

    /// <summary>The ordinal of a key, or -1 when the key is not one of the model's.</summary>
    public int OrdinalOf(string key) => _ordinals.TryGetValue(key, out var i) ? i : -1;

    /// <summary>The utility of the category with the given ordinal.</summary>
    public double UtilityOf(int ordinal) => _utilities[ordinal];
}
