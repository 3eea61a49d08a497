using System.Text.Json;

namespace Scoring.Storage.Parcels;

/// <summary>
/// How a feed chunk is merged into the cached parcels it touches, whichever store keeps them: the checks a write must
/// pass, and the rules by which its attributes and values replace the cached ones (an older <c>as_of</c> never wins; on
/// the same date the later receipt does). A store reads the chunk's cached rows, merges here, and writes each row once.
/// </summary>
internal static class ChunkMerge
{
    /// <summary>The attributes a feed may set, as columns; each keeps the as_of of the feed that set it (<c>attributes_as_of</c>, JSON).</summary>
    public static readonly string[] AttributeColumns =
    [
        "name", "enterprise_name", "level", "area_mu", "unit_id", "street", "industry_code", "inside_development_boundary",
        "in_ecological_red_line", "redevelopment_underway", "locally_reported", "geometry",
    ];

    /// <summary>Index of the first of the four yes/no flags in <see cref="AttributeColumns"/>; <c>level</c> is at 2.</summary>
    public const int FirstFlag = 7, LevelColumn = 2;

    /// <summary>Refuses what no store can hold, naming the write: no id, a level out of range, a value that is not finite, an empty code.</summary>
    public static void Check(IReadOnlyList<ParcelWrite> parcels)
    {
        for (var i = 0; i < parcels.Count; i++) CheckWrite(parcels[i], i);
    }

    /// <summary>A slot per parcel of the chunk, in order of first appearance, to be filled with its cached row.</summary>
    public static Dictionary<string, MergedParcel> Keyed(IReadOnlyList<ParcelWrite> parcels)
    {
        var merged = new Dictionary<string, MergedParcel>(parcels.Count, StringComparer.Ordinal);
        foreach (var write in parcels) merged.TryAdd(write.ParcelId, null!);
        return merged;
    }

    /// <summary>Fills the slots no cached row filled: parcels new to the cache start empty.</summary>
    public static void AddUncached(Dictionary<string, MergedParcel> merged)
    {
        foreach (var id in merged.Keys)
            if (merged[id] is null)
                merged[id] = new MergedParcel(id, new object?[AttributeColumns.Length], new string?[AttributeColumns.Length], CurrentValueSet.Empty());
    }

    /// <summary>Merges the chunk into its parcels in order; returns the number of values it brought.</summary>
    public static int Receive(Dictionary<string, MergedParcel> merged, IReadOnlyList<ParcelWrite> parcels, string source, DateOnly asOf,
        DateTimeOffset received, CancellationToken cancellationToken)
    {
        var asOfText = StoredText.Date(asOf);
        var values = 0;
        foreach (var write in parcels)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var parcel = merged[write.ParcelId];
            parcel.Receive(write, asOfText);
            parcel.Values.Receive(write, source, asOf, received);
            values += write.Indicators.Count + write.Categories.Count + write.Vetoes.Count;
        }
        return values;
    }

    private static void CheckWrite(ParcelWrite? write, int index)
    {
        const string param = "parcels";
        if (write is null) throw new ArgumentException($"parcels[{index}] is null.", param);
        if (string.IsNullOrEmpty(write.ParcelId)) throw new ArgumentException($"parcels[{index}] has no parcel id.", param);
        SchemaLimits.CheckLevel(write.Level, $"parcels[{index}]", param);
        SchemaLimits.CheckFinite(write.AreaMu, $"parcels[{index}].area_mu", param);
        ArgumentNullException.ThrowIfNull(write.Indicators, param);
        ArgumentNullException.ThrowIfNull(write.Categories, param);
        ArgumentNullException.ThrowIfNull(write.Vetoes, param);
        foreach (var (code, value) in write.Indicators)
        {
            CheckCode(code, index, param);
            // SQLite would store NaN as NULL and lose the value.
            SchemaLimits.CheckFinite(value, $"parcels[{index}].indicators[\"{code}\"]", param);
        }
        foreach (var (code, key) in write.Categories)
        {
            CheckCode(code, index, param);
            if (key is null) throw new ArgumentException($"parcels[{index}].categories[\"{code}\"] is null.", param);
        }
        foreach (var code in write.Vetoes.Keys) CheckCode(code, index, param);
    }

    private static void CheckCode(string code, int index, string param)
    {
        if (string.IsNullOrEmpty(code)) throw new ArgumentException($"parcels[{index}] has an empty code.", param);
    }
}

// A parcel while a chunk is merged into it: its attributes (as stored: text, integer or real; null when never
// received), the date each was set for, and its current values.
internal sealed class MergedParcel(string id, object?[] attributes, string?[] dates, CurrentValueSet values)
{
    public string Id => id;
    public object?[] Attributes => attributes;
    public CurrentValueSet Values => values;

    // An attribute the write carries replaces the cached one unless that one describes a later date: an old feed
    // replayed late never overwrites newer attributes (on the same date the later write wins). Unset attributes
    // (null) leave the cached ones.
    public void Receive(ParcelWrite write, string asOf)
    {
        for (var i = 0; i < attributes.Length; i++)
        {
            var value = AttributeOf(write, i);
            if (value is null) continue;
            if (dates[i] is { } date && string.CompareOrdinal(asOf, date) < 0) continue;
            attributes[i] = value;
            dates[i] = asOf;
        }
    }

    // attributes_as_of: {"column": "YYYY-MM-DD", …} for the attributes with a date.
    public string DatesJson()
    {
        var json = new System.Text.StringBuilder("{");
        for (var i = 0; i < dates.Length; i++)
        {
            if (dates[i] is not { } date) continue;
            if (json.Length > 1) json.Append(',');
            json.Append('"').Append(ChunkMerge.AttributeColumns[i]).Append("\":\"").Append(JsonEncodedText.Encode(date).Value).Append('"');
        }
        return json.Append('}').ToString();
    }

    // The dates of a cached row; NULL (a parcel written before migration 6) or a null entry leaves an attribute
    // without one, so the next feed sets it.
    public static string?[] ParseDates(string? json)
    {
        var dates = new string?[ChunkMerge.AttributeColumns.Length];
        if (json is null) return dates;
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json));
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1) continue;
            var index = Array.IndexOf(ChunkMerge.AttributeColumns, reader.GetString());
            reader.Read();
            if (index >= 0 && reader.TokenType == JsonTokenType.String) dates[index] = reader.GetString();
            else reader.Skip();
        }
        return dates;
    }

    private static object? AttributeOf(ParcelWrite w, int i) => i switch
    {
        0 => w.Name,
        1 => w.EnterpriseName,
        2 => w.Level is { } level ? (long)level : null,
        3 => w.AreaMu,
        4 => w.UnitId,
        5 => w.Street,
        6 => w.IndustryCode,
        7 => Flag(w.InsideDevelopmentBoundary),
        8 => Flag(w.InEcologicalRedLine),
        9 => Flag(w.RedevelopmentUnderway),
        10 => Flag(w.LocallyReported),
        11 => w.Geometry,
        _ => throw new ArgumentOutOfRangeException(nameof(i)),
    };

    private static object? Flag(bool? value) => value is { } b ? (b ? 1L : 0L) : null;
}
