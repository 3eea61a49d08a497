using System.Collections.ObjectModel;
using Scoring.Engine.Evaluation;

namespace Scoring.Storage.Parcels;

/// <summary>One parcel of a feed chunk: attributes to set (null leaves the cached value as it is) and values received.</summary>
/// <param name="ParcelId">Cadastral id.</param>
public sealed record ParcelWrite(string ParcelId)
{
    /// <summary>Parcel name; null leaves it as it is.</summary>
    public string? Name { get; init; }
    /// <summary>Name of the enterprise on the parcel; null leaves it as it is.</summary>
    public string? EnterpriseName { get; init; }
    /// <summary>Level 0–3 (as <see cref="Scoring.Engine.Model.ParcelLevel"/>); null leaves it as it is.</summary>
    public int? Level { get; init; }
    /// <summary>Area in 亩; null leaves it as it is.</summary>
    public double? AreaMu { get; init; }
    /// <summary>Management unit id; null leaves it as it is.</summary>
    public string? UnitId { get; init; }
    /// <summary>Street (街道); null leaves it as it is.</summary>
    public string? Street { get; init; }
    /// <summary>GB/T 4754 industry code; null leaves it as it is.</summary>
    public string? IndustryCode { get; init; }
    /// <summary>Inside the urban development boundary; null leaves it as it is.</summary>
    public bool? InsideDevelopmentBoundary { get; init; }
    /// <summary>Inside the ecological protection red line; null leaves it as it is.</summary>
    public bool? InEcologicalRedLine { get; init; }
    /// <summary>Redevelopment already under way; null leaves it as it is.</summary>
    public bool? RedevelopmentUnderway { get; init; }
    /// <summary>Reported by its park or street; null leaves it as it is.</summary>
    public bool? LocallyReported { get; init; }
    /// <summary>Geometry text, stored untouched; null leaves it as it is.</summary>
    public string? Geometry { get; init; }
    /// <summary>The coordinate system given beside the geometry; not a column: the feed folds it into the geometry text.</summary>
    public string? Crs { get; init; }
    /// <summary>Numeric indicator code → raw value.</summary>
    public IReadOnlyDictionary<string, double> Indicators { get; init; } = ReadOnlyDictionary<string, double>.Empty;
    /// <summary>Categorical indicator code → category key.</summary>
    public IReadOnlyDictionary<string, string> Categories { get; init; } = ReadOnlyDictionary<string, string>.Empty;
    /// <summary>Veto code → requirement met.</summary>
    public IReadOnlyDictionary<string, bool> Vetoes { get; init; } = ReadOnlyDictionary<string, bool>.Empty;

    /// <summary>What the write says of the parcel, as engine input (to check it against a model before it is stored).</summary>
    public ParcelFacts ToFacts() => new()
    {
        ParcelId = ParcelId,
        Level = Level ?? 0,
        AreaMu = AreaMu ?? 0,
        IndustryCode = IndustryCode,
        UnitId = UnitId,
        Street = Street,
        InsideDevelopmentBoundary = InsideDevelopmentBoundary,
        InEcologicalRedLine = InEcologicalRedLine,
        RedevelopmentUnderway = RedevelopmentUnderway,
        LocallyReported = LocallyReported,
        Indicators = Indicators,
        Categories = Categories,
        Vetoes = Vetoes,
    };
}

/// <summary>What one upsert chunk wrote.</summary>
/// <param name="Parcels">Parcels inserted or updated.</param>
/// <param name="Values">Indicator values, category keys and veto answers recorded.</param>
public readonly record struct UpsertCounts(int Parcels, int Values);

/// <summary>A parcel's cached attributes; null means never received.</summary>
/// <param name="ParcelId">Cadastral id.</param>
/// <param name="Name">Parcel name.</param>
/// <param name="EnterpriseName">Name of the enterprise on the parcel.</param>
/// <param name="Level">Level 0–3 (as <see cref="Scoring.Engine.Model.ParcelLevel"/>).</param>
/// <param name="AreaMu">Area in 亩.</param>
/// <param name="UnitId">Management unit id.</param>
/// <param name="Street">Street (街道).</param>
/// <param name="IndustryCode">GB/T 4754 industry code.</param>
/// <param name="InsideDevelopmentBoundary">Inside the urban development boundary.</param>
/// <param name="InEcologicalRedLine">Inside the ecological protection red line.</param>
/// <param name="RedevelopmentUnderway">Redevelopment already under way.</param>
/// <param name="LocallyReported">Reported by its park or street.</param>
/// <param name="Geometry">Geometry text as received.</param>
/// <param name="CreatedAt">When the parcel first reached the cache.</param>
/// <param name="UpdatedAt">When the parcel last received anything.</param>
public sealed record ParcelAttributes(
    string ParcelId,
    string? Name,
    string? EnterpriseName,
    int? Level,
    double? AreaMu,
    string? UnitId,
    string? Street,
    string? IndustryCode,
    bool? InsideDevelopmentBoundary,
    bool? InEcologicalRedLine,
    bool? RedevelopmentUnderway,
    bool? LocallyReported,
    string? Geometry,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>One received value with its provenance; exactly one of Number, Category and Veto is set.</summary>
/// <param name="Code">Indicator or veto code.</param>
/// <param name="Number">Raw value of a numeric indicator.</param>
/// <param name="Category">Category key of a categorical indicator.</param>
/// <param name="Veto">Veto answer: true when the requirement is met.</param>
/// <param name="Source">The data source that sent it.</param>
/// <param name="AsOf">The date the value describes.</param>
/// <param name="ReceivedAt">When the service received it.</param>
public sealed record CachedValue(string Code, double? Number, string? Category, bool? Veto, string Source, DateOnly AsOf,
    DateTimeOffset ReceivedAt);

/// <summary>
/// A cached parcel: its attributes and the current value of every code, by kind. Values read from the parcel's packed
/// row are unpacked into dictionaries only when asked for; <see cref="ToFacts(CachedLayout)"/> lays them out for the
/// engine without unpacking them.
/// </summary>
public sealed class CachedParcel
{
    private readonly byte[]? _packed;
    private ValueSets? _values;

    /// <summary>A cached parcel with its values already keyed by code.</summary>
    /// <param name="attributes">The parcel's attributes.</param>
    /// <param name="indicators">Numeric indicator code → current value.</param>
    /// <param name="categories">Categorical indicator code → current category key.</param>
    /// <param name="vetoes">Veto code → current answer.</param>
    public CachedParcel(ParcelAttributes attributes, IReadOnlyDictionary<string, CachedValue> indicators,
        IReadOnlyDictionary<string, CachedValue> categories, IReadOnlyDictionary<string, CachedValue> vetoes)
    {
        Attributes = attributes;
        _values = new(indicators, categories, vetoes);
    }

    // A cached parcel whose values are still packed as stored (PackedValues).
    internal CachedParcel(ParcelAttributes attributes, byte[] packed)
    {
        Attributes = attributes;
        _packed = packed;
    }

    /// <summary>No values of a kind.</summary>
    public static IReadOnlyDictionary<string, CachedValue> NoValues { get; } = ReadOnlyDictionary<string, CachedValue>.Empty;

    /// <summary>The parcel's attributes.</summary>
    public ParcelAttributes Attributes { get; }

    /// <summary>Cadastral id.</summary>
    public string ParcelId => Attributes.ParcelId;

    /// <summary>Numeric indicator code → current value.</summary>
    /// <exception cref="StorageFaultException">The stored values are damaged.</exception>
    public IReadOnlyDictionary<string, CachedValue> Indicators => Values.Indicators;

    /// <summary>Categorical indicator code → current category key.</summary>
    /// <exception cref="StorageFaultException">The stored values are damaged.</exception>
    public IReadOnlyDictionary<string, CachedValue> Categories => Values.Categories;

    /// <summary>Veto code → current answer.</summary>
    /// <exception cref="StorageFaultException">The stored values are damaged.</exception>
    public IReadOnlyDictionary<string, CachedValue> Vetoes => Values.Vetoes;

    // Unpacked on first use; a race unpacks twice into equal sets, which is harmless.
    private ValueSets Values => _values ??= Unpack(_packed!);

    private static ValueSets Unpack(byte[] packed)
    {
        var (indicators, categories, vetoes) = PackedValues.Decode(packed);
        return new(indicators.AsReadOnly(), categories.AsReadOnly(), vetoes.AsReadOnly());
    }

    /// <summary>The cached data as engine input; a level or area never received is 0 (unspecified).</summary>
    public ParcelFacts ToFacts() => Attributed() with
    {
        Indicators = new ValueView<double>(Indicators, static v => v.Number!.Value),
        Categories = new ValueView<string>(Categories, static v => v.Category!),
        Vetoes = new ValueView<bool>(Vetoes, static v => v.Veto!.Value),
    };

    /// <summary>
    /// The cached data as engine input, its values laid out in <paramref name="layout"/>'s buffers in model order (codes the
    /// model does not know as that kind are left out). Valid until <paramref name="layout"/> lays out another parcel.
    /// </summary>
    /// <exception cref="StorageFaultException">The stored values are damaged.</exception>
    public ParcelFacts ToFacts(CachedLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        layout.Clear();
        if (_values is null) PackedValues.LayOut(_packed, layout);
        else
        {
            foreach (var (code, v) in _values.Indicators) layout.Number(code, v.Number!.Value);
            foreach (var (code, v) in _values.Categories) layout.Category(code, v.Category!);
            foreach (var (code, v) in _values.Vetoes) layout.Veto(code, v.Veto!.Value);
        }
        return Attributed(layout.Row);
    }

    private ParcelFacts Attributed(ParcelRowValues? row = null) => new()
    {
        Row = row,
        ParcelId = Attributes.ParcelId,
        Level = Attributes.Level ?? 0,
        AreaMu = Attributes.AreaMu ?? 0,
        IndustryCode = Attributes.IndustryCode,
        UnitId = Attributes.UnitId,
        Street = Attributes.Street,
        InsideDevelopmentBoundary = Attributes.InsideDevelopmentBoundary,
        InEcologicalRedLine = Attributes.InEcologicalRedLine,
        RedevelopmentUnderway = Attributes.RedevelopmentUnderway,
        LocallyReported = Attributes.LocallyReported,
    };

    private sealed record ValueSets(IReadOnlyDictionary<string, CachedValue> Indicators, IReadOnlyDictionary<string, CachedValue> Categories,
        IReadOnlyDictionary<string, CachedValue> Vetoes);

    // The cached values as the engine reads them, without copying them into new dictionaries.
    private sealed class ValueView<T>(IReadOnlyDictionary<string, CachedValue> values, Func<CachedValue, T> read) : IReadOnlyDictionary<string, T>
    {
        public T this[string key] => read(values[key]);
        public IEnumerable<string> Keys => values.Keys;
        public IEnumerable<T> Values => values.Values.Select(read);
        public int Count => values.Count;
        public bool ContainsKey(string key) => values.ContainsKey(key);

        public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T value)
        {
            var found = values.TryGetValue(key, out var v);
            value = found ? read(v!) : default;
            return found;
        }

        public IEnumerator<KeyValuePair<string, T>> GetEnumerator()
        {
            foreach (var (code, v) in values) yield return new(code, read(v));
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

/// <summary>How much of a cached parcel a read fetches.</summary>
public enum ParcelParts
{
    /// <summary>Everything: attributes, timestamps and current values.</summary>
    All,
    /// <summary>
    /// What scoring reads: the id, level, area, unit, street, industry code, the four flags, the current values and the
    /// geometry (the outline overlays need). The name and enterprise name are left null and the timestamps at <see cref="DateTimeOffset.MinValue"/>: a scan
    /// of the district then asks SQLite for half the columns.
    /// </summary>
    Scoring,
}

/// <summary>Which parcels a listing returns; null fields do not filter.</summary>
/// <param name="UnitId">Only parcels of this management unit.</param>
/// <param name="Street">Only parcels in this street.</param>
/// <param name="Level">Only parcels of this level.</param>
public sealed record ParcelFilter(string? UnitId = null, string? Street = null, int? Level = null)
{
    /// <summary>Every parcel.</summary>
    public static ParcelFilter None { get; } = new();
}

/// <summary>One page of a parcel listing.</summary>
/// <param name="Parcels">Parcels in id order.</param>
/// <param name="NextPageToken">Token for the next page; null on the last page.</param>
public sealed record ParcelPage(IReadOnlyList<ParcelAttributes> Parcels, string? NextPageToken);
