using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Scoring.Storage.Parcels;

/// <summary>
/// One parcel's current values while a feed chunk is written: read from its packed row (layout version 1 of
/// <see cref="PackedValues"/>), merged with the values the chunk brings, and packed again, so that the chunk writes
/// each parcel's row once instead of keeping a row per value current.
/// </summary>
/// <remarks>
/// The rule is the value log's: per kind and code, a received value replaces the current one unless the current one
/// describes a later date. Every value a chunk brings was received after every value already stored, so on the same
/// date the chunk's value wins, and within a chunk the later occurrence of a parcel wins.
/// </remarks>
internal sealed class CurrentValueSet
{
    private const byte Version = 1;

    // Kind numbers as packed: 0 numeric, 1 category, 2 veto. Values are packed in the order the value table was read
    // in before (kind name, then code): category, numeric, veto.
    private static readonly int[] KindRank = [1, 0, 2];

    private readonly List<CurrentValue> _values;
    // (kind, code) → index in _values; built when a chunk's values meet values already there.
    private Dictionary<(byte Kind, string Code), int>? _index;

    private CurrentValueSet(List<CurrentValue> values) => _values = values;

    /// <summary>A parcel with no current values yet.</summary>
    public static CurrentValueSet Empty() => new([]);

    /// <summary>Reads a parcel's packed row (through <see cref="PackedValues.Decode"/>, the one reader of the layout).</summary>
    /// <exception cref="StorageFaultException">The bytes are not packed values this build can read (a damaged row).</exception>
    public static CurrentValueSet Read(ReadOnlySpan<byte> packed)
    {
        var (indicators, categories, vetoes) = PackedValues.Decode(packed);
        var set = new CurrentValueSet(new List<CurrentValue>(indicators.Count + categories.Count + vetoes.Count + 8));
        foreach (var v in indicators.Values) set.Add(0, v);
        foreach (var v in categories.Values) set.Add(1, v);
        foreach (var v in vetoes.Values) set.Add(2, v);
        return set;
    }

    /// <summary>Takes in one parcel's values of a chunk, received now, by the rule above.</summary>
    public void Receive(ParcelWrite write, string source, DateOnly asOf, DateTimeOffset receivedAt)
    {
        var day = asOf.DayNumber;
        var ticks = receivedAt.UtcTicks;
        // A parcel met for the first time: its codes are unique per kind (dictionary keys), nothing to look up.
        var fresh = _values.Count == 0;
        if (!fresh) EnsureIndex();
        foreach (var (code, number) in write.Indicators) Put(fresh, new(0, code, number, null, false, source, day, ticks));
        foreach (var (code, category) in write.Categories) Put(fresh, new(1, code, 0, category, false, source, day, ticks));
        foreach (var (code, veto) in write.Vetoes) Put(fresh, new(2, code, 0, null, veto, source, day, ticks));
    }

    /// <summary>Adds one value as it was stored (a migration packing rows of the old value table).</summary>
    public void Add(int kind, CachedValue value) => _values.Add(new((byte)kind, value.Code, value.Number ?? 0, value.Category,
        value.Veto ?? false, value.Source, value.AsOf.DayNumber, value.ReceivedAt.UtcTicks));

    /// <summary>Packs the set in layout version 1, ordered by kind name and code; byte for byte what <see cref="PackedValues.Encode"/> writes for the same order.</summary>
    /// <param name="scratch">Reused from parcel to parcel of a chunk.</param>
    public byte[] Encode(PackingScratch scratch)
    {
        Sort();
        var strings = scratch.Strings;
        strings.Clear();
        int Index(string s)
        {
            if (!strings.TryGetValue(s, out var i)) strings.Add(s, i = strings.Count);
            return i;
        }
        foreach (var v in _values)
        {
            Index(v.Code);
            Index(v.Source);
            if (v.Kind == 1) Index(v.Category!);
        }

        var buffer = scratch.Buffer;
        buffer.ResetWrittenCount();
        PackedValues.Byte(buffer, Version);
        PackedValues.VarInt(buffer, strings.Count);
        foreach (var s in strings.Keys)
        {
            var bytes = Encoding.UTF8.GetByteCount(s);
            PackedValues.VarInt(buffer, bytes);
            Encoding.UTF8.GetBytes(s, buffer.GetSpan(bytes));
            buffer.Advance(bytes);
        }
        PackedValues.VarInt(buffer, _values.Count);
        foreach (var v in _values)
        {
            PackedValues.Byte(buffer, v.Kind);
            PackedValues.VarInt(buffer, strings[v.Code]);
            switch (v.Kind)
            {
                case 0:
                    BinaryPrimitives.WriteDoubleLittleEndian(buffer.GetSpan(8), v.Number);
                    buffer.Advance(8);
                    break;
                case 1:
                    PackedValues.VarInt(buffer, strings[v.Category!]);
                    break;
                default:
                    PackedValues.Byte(buffer, v.Veto ? (byte)1 : (byte)0);
                    break;
            }
            PackedValues.VarInt(buffer, strings[v.Source]);
            var span = buffer.GetSpan(12);
            BinaryPrimitives.WriteInt32LittleEndian(span, v.AsOfDay);
            BinaryPrimitives.WriteInt64LittleEndian(span[4..], v.ReceivedTicks);
            buffer.Advance(12);
        }
        return buffer.WrittenSpan.ToArray();
    }

    private void Put(bool fresh, CurrentValue value)
    {
        if (fresh)
        {
            _values.Add(value);
            return;
        }
        if (_index!.TryGetValue((value.Kind, value.Code), out var i))
        {
            // An older date never wins; the same date does (this value was received later).
            if (value.AsOfDay >= _values[i].AsOfDay) _values[i] = value;
            return;
        }
        _index.Add((value.Kind, value.Code), _values.Count);
        _values.Add(value);
    }

    private void EnsureIndex()
    {
        if (_index is not null && _index.Count == _values.Count) return;
        _index ??= new Dictionary<(byte, string), int>(_values.Count + 8);
        _index.Clear();
        for (var i = 0; i < _values.Count; i++) _index[(_values[i].Kind, _values[i].Code)] = i;
    }

    private void Sort()
    {
        if (_values.Count < 2) return;
        _values.Sort(static (a, b) => a.Kind == b.Kind ? string.CompareOrdinal(a.Code, b.Code) : KindRank[a.Kind].CompareTo(KindRank[b.Kind]));
        _index = null; // positions moved
    }

    // One current value as packed: the kind's payload in Number, Category or Veto, the date as a day number, the
    // receipt time in UTC ticks.
    private readonly record struct CurrentValue(byte Kind, string Code, double Number, string? Category, bool Veto, string Source,
        int AsOfDay, long ReceivedTicks);
}

/// <summary>The string table and buffer <see cref="CurrentValueSet.Encode"/> reuses from parcel to parcel of a chunk.</summary>
internal sealed class PackingScratch
{
    /// <summary>String → its number in the packed string table.</summary>
    public Dictionary<string, int> Strings { get; } = new(StringComparer.Ordinal);

    /// <summary>The bytes being packed.</summary>
    public ArrayBufferWriter<byte> Buffer { get; } = new(2048);
}
