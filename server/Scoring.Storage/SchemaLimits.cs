namespace Scoring.Storage;

/// <summary>What the schema cannot hold, checked before a write so that a bad row names itself.</summary>
internal static class SchemaLimits
{
    /// <summary>Levels are 0–3 (as <see cref="Scoring.Engine.Model.ParcelLevel"/>); null is "leave as it is".</summary>
    internal static void CheckLevel(int? level, string what, string param)
    {
        if (level is < 0 or > 3) throw new ArgumentException($"{what}.level must be 0 to 3, got {level}.", param);
    }

    /// <summary>SQLite would store NaN as NULL and lose the value, and JSON has no infinities.</summary>
    internal static void CheckFinite(double? value, string what, string param)
    {
        if (value is { } v && !double.IsFinite(v)) throw new ArgumentException($"{what} must be a finite number.", param);
    }
}
