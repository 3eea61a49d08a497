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
    /// <exception cref="InvalidDataException">The bytes are not a packed value set this build can read.</exception>
    public static (Dictionary<string, CachedValue> Indicators, Dictionary<string, CachedValue> Categories, Dictionary<string, CachedValue> Vetoes)
        Decode(ReadOnlySpan<byte> packed)
    {
        var at = 0;
        if (packed.Length == 0 || packed[at++] != Version) throw new InvalidDataException("packed values of an unknown version");
        var strings = new string[ReadVarInt(packed, ref at)];
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
                    throw new InvalidDataException($"packed value of unknown kind {kind}");
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

    private static void Byte(ArrayBufferWriter<byte> buffer, byte value)
    {
        buffer.GetSpan(1)[0] = value;
        buffer.Advance(1);
    }

    private static void VarInt(ArrayBufferWriter<byte> buffer, int value)
    {
        var v = (uint)value;
        while (v >= 0x80)
        {
            Byte(buffer, (byte)(v | 0x80));
            v >>= 7;
        }
        Byte(buffer, (byte)v);
    }

    private static int ReadVarInt(ReadOnlySpan<byte> packed, ref int at)
    {
        uint result = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = packed[at++];
            result |= (uint)(b & 0x7F) << shift;
            if (b < 0x80) return checked((int)result);
        }
        throw new InvalidDataException("malformed packed values");
    }
}
