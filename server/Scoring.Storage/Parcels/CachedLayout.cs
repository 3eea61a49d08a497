using System.Text;
using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;

namespace Scoring.Storage.Parcels;

/// <summary>
/// A model's codes, for laying cached parcels out the way the engine reads them (<see cref="CachedParcel.ToFacts(CachedLayout)"/>):
/// each stored value goes straight to its model slot, with no string or dictionary per value. Codes the model does not
/// know, or knows as another kind, are left out. Holds buffers reused from parcel to parcel, so it belongs to one
/// evaluation pass: not thread-safe, and the facts it lays out are valid until the next parcel is laid out.
/// </summary>
public sealed class CachedLayout
{
    private const byte NumericKind = 0, CategoryKind = 1, VetoKind = 2; // as PackedValues.Kinds

    private readonly Dictionary<string, (byte Kind, int Column)> _columns = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (byte Kind, int Column)>.AlternateLookup<ReadOnlySpan<char>> _columnsBySpan;
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _keysBySpan;
    private readonly double[] _numbers;
    private readonly string[] _categories;
    private readonly VetoAnswer[] _vetoes;
    private int[] _strings = new int[64];

    /// <summary>Resolves every code of <paramref name="model"/> once.</summary>
    public CachedLayout(ScoringModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var vetoCodes = model.Vetoes.Select(v => v.Code).ToArray();
        Layout = new ColumnLayout(model, model.NumericCodes, model.CategoricalCodes, vetoCodes);
        for (var i = 0; i < model.NumericCodes.Length; i++) _columns[model.NumericCodes[i]] = (NumericKind, i);
        for (var i = 0; i < model.CategoricalCodes.Length; i++) _columns[model.CategoricalCodes[i]] = (CategoryKind, i);
        for (var i = 0; i < vetoCodes.Length; i++) _columns[vetoCodes[i]] = (VetoKind, i);
        foreach (var indicator in model.Indicators)
            if (indicator.Categories is { } categories) _keys.UnionWith(categories.Keys);
        _columnsBySpan = _columns.GetAlternateLookup<ReadOnlySpan<char>>();
        _keysBySpan = _keys.GetAlternateLookup<ReadOnlySpan<char>>();
        LongestText = _columns.Keys.Concat(_keys).Select(Encoding.UTF8.GetByteCount).DefaultIfEmpty(0).Max();
        _numbers = new double[model.NumericCodes.Length];
        _categories = new string[model.CategoricalCodes.Length];
        _vetoes = new VetoAnswer[vetoCodes.Length];
    }

    /// <summary>The model's codes as columns: numeric indicators, categorical indicators and vetoes, in model order.</summary>
    public ColumnLayout Layout { get; }

    // The longest code or category key the model knows, in UTF-8 bytes: a longer stored text matches none.
    internal int LongestText { get; }

    // Empties the buffers for the next parcel.
    internal void Clear()
    {
        Array.Fill(_numbers, double.NaN);
        Array.Clear(_categories);
        Array.Clear(_vetoes);
    }

    // The buffers as one row of values, read by the engine under the given ones.
    internal ParcelRowValues Row => new(Layout, _numbers, _categories, _vetoes);

    // Positions of a packed value set's strings (start, length), reused.
    internal Span<int> StringPositions(int count)
    {
        if (_strings.Length < 2 * count) _strings = new int[Math.Max(2 * count, 2 * _strings.Length)];
        return _strings.AsSpan(0, 2 * count);
    }

    internal void Number(ReadOnlySpan<char> code, double value)
    {
        if (Column(code, NumericKind) is var column and >= 0) _numbers[column] = value;
    }

    internal void Category(ReadOnlySpan<char> code, ReadOnlySpan<char> key)
    {
        // A key the model knows is its own string instance; another is kept as it is, so the reader names it.
        if (Column(code, CategoryKind) is var column and >= 0) _categories[column] = _keysBySpan.TryGetValue(key, out var known) ? known : key.ToString();
    }

    internal void Veto(ReadOnlySpan<char> code, bool met)
    {
        if (Column(code, VetoKind) is var column and >= 0) _vetoes[column] = met ? VetoAnswer.Met : VetoAnswer.Failed;
    }

    private int Column(ReadOnlySpan<char> code, byte kind) =>
        _columnsBySpan.TryGetValue(code, out var found) && found.Kind == kind ? found.Column : -1;
}
