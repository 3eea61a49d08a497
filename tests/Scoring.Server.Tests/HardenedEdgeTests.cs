using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using Scoring.V1;

namespace Scoring.Server.Tests;

/// <summary>
/// Hostile and careless input from outside, each row of issue 12's first table sent exactly, from real clients: raw
/// bytes over HTTP/2, and stock clients with their default limits (4 MiB per received message, 8 KB of metadata).
/// </summary>
public sealed class HardenedEdgeTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private ScoringService.ScoringServiceClient Scoring => new(server.Channel);
    private ParcelService.ParcelServiceClient Cache => new(server.Channel);
    private ModelService.ModelServiceClient Models => new(server.Channel);

    private static readonly Marshaller<byte[]> RawBytes = Marshallers.Create(b => b, b => b);

    private static Method<byte[], byte[]> Raw(MethodType type, string service, string name) => new(type, service, name, RawBytes, RawBytes);

    private static async Task<RpcException> Refused(Func<Task> call) => await Assert.ThrowsAsync<RpcException>(call);

    // A stock gRPC client's limits: 4 MiB per received message (grpc-dotnet's and grpcio's default) and 8 KB of
    // received metadata (grpcio's default grpc.max_metadata_size; .NET counts it in KB).
    private GrpcChannel StockChannel() => GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions
    {
        MaxReceiveMessageSize = 4 * 1024 * 1024,
        HttpHandler = new SocketsHttpHandler { MaxResponseHeadersLength = 8 },
    });

    // The size of the trailers as HTTP/2 accounts for them (name + value + 32 per entry, RFC 7541 §4.1).
    private static int TrailerBytes(RpcException e) => e.Trailers.Sum(t => t.Key.Length + (t.IsBinary ? (t.ValueBytes.Length * 4 + 2) / 3 : System.Text.Encoding.UTF8.GetByteCount(t.Value)) + 32);

    // ---- Row 1: random bytes or bad UTF-8 as the payload ----

    [Fact]
    public async Task Bad_UTF_8_as_the_EvaluateParcel_payload_is_INVALID_ARGUMENT_malformed_request()
    {
        var invoker = server.Channel.CreateCallInvoker();
        // Field 1 (parcel), length 2, then the bytes ff fe: not a ParcelInput (and not UTF-8).
        var e = await Refused(() => invoker.AsyncUnaryCall(Raw(MethodType.Unary, "scoring.v1.ScoringService", "EvaluateParcel"), null, new CallOptions(),
            new byte[] { 0x0a, 0x02, 0xff, 0xfe }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("malformed request", e.Status.Detail);
        Assert.Contains("scoring.v1.EvaluateParcelRequest", e.Status.Detail);
        var info = e.GetRpcStatus()!.GetDetail<ErrorInfo>();
        Assert.Equal("MALFORMED_REQUEST", info.Reason);
        Assert.Equal("scoring.v1", info.Domain);
    }

    [Fact]
    public async Task Random_bytes_to_a_server_stream_a_client_stream_and_a_bidirectional_stream_are_INVALID_ARGUMENT_malformed_request()
    {
        var invoker = server.Channel.CreateCallInvoker();
        // A string field (parcel_id, 1) whose bytes are not UTF-8, then a field number 0, which no message has.
        byte[] junk = [0x0a, 0x03, 0xc3, 0x28, 0xa0, 0x00, 0x01];

        using (var stored = invoker.AsyncServerStreamingCall(Raw(MethodType.ServerStreaming, "scoring.v1.ParcelService", "EvaluateStored"), null, new CallOptions(), junk))
        {
            var e = await Refused(() => stored.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
            Assert.StartsWith("malformed request", e.Status.Detail);
        }
        foreach (var (service, name) in new[] { ("scoring.v1.ScoringService", "BatchEvaluate"), ("scoring.v1.ParcelService", "UpsertParcels") })
        {
            using var call = invoker.AsyncDuplexStreamingCall(Raw(MethodType.DuplexStreaming, service, name), null, new CallOptions());
            await call.RequestStream.WriteAsync(junk);
            await call.RequestStream.CompleteAsync();
            var e = await Refused(() => call.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
            Assert.StartsWith("malformed request", e.Status.Detail);
            Assert.Equal("MALFORMED_REQUEST", e.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
        }
    }

    [Fact]
    public async Task A_malformed_request_is_logged_as_one_warning_line_without_a_stack_trace()
    {
        await using var process = await LoggingServerProcess.StartAsync();
        var invoker = process.Channel.CreateCallInvoker();
        var e = await Refused(() => invoker.AsyncUnaryCall(Raw(MethodType.Unary, "scoring.v1.ScoringService", "EvaluateParcel"), null, new CallOptions(),
            new byte[] { 0x0a, 0x02, 0xff, 0xfe }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);

        var lines = await process.StopAsync();
        var malformed = lines.Where(l => l.Contains("malformed request", StringComparison.Ordinal)).ToList();
        Assert.True(malformed.Count == 1, string.Join("\n", malformed));
        var line = malformed[0];
        Assert.StartsWith("warn: Scoring.Server.Grpc.MalformedRequests", line);
        Assert.Contains("/scoring.v1.ScoringService/EvaluateParcel", line);
        Assert.DoesNotContain(lines, l => l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("Exception", StringComparison.Ordinal) || l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    // ---- Row 2: a page token that is not one of ours, on every paged RPC ----

    [Fact]
    public async Task A_page_token_that_is_not_ours_is_INVALID_ARGUMENT_naming_page_token_on_every_paged_RPC()
    {
        // Not base64url; base64url of "not a token"; a well-formed token of a listing that does not exist (["nothing","x"]).
        foreach (var token in new[] { "!!!", "bm90IGEgdG9rZW4", "WyJub3RoaW5nIiwieCJd" })
        {
            Func<Task>[] calls =
            [
                () => Cache.ListUnitsAsync(new ListUnitsRequest { PageToken = token }).ResponseAsync,
                () => Cache.ListParcelsAsync(new ListParcelsRequest { PageToken = token }).ResponseAsync,
                () => Cache.ListEvaluationsAsync(new ListEvaluationsRequest { ParcelId = "PT-1", PageToken = token }).ResponseAsync,
                () => Models.ListModelsAsync(new ListModelsRequest { PageToken = token }).ResponseAsync,
                () => Models.ListAuditRecordsAsync(new ListAuditRecordsRequest { PageToken = token }).ResponseAsync,
            ];
            foreach (var call in calls)
            {
                var e = await Refused(call);
                Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
                var violation = e.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Single();
                Assert.Equal("page_token", violation.Field);
                Assert.StartsWith("the page token ", violation.Description);
                Assert.DoesNotContain("(Parameter", violation.Description);
            }
        }
    }

    // ---- Row 3: CreateModel with nulls where the document expects an object or a list ----

    [Fact]
    public async Task CreateModel_with_a_null_where_the_document_expects_a_list_is_INVALID_ARGUMENT_with_the_JSON_path()
    {
        var e = await Refused(() => Models.CreateModelAsync(new CreateModelRequest { DocumentJson = """{"elements":null}""", ValidateOnly = true }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("document_json.$.elements", e.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Single().Field);
        Assert.Equal("INVALID_MODEL", e.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
    }

    [Fact]
    public async Task Every_node_of_the_default_model_document_replaced_by_null_is_INVALID_ARGUMENT_with_a_path_or_accepted()
    {
        var document = (await Models.ExportModelAsync(new ExportModelRequest { Version = "1" })).DocumentJson;
        var variants = NullVariants(System.Text.Json.Nodes.JsonNode.Parse(document)!).ToList();
        Assert.True(variants.Count > 400, $"only {variants.Count} variants");
        var refusedWithPath = 0;
        foreach (var (path, json) in variants)
        {
            try
            {
                await Models.CreateModelAsync(new CreateModelRequest { DocumentJson = json, ValidateOnly = true });
            }
            catch (RpcException e)
            {
                Assert.True(e.StatusCode == StatusCode.InvalidArgument, $"{path} = null: {e.StatusCode} {e.Status.Detail}");
                var fields = e.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).ToList();
                Assert.All(fields, f => Assert.StartsWith("document_json.", f));
                refusedWithPath++;
            }
        }
        // Every object, list and text of the document is required; only optional values (a bound, a description) may be null.
        Assert.True(refusedWithPath > variants.Count / 2, $"{refusedWithPath} of {variants.Count} refused");
    }

    // Each node of the document (object, list or value) replaced by null in turn, with its path.
    private static IEnumerable<(string Path, string Json)> NullVariants(System.Text.Json.Nodes.JsonNode root)
    {
        var paths = new List<string>();
        void Walk(System.Text.Json.Nodes.JsonNode? node)
        {
            if (node is null) return;
            if (node.Parent is not null) paths.Add(node.GetPath());
            if (node is System.Text.Json.Nodes.JsonObject o) foreach (var (_, child) in o) Walk(child);
            if (node is System.Text.Json.Nodes.JsonArray a) foreach (var child in a) Walk(child);
        }
        Walk(root);
        foreach (var path in paths)
        {
            var copy = root.DeepClone();
            var target = Find(copy, path)!;
            switch (target.Parent)
            {
                case System.Text.Json.Nodes.JsonObject parent: parent[target.GetPropertyName()] = null; break;
                case System.Text.Json.Nodes.JsonArray array: array[target.GetElementIndex()] = null; break;
            }
            yield return (path, copy.ToJsonString());
        }
    }

    private static System.Text.Json.Nodes.JsonNode? Find(System.Text.Json.Nodes.JsonNode node, string path)
    {
        if (node.GetPath() == path) return node;
        IEnumerable<System.Text.Json.Nodes.JsonNode?> children = node switch
        {
            System.Text.Json.Nodes.JsonObject o => o.Select(p => p.Value),
            System.Text.Json.Nodes.JsonArray a => a,
            _ => [],
        };
        foreach (var child in children)
            if (child is not null && path.StartsWith(child.GetPath(), StringComparison.Ordinal) && Find(child, path) is { } found) return found;
        return null;
    }

    // ---- Row 4: error details that would overflow a stock client's 8 KB of metadata ----

    [Fact]
    public async Task A_parcel_with_2000_unknown_indicator_codes_is_INVALID_ARGUMENT_on_a_stock_client_with_details_capped()
    {
        var parcel = HandWorkedParcel.Input("CAP-1");
        for (var i = 0; i < 2000; i++) parcel.Indicators[$"unknown_code_{i:0000}"] = 1;
        using var channel = StockChannel();

        var e = await Refused(() => new ScoringService.ScoringServiceClient(channel).EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = parcel, SkipHistory = true }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        var details = e.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations;
        Assert.InRange(details.Count, 1, 20);
        Assert.StartsWith("2000 invalid fields; first: parcel.indicators[\"unknown_code_", e.Status.Detail);
        Assert.EndsWith($"(the details name the first {details.Count}, and {2000 - details.Count} more)", e.Status.Detail);
        Assert.All(details, d => Assert.StartsWith("parcel.indicators[\"unknown_code_", d.Field));
        Assert.InRange(TrailerBytes(e), 1, 6 * 1024);
    }

    [Fact]
    public async Task A_1000_by_1000_AHP_matrix_of_unknown_items_is_INVALID_ARGUMENT_on_a_stock_client()
    {
        var matrix = new JudgmentMatrix { Group = "elements", Expert = "big" };
        for (var i = 0; i < 1000; i++) matrix.Items.Add($"item_{i:000}");
        for (var i = 0; i < 1000 * 1000; i++) matrix.Values.Add(1);
        using var channel = StockChannel();

        var e = await Refused(() => new ScoringService.ScoringServiceClient(channel).UpdateWeightsAsync(new UpdateWeightsRequest
        {
            Judgments = new AhpJudgments { Matrices = { matrix } }, DryRun = true,
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.InRange(e.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Count, 1, 20);
        Assert.InRange(TrailerBytes(e), 1, 6 * 1024);
    }

    // ---- Row 5: a chunk of 10,000 bad parcels, answered to a stock client ----

    private static ParcelInput BadParcel(int i)
    {
        var p = new ParcelInput { ParcelId = $"BAD-{i:00000}", AreaMu = -1, Level = Level.Park };
        p.Indicators["building_density"] = 130;
        p.Indicators[$"no_such_indicator_{i % 7}"] = 1;
        p.Categories["enterprise_type"] = "state_owned";
        return p;
    }

    [Fact]
    public async Task A_BatchEvaluate_chunk_of_10000_bad_parcels_reaches_a_stock_client_with_every_error_in_order_and_the_stream_goes_on()
    {
        using var channel = StockChannel();
        using var call = new ScoringService.ScoringServiceClient(channel).BatchEvaluate();
        var chunk = new BatchEvaluateRequest();
        for (var i = 0; i < 10_000; i++) chunk.Parcels.Add(BadParcel(i));
        await call.RequestStream.WriteAsync(chunk);

        var results = new List<BatchResult>();
        var responses = 0;
        do
        {
            Assert.True(await call.ResponseStream.MoveNext());
            responses++;
            results.AddRange(call.ResponseStream.Current.Results);
        } while (call.ResponseStream.Current.ChunkContinues);

        Assert.True(responses > 1, "the chunk's answer was not split");
        Assert.Equal(10_000, results.Count);
        for (var i = 0; i < results.Count; i++)
        {
            Assert.Equal($"BAD-{i:00000}", results[i].ParcelId);
            Assert.Equal((int)Code.InvalidArgument, results[i].Error.Code);
            Assert.Equal(4, results[i].Error.GetDetail<BadRequest>().FieldViolations.Count);
        }

        // The next chunk is answered on the same stream.
        await call.RequestStream.WriteAsync(new BatchEvaluateRequest { Parcels = { HandWorkedParcel.Input("AFTER-BAD") } });
        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Equal(HandWorkedParcel.Score, call.ResponseStream.Current.Results.Single().Evaluation.Score, 9);
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext());
    }

    [Fact]
    public async Task A_full_view_chunk_of_10000_parcels_reaches_a_stock_client_through_the_SDK_in_input_order()
    {
        using var channel = StockChannel();
        using var client = new Scoring.Client.ScoringClient(channel);
        var parcels = Enumerable.Range(0, 10_000).Select(i => HandWorkedParcel.Input($"FULL-{i:00000}")).ToList();

        var n = 0;
        await foreach (var r in client.EvaluateManyAsync(parcels, new Scoring.Client.BatchOptions { ChunkSize = 10_000, View = EvaluationView.Full }))
        {
            Assert.Equal($"FULL-{n++:00000}", r.ParcelId);
            Assert.Equal(27, r.Evaluation.Indicators.Count);
            Assert.Equal(HandWorkedParcel.Score, r.Evaluation.Score, 9);
        }
        Assert.Equal(10_000, n);
    }

    [Fact]
    public async Task An_UpsertParcels_chunk_of_10000_bad_parcels_is_acknowledged_in_one_message_a_stock_client_reads_with_every_error()
    {
        using var channel = StockChannel();
        using var call = new ParcelService.ParcelServiceClient(channel).UpsertParcels();
        var chunk = new UpsertParcelsRequest { Source = "edge", AsOf = "2025-01-01" };
        for (var i = 0; i < 10_000; i++)
        {
            var p = BadParcel(i);
            p.Name = new string('名', 100);
            chunk.Parcels.Add(p);
        }
        await call.RequestStream.WriteAsync(chunk);
        await call.RequestStream.CompleteAsync();

        Assert.True(await call.ResponseStream.MoveNext());
        var ack = call.ResponseStream.Current;
        Assert.False(await call.ResponseStream.MoveNext());
        Assert.Equal(0, ack.Accepted);
        Assert.Equal(Enumerable.Range(0, 10_000), ack.Errors.Select(e => e.Index));
        Assert.All(ack.Errors, e => Assert.Equal((int)Code.InvalidArgument, e.Status.Code));
        Assert.All(ack.Errors, e => Assert.Contains("parcels[" + e.Index + "].", e.Status.Message));
        Assert.True(ack.CalculateSize() < 4 * 1024 * 1024);
    }

    // ---- Row 6: a BatchEvaluate chunk over 10,000 parcels ----

    [Fact]
    public async Task A_BatchEvaluate_chunk_of_10001_parcels_is_refused_alone_and_the_stream_goes_on()
    {
        using var call = Scoring.BatchEvaluate();
        var big = new BatchEvaluateRequest();
        for (var i = 0; i < 10_001; i++) big.Parcels.Add(new ParcelInput { ParcelId = $"OVER-{i}" });
        await call.RequestStream.WriteAsync(big);
        await call.RequestStream.WriteAsync(new BatchEvaluateRequest { Parcels = { HandWorkedParcel.Input("AFTER-OVER") } });
        await call.RequestStream.CompleteAsync();

        Assert.True(await call.ResponseStream.MoveNext());
        var refused = call.ResponseStream.Current;
        Assert.Empty(refused.Results);
        Assert.Equal((int)Code.InvalidArgument, refused.ChunkError.Code);
        var violation = refused.ChunkError.GetDetail<BadRequest>().FieldViolations.Single();
        Assert.Equal("parcels", violation.Field);
        Assert.Equal("chunk 0 carries 10001 parcels; at most 10000 are allowed per chunk", violation.Description);

        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Equal(HandWorkedParcel.Score, call.ResponseStream.Current.Results.Single().Evaluation.Score, 9);
        Assert.False(await call.ResponseStream.MoveNext());
    }

    // ---- Row 7: an area upper bound ----

    [Fact]
    public async Task An_area_of_1_7e308_mu_is_refused_naming_area_mu_and_100000_mu_is_accepted()
    {
        var huge = HandWorkedParcel.Input("AREA-HUGE");
        huge.AreaMu = 1.7e308;
        var e = await Refused(() => Scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = huge, SkipHistory = true }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        var violation = e.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Single();
        Assert.Equal("parcel.area_mu", violation.Field);
        Assert.Equal("must be at most 100000 亩, got 1.7E+308", violation.Description);

        var largest = HandWorkedParcel.Input("AREA-MAX");
        largest.AreaMu = 100_000;
        Assert.Equal(100_000, (await Scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = largest, SkipHistory = true })).Evaluation.AreaMu);

        using var upsert = Cache.UpsertParcels();
        await upsert.RequestStream.WriteAsync(new UpsertParcelsRequest { Source = "edge", AsOf = "2025-01-01", Parcels = { huge } });
        await upsert.RequestStream.CompleteAsync();
        Assert.True(await upsert.ResponseStream.MoveNext());
        Assert.Equal(0, upsert.ResponseStream.Current.Accepted);
        Assert.Equal("parcels[0].area_mu", upsert.ResponseStream.Current.Errors.Single().Status.GetDetail<BadRequest>().FieldViolations.Single().Field);
    }

    // ---- Row 8: length caps and control characters ----

    public static TheoryData<string, string, string> OverlongOrControl => new()
    {
        { "street", new string('街', 129), "is 129 characters long; at most 128 are allowed" },
        { "name", new string('x', 1 << 20), $"is {1 << 20} characters long; at most 256 are allowed" },
        { "enterprise_name", "南京\u001b[31m公司", "must not contain control characters (U+001B at position 2)" },
        { "geometry", new string(' ', (1 << 20) + 1), $"is {(1 << 20) + 1} characters long; at most {1 << 20} are allowed" },
        { "geometry", "{\"type\":\"Point\",\0}", "must not contain control characters (U+0000 at position 16)" },
        { "unit_id", "park\0a", "must not contain control characters (U+0000 at position 4)" },
    };

    [Theory]
    [MemberData(nameof(OverlongOrControl))]
    public async Task Upserted_text_over_its_cap_or_with_control_characters_is_refused_naming_the_field(string field, string value, string description)
    {
        var parcel = HandWorkedParcel.Input("TEXT-" + field);
        var descriptor = ParcelInput.Descriptor.FindFieldByName(field);
        descriptor.Accessor.SetValue(parcel, value);
        using var upsert = Cache.UpsertParcels();
        await upsert.RequestStream.WriteAsync(new UpsertParcelsRequest { Source = "edge", AsOf = "2025-01-01", Parcels = { parcel } });
        await upsert.RequestStream.CompleteAsync();
        Assert.True(await upsert.ResponseStream.MoveNext());
        var ack = upsert.ResponseStream.Current;

        Assert.Equal(0, ack.Accepted);
        var violation = ack.Errors.Single().Status.GetDetail<BadRequest>().FieldViolations.Single();
        Assert.Equal($"parcels[0].{field}", violation.Field);
        Assert.Equal(description, violation.Description);
    }

    [Fact]
    public async Task Geometry_of_exactly_1_MiB_with_line_breaks_is_stored()
    {
        var parcel = HandWorkedParcel.Input("TEXT-GEO-OK");
        var point = "{\"type\":\"Polygon\",\r\n\t\"coordinates\":[[[118.8,31.9],[118.801,31.9],[118.801,31.901],[118.8,31.9]]]}";
        parcel.Geometry = point + new string(' ', (1 << 20) - point.Length);
        using (var upsert = Cache.UpsertParcels())
        {
            await upsert.RequestStream.WriteAsync(new UpsertParcelsRequest { Source = "edge", AsOf = "2025-01-01", Parcels = { parcel } });
            await upsert.RequestStream.CompleteAsync();
            Assert.True(await upsert.ResponseStream.MoveNext());
            Assert.Equal(1, upsert.ResponseStream.Current.Accepted);
        }
        Assert.Equal(1 << 20, (await Cache.GetParcelAsync(new GetParcelRequest { ParcelId = "TEXT-GEO-OK" })).Parcel.Attributes.Geometry.Length);
    }

    [Fact]
    public async Task A_source_with_ESC_refuses_the_chunk_and_notes_with_NUL_or_over_2048_characters_are_refused_naming_note()
    {
        using (var upsert = Cache.UpsertParcels())
        {
            await upsert.RequestStream.WriteAsync(new UpsertParcelsRequest { Source = "tax\u001bbureau", AsOf = "2025-01-01", Parcels = { HandWorkedParcel.Input("TEXT-SRC") } });
            await upsert.RequestStream.CompleteAsync();
            Assert.True(await upsert.ResponseStream.MoveNext());
            var error = upsert.ResponseStream.Current.Errors.Single();
            Assert.Equal(-1, error.Index);
            Assert.Equal("source", error.Status.GetDetail<BadRequest>().FieldViolations.Single().Field);
        }

        var weights = new UpdateWeightsRequest { DryRun = true, Note = "round\0two", Weights = new WeightTable { Weights = { new Weight { Group = "elements", Code = "land", Weight_ = 0.25 } } } };
        var e = await Refused(() => Scoring.UpdateWeightsAsync(weights).ResponseAsync);
        Assert.Equal("note", e.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Single().Field);

        e = await Refused(() => Models.ActivateModelAsync(new ActivateModelRequest { Version = "1", Note = new string('n', 2049) }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("is 2049 characters long; at most 2048 are allowed", e.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Single().Description);
    }

    [Fact]
    public async Task An_evaluated_parcels_street_with_ESC_is_refused_naming_parcel_street()
    {
        var parcel = HandWorkedParcel.Input("TEXT-EVAL");
        parcel.Street = "秣陵\u001b街道";
        var e = await Refused(() => Scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = parcel }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("parcel.street", e.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Single().Field);
    }

    // ---- Row 9: the same parcel twice in one upsert chunk ----

    [Fact]
    public async Task The_same_parcel_twice_in_one_upsert_chunk_stores_the_first_refuses_the_second_and_counts_one()
    {
        var first = HandWorkedParcel.Input("DUP-1");
        first.Indicators["far"] = 1.5;
        var second = HandWorkedParcel.Input("DUP-1");
        second.Indicators["far"] = 0.4;
        using (var upsert = Cache.UpsertParcels())
        {
            await upsert.RequestStream.WriteAsync(new UpsertParcelsRequest { Source = "edge", AsOf = "2025-01-01", Parcels = { first, second } });
            await upsert.RequestStream.CompleteAsync();
            Assert.True(await upsert.ResponseStream.MoveNext());
            var ack = upsert.ResponseStream.Current;
            Assert.Equal(1, ack.Accepted);
            var error = ack.Errors.Single();
            Assert.Equal(1, error.Index);
            Assert.Equal("DUP-1", error.ParcelId);
            var violation = error.Status.GetDetail<BadRequest>().FieldViolations.Single();
            Assert.Equal("parcels[1].parcel_id", violation.Field);
            Assert.Contains("already given at parcels[0]", violation.Description);
        }
        var stored = (await Cache.GetParcelAsync(new GetParcelRequest { ParcelId = "DUP-1" })).Parcel;
        Assert.Equal(1.5, stored.Attributes.Indicators["far"]);
    }
}

/// <summary>The server as its own process, its console log kept, for tests of what it logs.</summary>
internal sealed partial class LoggingServerProcess : IAsyncDisposable
{
    private readonly System.Diagnostics.Process _process;
    private readonly List<string> _lines = [];

    private readonly string _directory;

    private LoggingServerProcess(System.Diagnostics.Process process, Uri address, string directory)
    {
        _process = process;
        _directory = directory;
        Channel = GrpcChannel.ForAddress(address);
    }

    public GrpcChannel Channel { get; }

    public static async Task<LoggingServerProcess> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "scoring-log-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var info = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                Path.Combine(AppContext.BaseDirectory, "Scoring.Server.dll"), "--urls", "http://127.0.0.1:0",
                $"--ConnectionStrings:Scoring=Data Source={Path.Combine(directory, "scoring.db")}",
                "--Logging:Console:FormatterName=simple", "--Logging:Console:FormatterOptions:SingleLine=true",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        var process = System.Diagnostics.Process.Start(info)!;
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        LoggingServerProcess? self = null;
        var early = new List<string>();
        void Line(string? line)
        {
            if (line is null) return;
            lock (early)
            {
                if (self is null) early.Add(line);
                else lock (self._lines) self._lines.Add(line);
            }
            if (ListeningOn().Match(line) is { Success: true } m) listening.TrySetResult(new Uri(m.Groups[1].Value));
        }
        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        lock (early)
        {
            self = new LoggingServerProcess(process, address, directory);
            self._lines.AddRange(early);
        }
        return self;
    }

    /// <summary>Stops the server (after its log has caught up) and returns every line it wrote.</summary>
    public async Task<IReadOnlyList<string>> StopAsync()
    {
        await Task.Delay(500);
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        lock (_lines) return [.. _lines];
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { System.IO.Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial System.Text.RegularExpressions.Regex ListeningOn();
}
