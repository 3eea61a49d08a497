using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Scoring.Storage.Parcels;

/// <summary>
/// A parcel's current values packed into one column (<c>parcels.current_values</c>), so that loading a parcel is one
/// keyed read instead of one row per value. Strings (codes, sources, category keys) are written once in a table and
/// referred to by number.
/// </summary>
/// <remarks>
/// Layout, version 1: <c>u8 version</c>, <c>varint string count</c>, the strings (<c>varint byte length</c> + UTF-8),
/// <c>varint value count</c>, then per value <c>u8 kind</c> (0 numeric, 1 category, 2 veto), <c>varint code</c>, the value
/// (<c>f64</c>, <c>varint string</c> or <c>u8</c>), <c>varint source</c>, <c>i32 as_of</c> (day number) and <c>i64 received_at</c>
/// (UTC ticks), little-endian.
/// </remarks>
internal static class PackedValues
{
    private const byte Version = 1;

    /// <summary>The kinds as stored in the value log, in packed order.</summary>
    internal static readonly string[] Kinds = ["numeric", "category", "veto"];

    /// <summary>Packs one parcel's current values, each with its kind (an index into <see cref="Kinds"/>).</summary>
    public static byte[] Encode(IReadOnlyList<(int Kind, CachedValue Value)> values)
    {
        var strings = new Dictionary<string, int>(StringComparer.Ordinal);
        int Index(string s)
        {
            if (!strings.TryGetValue(s, out var i)) strings.Add(s, i = strings.Count);
            return i;
        }
        foreach (var (kind, v) in values)
        {
            Index(v.Code);
            Index(v.Source);
            if (kind == 1) Index(v.Category!);
        }

        var buffer = new ArrayBufferWriter<byte>(64 + 24 * values.Count);
        Byte(buffer, Version);
        VarInt(buffer, strings.Count);
        foreach (var s in strings.Keys)
        {
            var bytes = Encoding.UTF8.GetByteCount(s);
            VarInt(buffer, bytes);
            Encoding.UTF8.GetBytes(s, buffer.GetSpan(bytes));
            buffer.Advance(bytes);
        }
        VarInt(buffer, values.Count);
        foreach (var (kind, v) in values)
        {
            Byte(buffer, (byte)kind);
            VarInt(buffer, strings[v.Code]);
            switch (kind)
            {
                case 0:
                    BinaryPrimitives.WriteDoubleLittleEndian(buffer.GetSpan(8), v.Number!.Value);
                    buffer.Advance(8);
                    break;
                case 1:
                    VarInt(buffer, strings[v.Category!]);
                    break;
                default:
                    Byte(buffer, v.Veto!.Value ? (byte)1 : (byte)0);
                    break;
            }
            VarInt(buffer, strings[v.Source]);
            BinaryPrimitives.WriteInt32LittleEndian(buffer.GetSpan(4), v.AsOf.DayNumber);
            buffer.Advance(4);
            BinaryPrimitives.WriteInt64LittleEndian(buffer.GetSpan(8), v.ReceivedAt.UtcTicks);
            buffer.Advance(8);
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Unpacks one parcel's current values into the three kinds, keyed by code.</summary>
    /// <exception cref="StorageFaultException">The bytes are not a packed value set this build can read (a damaged row).</exception>
    public static (Dictionary<string, CachedValue> Indicators, Dictionary<string, CachedValue> Categories, Dictionary<string, CachedValue> Vetoes)
        Decode(ReadOnlySpan<byte> packed)
    {
        try
        {
            var at = 0;
            if (packed.Length == 0 || packed[at++] != Version) throw Damaged("packed values of an unknown version");
            var strings = new string[Count(packed, ref at)];
            for (var i = 0; i < strings.Length; i++)
            {
                var length = ReadVarInt(packed, ref at);
                strings[i] = Encoding.UTF8.GetString(packed.Slice(at, length));
                at += length;
            }
            var count = ReadVarInt(packed, ref at);
            var indicators = new Dictionary<string, CachedValue>(count, StringComparer.Ordinal);
            var categories = new Dictionary<string, CachedValue>(StringComparer.Ordinal);
            var vetoes = new Dictionary<string, CachedValue>(StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                var kind = packed[at++];
                var code = strings[ReadVarInt(packed, ref at)];
                double? number = null;
                string? category = null;
                bool? veto = null;
                switch (kind)
                {
                    case 0:
                        number = BinaryPrimitives.ReadDoubleLittleEndian(packed.Slice(at, 8));
                        at += 8;
                        break;
                    case 1:
                        category = strings[ReadVarInt(packed, ref at)];
                        break;
                    case 2:
                        veto = packed[at++] != 0;
                        break;
                    default:
                        throw Damaged($"packed value of unknown kind {kind}");
                }
                var source = strings[ReadVarInt(packed, ref at)];
                var asOf = DateOnly.FromDayNumber(BinaryPrimitives.ReadInt32LittleEndian(packed.Slice(at, 4)));
                var received = new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(packed.Slice(at + 4, 8)), TimeSpan.Zero);
                at += 12;
                var value = new CachedValue(code, number, category, veto, source, asOf, received);
                (kind == 0 ? indicators : kind == 1 ? categories : vetoes)[code] = value;
            }
            return (indicators, categories, vetoes);
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException or OverflowException)
        {
            throw Damaged("it ends early or refers past its end");
        }
    }

    /// <summary>
    /// Lays one parcel's packed values into <paramref name="layout"/>'s buffers (already cleared), without building a string
    /// for any code, source or known category key.
    /// </summary>
    /// <exception cref="StorageFaultException">The bytes are not a packed value set this build can read (a damaged row).</exception>
    public static void LayOut(ReadOnlySpan<byte> packed, CachedLayout layout)
    {
        try
        {
            var at = 0;
            if (packed.Length == 0 || packed[at++] != Version) throw Damaged("packed values of an unknown version");
            var count = Count(packed, ref at);
            var strings = layout.StringPositions(count);
            for (var i = 0; i < count; i++)
            {
                var length = ReadVarInt(packed, ref at);
                strings[2 * i] = at;
                strings[2 * i + 1] = length;
                at += length;
            }
            Span<char> code = stackalloc char[layout.LongestText];
            Span<char> key = stackalloc char[layout.LongestText];
            var values = ReadVarInt(packed, ref at);
            for (var i = 0; i < values; i++)
            {
                var kind = packed[at++];
                var codeChars = Text(packed, strings, ReadVarInt(packed, ref at), code);
                switch (kind)
                {
                    case 0:
                        var number = BinaryPrimitives.ReadDoubleLittleEndian(packed.Slice(at, 8));
                        at += 8;
                        if (codeChars >= 0) layout.Number(code[..codeChars], number);
                        break;
                    case 1:
                        var keyIndex = ReadVarInt(packed, ref at);
                        if (codeChars < 0) break;
                        var keyChars = Text(packed, strings, keyIndex, key);
                        if (keyChars >= 0) layout.Category(code[..codeChars], key[..keyChars]);
                        else layout.Category(code[..codeChars], Encoding.UTF8.GetString(Slice(packed, strings, keyIndex))); // longer than any key: refused by the reader
                        break;
                    case 2:
                        var met = packed[at++] != 0;
                        if (codeChars >= 0) layout.Veto(code[..codeChars], met);
                        break;
                    default:
                        throw Damaged($"packed value of unknown kind {kind}");
                }
                ReadVarInt(packed, ref at); // source
                at += 12;                   // as_of, received_at
            }
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException or OverflowException)
        {
            throw Damaged("it ends early or refers past its end");
        }
    }

    // The chars of string `index` decoded into `into`; -1 when it is longer than any text the layout knows.
    private static int Text(ReadOnlySpan<byte> packed, ReadOnlySpan<int> strings, int index, Span<char> into)
    {
        var bytes = Slice(packed, strings, index);
        return bytes.Length > into.Length ? -1 : Encoding.UTF8.GetChars(bytes, into);
    }

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> packed, ReadOnlySpan<int> strings, int index)
    {
        if ((uint)index >= (uint)(strings.Length / 2)) throw Damaged("packed value refers to a string it does not hold");
        return packed.Slice(strings[2 * index], strings[2 * index + 1]);
    }

    internal static StorageFaultException Damaged(string what) =>
        new(StorageFault.Corrupt, StorageFaultException.Describe(StorageFault.Corrupt, $"a parcel's packed values cannot be read: {what}"));

    internal static void Byte(ArrayBufferWriter<byte> buffer, byte value)
    {
        buffer.GetSpan(1)[0] = value;
        buffer.Advance(1);
    }

    internal static void VarInt(ArrayBufferWriter<byte> buffer, int value)
    {
        var v = (uint)value;
        while (v >= 0x80)
        {
            Byte(buffer, (byte)(v | 0x80));
            v >>= 7;
        }
        Byte(buffer, (byte)v);
    }

    // A count of strings or values: each takes at least one byte, so a count past the end is damage, not a size to allocate.
    internal static int Count(ReadOnlySpan<byte> packed, ref int at)
    {
        var count = ReadVarInt(packed, ref at);
        return count <= packed.Length - at ? count : throw Damaged("a count runs past its end");
    }

    internal static int ReadVarInt(ReadOnlySpan<byte> packed, ref int at)
    {
        uint result = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = packed[at++];
            result |= (uint)(b & 0x7F) << shift;
            if (b < 0x80) return checked((int)result);
        }
        throw Damaged("malformed packed values");
    }
}
