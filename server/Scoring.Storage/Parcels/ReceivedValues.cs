using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Scoring.Storage.Parcels;

/// <summary>
/// The values one write brought for one parcel, packed into one row of the append-only log (<c>value_writes.received</c>):
/// the row itself holds the source, the date and the receipt, so each value is only its kind, code and value.
/// </summary>
/// <remarks>
/// Layout, version 1: <c>u8 version</c>, <c>varint string count</c>, the strings (<c>varint byte length</c> + UTF-8),
/// <c>varint value count</c>, then per value <c>u8 kind</c> (0 numeric, 1 category, 2 veto), <c>varint code</c> and the
/// value (<c>f64</c> little-endian, <c>varint string</c> or <c>u8</c>).
/// </remarks>
internal static class ReceivedValues
{
    private const byte Version = 1;

    /// <summary>One value as logged.</summary>
    public readonly record struct Entry(int Kind, string Code, double? Number, string? Category, bool? Veto);

    /// <summary>Packs what <paramref name="write"/> brought: its numbers, then its category keys, then its veto answers.</summary>
    public static byte[] Encode(ParcelWrite write, ArrayBufferWriter<byte> buffer, Dictionary<string, int> strings)
    {
        buffer.ResetWrittenCount();
        strings.Clear();
        foreach (var code in write.Indicators.Keys) Index(strings, code);
        foreach (var (code, key) in write.Categories)
        {
            Index(strings, code);
            Index(strings, key);
        }
        foreach (var code in write.Vetoes.Keys) Index(strings, code);

        PackedValues.Byte(buffer, Version);
        PackedValues.VarInt(buffer, strings.Count);
        foreach (var s in strings.Keys)
        {
            var bytes = Encoding.UTF8.GetByteCount(s);
            PackedValues.VarInt(buffer, bytes);
            Encoding.UTF8.GetBytes(s, buffer.GetSpan(bytes));
            buffer.Advance(bytes);
        }
        PackedValues.VarInt(buffer, Count(write));
        foreach (var (code, number) in write.Indicators)
        {
            PackedValues.Byte(buffer, 0);
            PackedValues.VarInt(buffer, strings[code]);
            BinaryPrimitives.WriteDoubleLittleEndian(buffer.GetSpan(8), number);
            buffer.Advance(8);
        }
        foreach (var (code, key) in write.Categories)
        {
            PackedValues.Byte(buffer, 1);
            PackedValues.VarInt(buffer, strings[code]);
            PackedValues.VarInt(buffer, strings[key]);
        }
        foreach (var (code, met) in write.Vetoes)
        {
            PackedValues.Byte(buffer, 2);
            PackedValues.VarInt(buffer, strings[code]);
            PackedValues.Byte(buffer, met ? (byte)1 : (byte)0);
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Packs logged entries (for rows carried over from the per-value table of older schemas).</summary>
    public static byte[] Encode(IReadOnlyList<Entry> entries)
    {
        var write = new ParcelWrite("")
        {
            Indicators = entries.Where(e => e.Kind == 0).ToDictionary(e => e.Code, e => e.Number!.Value, StringComparer.Ordinal),
            Categories = entries.Where(e => e.Kind == 1).ToDictionary(e => e.Code, e => e.Category!, StringComparer.Ordinal),
            Vetoes = entries.Where(e => e.Kind == 2).ToDictionary(e => e.Code, e => e.Veto!.Value, StringComparer.Ordinal),
        };
        return Encode(write, new ArrayBufferWriter<byte>(), new Dictionary<string, int>(StringComparer.Ordinal));
    }

    /// <summary>The number of values a write brings.</summary>
    public static int Count(ParcelWrite write) => write.Indicators.Count + write.Categories.Count + write.Vetoes.Count;

    /// <summary>Unpacks one log row's values.</summary>
    /// <exception cref="StorageFaultException">The bytes are not a packed log row this build can read (a damaged row).</exception>
    public static List<Entry> Decode(ReadOnlySpan<byte> packed)
    {
        try
        {
            var at = 0;
            if (packed.Length == 0 || packed[at++] != Version) throw PackedValues.Damaged("logged values of an unknown version");
            var strings = new string[PackedValues.Count(packed, ref at)];
            for (var i = 0; i < strings.Length; i++)
            {
                var length = PackedValues.ReadVarInt(packed, ref at);
                strings[i] = Encoding.UTF8.GetString(packed.Slice(at, length));
                at += length;
            }
            var count = PackedValues.Count(packed, ref at);
            var entries = new List<Entry>(count);
            for (var i = 0; i < count; i++)
            {
                var kind = packed[at++];
                var code = strings[PackedValues.ReadVarInt(packed, ref at)];
                switch (kind)
                {
                    case 0:
                        entries.Add(new(0, code, BinaryPrimitives.ReadDoubleLittleEndian(packed.Slice(at, 8)), null, null));
                        at += 8;
                        break;
                    case 1:
                        entries.Add(new(1, code, null, strings[PackedValues.ReadVarInt(packed, ref at)], null));
                        break;
                    case 2:
                        entries.Add(new(2, code, null, null, packed[at++] != 0));
                        break;
                    default:
                        throw PackedValues.Damaged($"logged value of unknown kind {kind}");
                }
            }
            return entries;
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException or OverflowException)
        {
            throw PackedValues.Damaged("a logged row ends early or refers past its end");
        }
    }

    /// <summary>
    /// Adds to <paramref name="values"/> the values of <paramref name="code"/> in one log row, with the row's provenance
    /// (read only when the row holds the code).
    /// </summary>
    public static void AddMatching(List<CachedValue> values, byte[] packed, string code, Func<(string Source, DateOnly AsOf, DateTimeOffset Received)> provenance)
    {
        var found = Decode(packed).Where(e => e.Code == code).ToList();
        if (found.Count == 0) return;
        var (source, asOf, received) = provenance();
        foreach (var e in found) values.Add(new CachedValue(code, e.Number, e.Category, e.Veto, source, asOf, received));
    }

    private static void Index(Dictionary<string, int> strings, string s) => strings.TryAdd(s, strings.Count);
}
