namespace Scoring.Testing;

/// <summary>Copies of a parcel's values (indicator values, category keys, CSV cells) with some changed, added or left out.</summary>
public static class ValueMapEdits
{
    /// <summary>A copy with some values changed or added.</summary>
    public static Dictionary<string, TValue> With<TValue>(this IReadOnlyDictionary<string, TValue> values, params (string Code, TValue Value)[] changes)
    {
        var copy = new Dictionary<string, TValue>(values);
        foreach (var (code, value) in changes) copy[code] = value;
        return copy;
    }

    /// <summary>A copy with some values left out.</summary>
    public static Dictionary<string, TValue> Without<TValue>(this IReadOnlyDictionary<string, TValue> values, params string[] codes)
    {
        var copy = new Dictionary<string, TValue>(values);
        foreach (var code in codes) copy.Remove(code);
        return copy;
    }
}
