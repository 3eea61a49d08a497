using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Scoring.V1;
using Xunit.Abstractions;

namespace Scoring.Server.Tests;

/// <summary>An open server for the fuzz test, its malformed-request warnings kept off the console.</summary>
public sealed class FuzzServerFixture : ServerFixture
{
    protected override IEnumerable<string> ExtraArgs => ["--Logging:LogLevel:Scoring.Server.Grpc.MalformedRequests=Error"];
}

/// <summary>
/// The contract fuzzed: a valid request of every RPC, mutated thousands of times (bit flips, truncation, field-number
/// and wire-type changes, huge lengths, extreme numbers, long and odd strings, spliced and random bytes), sent as raw
/// bytes to a real server. No answer may be UNKNOWN or INTERNAL, and the server must keep answering a valid call.
/// Seeds are fixed and printed: a failure names the RPC, the seed and the case, and <see cref="Mutator.Case"/>
/// rebuilds exactly those bytes.
/// </summary>
public sealed class ContractFuzzTests(FuzzServerFixture server, ITestOutputHelper output) : IClassFixture<FuzzServerFixture>
{
    /// <summary>The seed of the first RPC; each RPC's seed is this plus its position in <see cref="Targets"/>.</summary>
    public const int BaseSeed = 20_261_212;

    /// <summary>Wall-clock budget of the whole test (it stops mutating an RPC when its share of what is left is spent).</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(45);

    private const int CasesPerRpc = 3000;
    private const int Workers = 6;

    [Fact]
    public async Task Mutated_requests_of_every_RPC_are_never_UNKNOWN_or_INTERNAL_and_the_server_keeps_serving()
    {
        var invoker = server.Channel.CreateCallInvoker();
        await SeedCacheAsync();
        var targets = Targets();
        var failures = new List<string>();
        var whole = Stopwatch.StartNew();
        // Last RPC first: the heavy ones (whole parcels, chunks) come first in the list and so run last, taking the
        // time the light ones, done with their cases early, leave over. Each RPC's share is what is left, divided.
        for (var t = targets.Count - 1; t >= 0; t--)
        {
            var share = (Budget - whole.Elapsed) / (t + 1);
            var target = targets[t];
            var seed = BaseSeed + t;
            var mutator = new Mutator(target.Valid, target.Parser);
            var statuses = new Dictionary<StatusCode, int>();
            var started = Stopwatch.StartNew();
            var next = -1;
            var cases = Math.Min(CasesPerRpc, target.MaxCases);
            async Task Worker()
            {
                while (started.Elapsed < share)
                {
                    var i = Interlocked.Increment(ref next);
                    if (i >= cases) return;
                    var bytes = mutator.Case(seed, i);
                    var status = await SendAsync(invoker, target, bytes);
                    lock (statuses)
                    {
                        statuses[status.StatusCode] = statuses.GetValueOrDefault(status.StatusCode) + 1;
                        if (status.StatusCode is StatusCode.Unknown or StatusCode.Internal && failures.Count < 20)
                            failures.Add($"{target.Method.FullName} seed {seed} case {i}: {status.StatusCode} \"{status.Detail}\"; bytes {Hex(bytes)}");
                    }
                }
            }
            await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Worker()));
            var sent = Math.Min(next, cases);
            var counts = string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value}"));
            var line = string.Create(CultureInfo.InvariantCulture,
                $"fuzz {target.Method.FullName}: seed {seed}, {sent} cases in {started.Elapsed.TotalSeconds:0.0} s: {counts}");
            output.WriteLine(line);
            Console.WriteLine(line);
            await AssertServingAsync(target.Method.FullName);
        }
        Assert.True(failures.Count == 0, "answers UNKNOWN or INTERNAL:\n" + string.Join("\n", failures));
    }

    // A valid call answers as the hand-worked example does; pinned to model 1, whatever the fuzzed calls activated.
    private async Task AssertServingAsync(string after)
    {
        var scoring = new ScoringService.ScoringServiceClient(server.Channel);
        var e = (await scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = HandWorkedParcel.Input("FUZZ-ALIVE"), ModelVersion = "1", SkipHistory = true },
            deadline: DateTime.UtcNow.AddSeconds(30))).Evaluation;
        Assert.True(Math.Abs(e.Score - HandWorkedParcel.Score) < 1e-9, $"after fuzzing {after} a valid call scored {e.Score}");
    }

    // A few cached parcels, a unit and a recorded evaluation, so reads, listings and stored evaluations have data.
    private async Task SeedCacheAsync()
    {
        using var upsert = new ParcelService.ParcelServiceClient(server.Channel).UpsertParcels();
        await upsert.RequestStream.WriteAsync(new UpsertParcelsRequest
        {
            Source = "fuzz", AsOf = "2025-01-01",
            Parcels = { HandWorkedParcel.Input("FZ-1"), HandWorkedParcel.Input("FZ-2") },
            Units = { new ManagementUnit { UnitId = "fz-unit", Name = "fuzz", Level = Level.Park, TotalAreaMu = 1000, IndustrialAreaMu = 700 } },
        });
        await upsert.RequestStream.CompleteAsync();
        while (await upsert.ResponseStream.MoveNext()) { }
        await new ScoringService.ScoringServiceClient(server.Channel).EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = new ParcelInput { ParcelId = "FZ-1" } });
    }

    private static async Task<Status> SendAsync(CallInvoker invoker, Target target, byte[] bytes)
    {
        var options = new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30));
        try
        {
            switch (target.Method.Type)
            {
                case MethodType.Unary:
                    await invoker.AsyncUnaryCall(target.Method, null, options, bytes);
                    break;
                case MethodType.ServerStreaming:
                {
                    using var call = invoker.AsyncServerStreamingCall(target.Method, null, options, bytes);
                    while (await call.ResponseStream.MoveNext(CancellationToken.None)) { }
                    break;
                }
                default:
                {
                    using var call = invoker.AsyncDuplexStreamingCall(target.Method, null, options);
                    try
                    {
                        // A valid chunk first, then the mutated one: a stream must survive (or end cleanly on) a bad chunk.
                        await call.RequestStream.WriteAsync(target.Valid);
                        await call.RequestStream.WriteAsync(bytes);
                        await call.RequestStream.CompleteAsync();
                    }
                    catch (RpcException)
                    {
                        // The server ended the stream early; its status is read below.
                    }
                    catch (InvalidOperationException)
                    {
                        // Writing after the call completed; its status is read below.
                    }
                    while (await call.ResponseStream.MoveNext(CancellationToken.None)) { }
                    break;
                }
            }
            return Status.DefaultSuccess;
        }
        catch (RpcException e)
        {
            return e.Status;
        }
    }

    private static string Hex(byte[] bytes) =>
        Convert.ToHexString(bytes.AsSpan(0, Math.Min(bytes.Length, 256))) + (bytes.Length > 256 ? $"… ({bytes.Length} bytes)" : "");

    /// <summary>One RPC: its method over raw bytes, a valid request, the request's parser (for structure-aware mutations).</summary>
    private sealed record Target(Method<byte[], byte[]> Method, byte[] Valid, MessageParser Parser, int MaxCases = int.MaxValue);

    private static Target Of<T>(string service, string name, MethodType type, T valid, int maxCases = int.MaxValue) where T : IMessage<T>, new() =>
        new(new Method<byte[], byte[]>(type, service, name, Bytes, Bytes), valid.ToByteArray(), new MessageParser<T>(() => new T()), maxCases);

    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    private static List<Target> Targets()
    {
        const string scoring = "scoring.v1.ScoringService", parcels = "scoring.v1.ParcelService", models = "scoring.v1.ModelService";
        var document = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Models", "default-model.json"));
        var weights = new WeightTable();
        foreach (var (code, weight) in new[] { ("population", 0.05), ("land", 0.25), ("enterprise", 0.16), ("industry", 0.11), ("economy", 0.32), ("energy", 0.11) })
            weights.Weights.Add(new Weight { Group = "elements", Code = code, Weight_ = weight });
        var judgments = new AhpJudgments
        {
            Matrices =
            {
                new JudgmentMatrix
                {
                    Group = "land", Expert = "fuzz", Items = { "far", "building_density", "green_ratio", "idle_ratio" },
                    Values = { 1, 2, 5, 2, 0.5, 1, 4, 1, 0.2, 0.25, 1, 0.25, 0.5, 1, 4, 1 },
                },
            },
        };
        var columns = new ParcelColumns
        {
            IndicatorCodes = { "far", "output_per_mu" }, CategoryCodes = { "enterprise_type" }, VetoCodes = { "safety" },
            Rows =
            {
                new ParcelRow { ParcelId = "FZ-C1", Level = Level.Park, AreaMu = 12.5, Values = { 1.2, 900 }, Categories = { "above_scale" }, Vetoes = { VetoAnswer.Met }, Street = "秣陵街道" },
                new ParcelRow { ParcelId = "FZ-C2", Values = { double.NaN, 300 }, Categories = { "" }, Vetoes = { VetoAnswer.Failed } },
            },
        };
        return
        [
            Of(scoring, "EvaluateParcel", MethodType.Unary, new EvaluateParcelRequest { Parcel = HandWorkedParcel.Input("FZ-E"), SkipHistory = true, View = EvaluationView.Full }),
            Of(scoring, "BatchEvaluate", MethodType.DuplexStreaming, new BatchEvaluateRequest
            {
                Parcels = { HandWorkedParcel.Input("FZ-B1"), new ParcelInput { ParcelId = "FZ-1" } }, Columns = columns, View = EvaluationView.Full,
            }),
            Of(scoring, "UpdateWeights", MethodType.Unary, new UpdateWeightsRequest { Weights = weights, DryRun = true, Note = "fuzz" }),
            Of(scoring, "UpdateWeights", MethodType.Unary, new UpdateWeightsRequest { Judgments = judgments, DryRun = true, ImpactParcelLimit = 5 }),
            Of(parcels, "UpsertParcels", MethodType.DuplexStreaming, new UpsertParcelsRequest
            {
                Source = "fuzz", AsOf = "2025-06-30",
                Parcels = { HandWorkedParcel.Input("FZ-U1"), new ParcelInput { ParcelId = "FZ-U2", Name = "地块", Geometry = "{\"type\":\"Point\",\"coordinates\":[118.8,31.9]}" } },
                Units = { new ManagementUnit { UnitId = "fz-unit-2", Level = Level.Community, TotalAreaMu = 50, IndustrialAreaMu = 20 } },
            }),
            Of(parcels, "GetParcel", MethodType.Unary, new GetParcelRequest { ParcelId = "FZ-1" }),
            Of(parcels, "ListParcels", MethodType.Unary, new ListParcelsRequest { UnitId = HandWorkedParcel.Input("x").UnitId, PageSize = 1, Level = Level.Park }),
            Of(parcels, "ListEvaluations", MethodType.Unary, new ListEvaluationsRequest { ParcelId = "FZ-1", PageSize = 1 }),
            Of(parcels, "ListValueHistory", MethodType.Unary, new ListValueHistoryRequest { ParcelId = "FZ-1", Code = "far" }),
            Of(parcels, "ListUnits", MethodType.Unary, new ListUnitsRequest { PageSize = 1 }),
            Of(parcels, "EvaluateStored", MethodType.ServerStreaming, new EvaluateStoredRequest { UnitId = HandWorkedParcel.Input("x").UnitId, ChunkSize = 1, ModelVersion = "1" }),
            Of(parcels, "EvaluateParcels", MethodType.Unary, new EvaluateParcelsRequest
            {
                Parcels = { HandWorkedParcel.Input("FZ-M1"), new ParcelInput { ParcelId = "FZ-1" } }, Columns = columns, View = EvaluationView.Full,
            }),
            Of(models, "GetModel", MethodType.Unary, new GetModelRequest { Version = "1" }),
            Of(models, "ListModels", MethodType.Unary, new ListModelsRequest { PageSize = 1 }),
            Of(models, "ActivateModel", MethodType.Unary, new ActivateModelRequest { Version = "1", Note = "fuzz", ExpectedActiveVersion = "1" }),
            Of(models, "ExportModel", MethodType.Unary, new ExportModelRequest { Version = "1" }),
            Of(models, "CreateModel", MethodType.Unary, new CreateModelRequest { DocumentJson = document, ValidateOnly = true, Note = "fuzz" }, maxCases: 1500),
            Of(models, "ListAuditRecords", MethodType.Unary, new ListAuditRecordsRequest { PageSize = 1 }),
            Of("scoring.v1.ReportService", "SummarizeEvaluations", MethodType.Unary, new SummarizeEvaluationsRequest { ModelVersion = "1" }),
            // Each accepted call writes a snapshot of the database: a few dozen cases.
            Of("scoring.v1.OperationsService", "CreateBackup", MethodType.Unary, new CreateBackupRequest(), maxCases: 40),
            Of(models, "GetLabels", MethodType.Unary, new GetLabelsRequest { ModelVersion = "1" }),
        ];
    }
}

/// <summary>
/// Seeded mutations of one valid request: byte-level (bit flips, truncation, tag rewrites, huge lengths, spliced or
/// random bytes, duplication) and structure-aware (a field of the parsed message set to an extreme number, an
/// undefined enum value, a long or odd string, or grown with many items). Case <c>i</c> of seed <c>s</c> is always
/// the same bytes.
/// </summary>
public sealed class Mutator(byte[] valid, MessageParser parser)
{
    private static readonly double[] ExtremeDoubles =
    [
        double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.MaxValue, -double.MaxValue, double.Epsilon, -0.0,
        1.7e308, -1, 1e-320, 1e15, 4.9e-324, 100_000.0000001,
    ];

    private static readonly long[] ExtremeIntegers = [0, -1, 1, int.MaxValue, int.MinValue, long.MaxValue, long.MinValue, uint.MaxValue, 10_001, 1 << 20];

    private static readonly string[] OddStrings =
    [
        "", " ", "\0", "a\0b", "\u001b[31mred\u001b[0m", "\r\n", "\t", "😀😀😀", "\u202egnp.exe", "e\u0301\u0301\u0301", "../../../etc/passwd",
        "' OR 1=1 --", "%s%s%n", "\uffff", "\u00a0", "NaN", "-Infinity", "1e309", "0x10", "LEVEL_PARK", "{}", "[]", "null",
        "\"{\\\"elements\\\":null}\"", "工业园区", new string('x', 65), new string('x', 129), new string('x', 2049), new string('界', 300),
        new string('x', 100_000), string.Concat(Enumerable.Repeat("a\u0000", 1000)),
    ];

    /// <summary>The bytes of case <paramref name="index"/> under <paramref name="seed"/>: one to three stacked mutations.</summary>
    public byte[] Case(int seed, int index)
    {
        var random = new Random(unchecked(seed * 1_000_003 + index));
        var bytes = valid;
        var rounds = 1 + random.Next(3);
        for (var r = 0; r < rounds; r++) bytes = Mutate(bytes, random);
        return bytes;
    }

    private byte[] Mutate(byte[] bytes, Random random) => random.Next(12) switch
    {
        0 => FlipBits(bytes, random),
        1 => bytes[..random.Next(bytes.Length + 1)],
        2 => RewriteTag(bytes, random),
        3 => HugeLength(bytes, random),
        4 or 5 or 6 => Structured(bytes, random),
        7 => Splice(bytes, random),
        8 => [.. bytes, .. bytes],
        9 => RandomBytes(random),
        10 => [.. bytes, .. RandomField(random)],
        _ => Structured(bytes, random),
    };

    private static byte[] FlipBits(byte[] bytes, Random random)
    {
        if (bytes.Length == 0) return bytes;
        var copy = (byte[])bytes.Clone();
        for (var n = 1 + random.Next(8); n > 0; n--) copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        return copy;
    }

    private static byte[] Splice(byte[] bytes, Random random)
    {
        var at = random.Next(bytes.Length + 1);
        var cut = random.Next(Math.Min(16, bytes.Length - at) + 1);
        var insert = new byte[random.Next(17)];
        random.NextBytes(insert);
        return [.. bytes.AsSpan(0, at), .. insert, .. bytes.AsSpan(at + cut)];
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(65)];
        random.NextBytes(bytes);
        return bytes;
    }

    // A field of a random number and wire type, with a plausible or absurd payload.
    private static byte[] RandomField(Random random)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        var number = random.Next(4) == 0 ? 536_870_911 : 1 + random.Next(40);
        var wireType = random.Next(6);
        output.WriteTag((uint)(number << 3 | wireType));
        switch (wireType)
        {
            case 0: output.WriteInt64(ExtremeIntegers[random.Next(ExtremeIntegers.Length)]); break;
            case 1: output.WriteDouble(ExtremeDoubles[random.Next(ExtremeDoubles.Length)]); break;
            case 2: output.WriteString(OddStrings[random.Next(OddStrings.Length)]); break;
            case 5: output.WriteFixed32((uint)random.Next()); break;
        }
        output.Flush();
        return stream.ToArray();
    }

    // The wire positions of the fields, top level and nested (payloads that parse as fields are walked too).
    private readonly record struct Field(int Start, int TagLength, int WireType, int LengthStart, int LengthLength);

    private static List<Field> Fields(byte[] bytes, int from, int to, int depth, List<Field> into)
    {
        var at = from;
        while (at < to)
        {
            var start = at;
            if (!ReadVarint(bytes, ref at, to, out var tag) || tag >> 3 == 0) return into;
            var wireType = (int)(tag & 7);
            var tagLength = at - start;
            switch (wireType)
            {
                case 0: if (!ReadVarint(bytes, ref at, to, out _)) return into; into.Add(new(start, tagLength, 0, -1, 0)); break;
                case 1: at += 8; into.Add(new(start, tagLength, 1, -1, 0)); break;
                case 5: at += 4; into.Add(new(start, tagLength, 5, -1, 0)); break;
                case 2:
                    var lengthStart = at;
                    if (!ReadVarint(bytes, ref at, to, out var length) || length > (ulong)(to - at)) return into;
                    into.Add(new(start, tagLength, 2, lengthStart, at - lengthStart));
                    if (depth < 6) Fields(bytes, at, at + (int)length, depth + 1, into);
                    at += (int)length;
                    break;
                default: return into;
            }
        }
        return into;
    }

    private static bool ReadVarint(byte[] bytes, ref int at, int to, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && at < to; shift += 7)
        {
            var b = bytes[at++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return true;
        }
        return false;
    }

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7f);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        } while (value != 0);
        return [.. bytes];
    }

    private static byte[] RewriteTag(byte[] bytes, Random random)
    {
        var fields = Fields(bytes, 0, bytes.Length, 0, []);
        if (fields.Count == 0) return FlipBits(bytes, random);
        var f = fields[random.Next(fields.Count)];
        var number = random.Next(3) switch { 0 => 1 + random.Next(20), 1 => 536_870_911, _ => 19_000 + random.Next(1000) };
        var wireType = random.Next(2) == 0 ? random.Next(8) : f.WireType;
        var tag = Varint((ulong)(uint)(number << 3 | wireType));
        return [.. bytes.AsSpan(0, f.Start), .. tag, .. bytes.AsSpan(f.Start + f.TagLength)];
    }

    private static byte[] HugeLength(byte[] bytes, Random random)
    {
        var fields = Fields(bytes, 0, bytes.Length, 0, []).Where(f => f.WireType == 2).ToList();
        if (fields.Count == 0) return FlipBits(bytes, random);
        var f = fields[random.Next(fields.Count)];
        ulong[] lengths = [int.MaxValue, uint.MaxValue, ulong.MaxValue, 1UL << 62, (ulong)bytes.Length + 1, (ulong)bytes.Length * 1000, 16 << 20];
        var length = Varint(lengths[random.Next(lengths.Length)]);
        return [.. bytes.AsSpan(0, f.LengthStart), .. length, .. bytes.AsSpan(f.LengthStart + f.LengthLength)];
    }

    // Parses the bytes (falling back to the valid request) and sets one field, anywhere in the message, to an extreme value.
    private byte[] Structured(byte[] bytes, Random random)
    {
        IMessage message;
        try
        {
            message = parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            message = parser.ParseFrom(valid);
        }
        var target = message;
        // Walk into a set sub-message now and then.
        for (var depth = 0; depth < 4; depth++)
        {
            var set = target.Descriptor.Fields.InDeclarationOrder()
                .Where(f => f.FieldType == FieldType.Message && !f.IsRepeated && !f.IsMap && f.Accessor.GetValue(target) is IMessage).ToList();
            var items = target.Descriptor.Fields.InDeclarationOrder()
                .Where(f => f.FieldType == FieldType.Message && f.IsRepeated && !f.IsMap && ((IList)f.Accessor.GetValue(target)).Count > 0).ToList();
            if (random.Next(2) == 0 || set.Count + items.Count == 0) break;
            var pick = random.Next(set.Count + items.Count);
            if (pick < set.Count) target = (IMessage)set[pick].Accessor.GetValue(target);
            else
            {
                var list = (IList)items[pick - set.Count].Accessor.GetValue(target);
                target = (IMessage)list[random.Next(list.Count)]!;
            }
        }
        var fields = target.Descriptor.Fields.InDeclarationOrder();
        if (fields.Count > 0) SetExtreme(target, fields[random.Next(fields.Count)], random);
        return message.ToByteArray();
    }

    private static void SetExtreme(IMessage message, FieldDescriptor field, Random random)
    {
        if (field.IsMap)
        {
            var map = (IDictionary)field.Accessor.GetValue(message);
            var keyField = field.MessageType.FindFieldByNumber(1);
            var valueField = field.MessageType.FindFieldByNumber(2);
            for (var n = random.Next(12) == 0 ? 2000 : 1 + random.Next(3); n > 0; n--)
            {
                var key = Scalar(keyField, random);
                if (key is null) continue;
                if (key is string s && n > 3) key = s + n.ToString(CultureInfo.InvariantCulture);
                map[key] = Scalar(valueField, random) ?? Activator.CreateInstance(valueField.MessageType.ClrType)!;
            }
            return;
        }
        if (field.IsRepeated)
        {
            var list = (IList)field.Accessor.GetValue(message);
            if (random.Next(4) == 0) { list.Clear(); return; }
            var grow = random.Next(12) == 0 ? 1000 + random.Next(2000) : 1 + random.Next(3);
            for (var n = 0; n < grow; n++)
            {
                var item = field.FieldType == FieldType.Message
                    ? (list.Count > 0 && random.Next(2) == 0 ? list[random.Next(list.Count)] : Activator.CreateInstance(field.MessageType.ClrType))
                    : Scalar(field, random);
                if (item is not null) list.Add(item);
            }
            return;
        }
        if (field.FieldType == FieldType.Message)
        {
            field.Accessor.SetValue(message, random.Next(2) == 0 ? null : Activator.CreateInstance(field.MessageType.ClrType));
            return;
        }
        if (Scalar(field, random) is { } value) field.Accessor.SetValue(message, value);
    }

    private static object? Scalar(FieldDescriptor field, Random random)
    {
        var n = ExtremeIntegers[random.Next(ExtremeIntegers.Length)];
        return field.FieldType switch
        {
            FieldType.Double => ExtremeDoubles[random.Next(ExtremeDoubles.Length)],
            FieldType.Float => (float)ExtremeDoubles[random.Next(ExtremeDoubles.Length)],
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => unchecked((int)n),
            FieldType.UInt32 or FieldType.Fixed32 => unchecked((uint)n),
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => n,
            FieldType.UInt64 or FieldType.Fixed64 => unchecked((ulong)n),
            FieldType.Bool => random.Next(2) == 0,
            FieldType.String => OddStrings[random.Next(OddStrings.Length)],
            FieldType.Bytes => ByteString.CopyFrom(Encoding.UTF8.GetBytes(OddStrings[random.Next(OddStrings.Length)])),
            FieldType.Enum => Enum.ToObject(field.EnumType.ClrType, random.Next(3) switch { 0 => -1, 1 => 99, _ => int.MaxValue }),
            _ => null,
        };
    }
}
