using System.Net;
using System.Text.Json;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Scoring.V1;

namespace Scoring.Server.Tests;

/// <summary>
/// gRPC-Web on the REST endpoint (HTTP/1.1), as a browser calls: .NET's GrpcWebHandler for unary and server-streaming
/// calls in both framings, the CORS preflight a browser sends first, and headless chromium running a page of another
/// origin whose script calls EvaluateParcels with fetch.
/// </summary>
public sealed class GrpcWebTests(BrowserFixture server) : IClassFixture<BrowserFixture>
{
    // What a gRPC-Web client asks to send.
    private static readonly string[] GrpcWebRequestHeaders = ["content-type", "x-grpc-web", "x-user-agent", "grpc-timeout"];

    /// <summary>A channel speaking gRPC-Web over HTTP/1.1 to <paramref name="address"/>.</summary>
    internal static GrpcChannel GrpcWebChannel(Uri address, GrpcWebMode mode) =>
        GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new GrpcWebHandler(mode, new HttpClientHandler()),
            HttpVersion = HttpVersion.Version11,
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        });

    [Fact]
    public async Task A_unary_call_over_gRPC_Web_on_HTTP_1_1_answers_as_over_HTTP_2()
    {
        using var channel = GrpcWebChannel(server.RestAddress, GrpcWebMode.GrpcWeb);
        var bad = HandWorkedParcel.Input("WEB-2");
        bad.AreaMu = -1;

        var response = await new ParcelService.ParcelServiceClient(channel).EvaluateParcelsAsync(
            new EvaluateParcelsRequest { Parcels = { HandWorkedParcel.Input("WEB-1"), bad } });

        Assert.Equal(HandWorkedParcel.Score, response.Results[0].Evaluation.Score, 6);
        Assert.Equal(HandWorkedParcel.Classification, response.Results[0].Evaluation.Classification);
        Assert.Equal((int)Code.InvalidArgument, response.Results[1].Error.Code);
        Assert.Equal(DefaultModel.Model.Version, response.ModelVersion);
    }

    [Fact]
    public async Task An_error_over_gRPC_Web_carries_the_same_BadRequest_details()
    {
        using var channel = GrpcWebChannel(server.RestAddress, GrpcWebMode.GrpcWebText);
        var parcel = HandWorkedParcel.Input("WEB-BAD");
        parcel.AreaMu = -1;

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            new ScoringService.ScoringServiceClient(channel).EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = parcel }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("parcel.area_mu", Assert.Single(ex.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
    }

    [Fact]
    public async Task A_server_stream_over_gRPC_Web_text_brings_every_stored_parcel()
    {
        const string unit = "web-stream-unit";
        using (var feed = new ParcelService.ParcelServiceClient(server.Channel).UpsertParcels())
        {
            var chunk = new UpsertParcelsRequest { Source = "grpc-web-test", AsOf = "2026-01-01" };
            foreach (var id in new[] { "WS-1", "WS-2", "WS-3" })
            {
                var parcel = HandWorkedParcel.Input(id);
                parcel.UnitId = unit;
                chunk.Parcels.Add(parcel);
            }
            await feed.RequestStream.WriteAsync(chunk);
            Assert.True(await feed.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(3, feed.ResponseStream.Current.Accepted);
            await feed.RequestStream.CompleteAsync();
        }
        using var channel = GrpcWebChannel(server.RestAddress, GrpcWebMode.GrpcWebText);

        // Chunks of 2: the three parcels come in two responses, in parcel-id order.
        using var call = new ParcelService.ParcelServiceClient(channel).EvaluateStored(new EvaluateStoredRequest { UnitId = unit, ChunkSize = 2 });
        var responses = new List<BatchEvaluateResponse>();
        await foreach (var response in call.ResponseStream.ReadAllAsync()) responses.Add(response);

        Assert.Equal([2, 1], responses.Select(r => r.Results.Count));
        var results = responses.SelectMany(r => r.Results).ToList();
        Assert.Equal(["WS-1", "WS-2", "WS-3"], results.Select(r => r.ParcelId));
        Assert.All(results, r => Assert.Equal(HandWorkedParcel.Score, r.Evaluation.Score, 6));
    }

    [Fact]
    public async Task The_preflight_of_an_allowed_origin_is_answered_and_another_origin_gets_no_CORS_headers()
    {
        using var http = new HttpClient { BaseAddress = server.RestAddress };

        using var allowed = await http.SendAsync(Preflight(server.PageOrigin));
        using var other = await http.SendAsync(Preflight("http://elsewhere.example"));

        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal(server.PageOrigin, Assert.Single(allowed.Headers.GetValues("Access-Control-Allow-Origin")));
        // Every header a gRPC-Web client sends, and the two the server reads credentials from.
        Assert.Equal(["authorization", "content-type", "grpc-timeout", "x-api-key", "x-grpc-web", "x-user-agent"],
            HeaderList(allowed, "Access-Control-Allow-Headers").Order(StringComparer.Ordinal));
        Assert.Contains("post", HeaderList(allowed, "Access-Control-Allow-Methods"));
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(other.Headers.Contains("Access-Control-Allow-Headers"));
    }

    [Fact]
    public async Task An_allowed_origin_may_read_the_gRPC_status_headers_of_the_answer()
    {
        using var http = new HttpClient { BaseAddress = server.RestAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/scoring.v1.ParcelService/EvaluateParcels")
        {
            // An empty request message: five bytes of frame header (flag 0, length 0).
            Content = new ByteArrayContent(new byte[5]),
        };
        request.Content.Headers.ContentType = new("application/grpc-web+proto");
        request.Headers.Add("x-grpc-web", "1");
        request.Headers.Add("Origin", server.PageOrigin);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(server.PageOrigin, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Equal(["grpc-message", "grpc-status", "grpc-status-details-bin"], HeaderList(response, "Access-Control-Expose-Headers").Order(StringComparer.Ordinal));
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/scoring.v1.ParcelService/EvaluateParcels");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", string.Join(",", GrpcWebRequestHeaders));
        return request;
    }

    private static IEnumerable<string> HeaderList(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values)
            ? values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Select(v => v.ToLowerInvariant())
            : [];

    [ToolFact("chromium", "chromium")]
    public async Task Chromium_runs_a_page_of_another_origin_that_evaluates_parcels_with_fetch()
    {
        // The page, from its own origin (another port): its script encodes the request by hand, posts it as gRPC-Web
        // (a CORS call, preflight first) and writes what it decoded into the DOM. The same page from a port the server
        // does not allow is kept out by the browser.
        var otherOrigin = $"http://127.0.0.1:{LoopbackPorts.Free()}";
        var page = WebApplication.CreateSlimBuilder();
        page.WebHost.UseUrls(server.PageOrigin, otherOrigin);
        await using var pageServer = page.Build();
        pageServer.MapGet("/", () => Results.Content(BrowserPage.Html(server.RestAddress, HandWorkedParcel.Input("CHROME-1")), "text/html; charset=utf-8"));
        await pageServer.StartAsync();
        var folder = Directory.CreateTempSubdirectory("scoring-grpc-web-");
        try
        {
            var (dom, log) = await MapPageTests.ChromiumAsync(folder.FullName, "--dump-dom", server.PageOrigin + "/", "--virtual-time-budget=20000");
            var (kept, _) = await MapPageTests.ChromiumAsync(folder.FullName, "--dump-dom", otherOrigin + "/", "--virtual-time-budget=20000");

            Assert.Contains("<output id=\"status\">0</output>", dom);
            Assert.Contains("<output id=\"parcel\">CHROME-1</output>", dom);
            Assert.Contains("<output id=\"score\">0.7363</output>", dom);
            // The second parcel of the request (area -1) came back as its own error: INVALID_ARGUMENT is 3.
            Assert.Contains("<output id=\"error\">3</output>", dom);
            Assert.DoesNotContain("Uncaught", log);
            // From the other origin, fetch itself fails (the preflight is not answered for it): no status, no score.
            Assert.Contains("<output id=\"status\">failed: TypeError", kept);
            Assert.Contains("<output id=\"score\"></output>", kept);
        }
        finally
        {
            await pageServer.StopAsync();
            folder.Delete(recursive: true);
        }
    }
}

/// <summary>
/// The test page: a script with no library that speaks gRPC-Web with <c>fetch</c> — the protobuf encoding of an
/// EvaluateParcelsRequest written by hand (two parcels: the README's, and the same with a negative area), the
/// five-byte gRPC-Web frame, and a reader for the few fields of the answer it shows.
/// </summary>
internal static class BrowserPage
{
    public static string Html(Uri server, ParcelInput parcel)
    {
        var data = JsonSerializer.Serialize(new
        {
            id = parcel.ParcelId, areaMu = parcel.AreaMu, indicators = parcel.Indicators, categories = parcel.Categories, vetoes = parcel.Vetoes,
        });
        return $$"""
            <!doctype html>
            <html><head><meta charset="utf-8"><title>gRPC-Web</title></head>
            <body>
            <output id="status"></output><output id="parcel"></output><output id="score"></output><output id="error"></output>
            <script type="module">
            const server = {{JsonSerializer.Serialize(server.ToString().TrimEnd('/'))}};
            const parcel = {{data}};
            const text = new TextEncoder();
            // Protobuf, by hand: varints, tags, length-delimited fields, little-endian doubles.
            const varint = (n, out) => { while (n > 127) { out.push((n & 127) | 128); n = Math.floor(n / 128); } out.push(n); };
            const tag = (field, wire, out) => varint(field * 8 + wire, out);
            const bytes = (field, b, out) => { tag(field, 2, out); varint(b.length, out); for (const x of b) out.push(x); };
            const string = (field, s, out) => bytes(field, text.encode(s), out);
            const number = (field, n, out) => { tag(field, 0, out); varint(n, out); };
            const double = (field, x, out) => { tag(field, 1, out); const b = new Uint8Array(8); new DataView(b.buffer).setFloat64(0, x, true); for (const v of b) out.push(v); };
            const entry = (field, key, write, out) => { const e = []; string(1, key, e); write(e); bytes(field, e, out); };
            // scoring.v1.ParcelInput: parcel_id 1, level 2 (LEVEL_PARK = 1), area_mu 3, maps indicators 4, categories 5, vetoes 6.
            function parcelInput(id, areaMu) {
              const out = [];
              string(1, id, out); number(2, 1, out); double(3, areaMu, out);
              for (const [k, v] of Object.entries(parcel.indicators)) entry(4, k, e => double(2, v, e), out);
              for (const [k, v] of Object.entries(parcel.categories)) entry(5, k, e => string(2, v, e), out);
              for (const [k, v] of Object.entries(parcel.vetoes)) entry(6, k, e => number(2, v ? 1 : 0, e), out);
              return out;
            }
            // scoring.v1.EvaluateParcelsRequest: parcels 1.
            const request = [];
            bytes(1, parcelInput(parcel.id, parcel.areaMu), request);
            bytes(1, parcelInput(parcel.id + '-BAD', -1), request);
            const frame = new Uint8Array(5 + request.length);
            new DataView(frame.buffer).setUint32(1, request.length);
            frame.set(request, 5);

            // Reads the fields of one message: number → [values] (varint as number, fixed64 as DataView offset, bytes as Uint8Array).
            function fields(b) {
              const view = new DataView(b.buffer, b.byteOffset, b.byteLength), found = {};
              let i = 0;
              const read = () => { let n = 0, s = 1, x; do { x = b[i++]; n += (x & 127) * s; s *= 128; } while (x & 128); return n; };
              while (i < b.length) {
                const key = read(), field = Math.floor(key / 8), wire = key & 7;
                let value;
                if (wire === 0) value = read();
                else if (wire === 1) { value = view.getFloat64(i, true); i += 8; }
                else if (wire === 2) { const n = read(); value = b.subarray(i, i + n); i += n; }
                else if (wire === 5) { value = view.getFloat32(i, true); i += 4; }
                (found[field] ??= []).push(value);
              }
              return found;
            }

            const show = (id, value) => document.getElementById(id).textContent = String(value);
            try {
              const response = await fetch(server + '/scoring.v1.ParcelService/EvaluateParcels', {
                method: 'POST', body: frame,
                headers: { 'content-type': 'application/grpc-web+proto', 'x-grpc-web': '1', 'x-user-agent': 'scoring-test-page' },
              });
              const body = new Uint8Array(await response.arrayBuffer());
              let status = response.headers.get('grpc-status'), message = null;
              for (let i = 0; i < body.length;) {
                const flag = body[i], length = new DataView(body.buffer, i + 1, 4).getUint32(0);
                const part = body.subarray(i + 5, i + 5 + length);
                i += 5 + length;
                if (flag & 0x80) status = /grpc-status:\s*(\d+)/.exec(new TextDecoder().decode(part))[1];
                else message = part;
              }
              show('status', status);
              // EvaluateParcelsResponse.results 1 → BatchResult { parcel_id 1, evaluation 2 { score 3 }, error 3 { code 1 } }.
              const [first, second] = fields(message)[1].map(fields);
              show('parcel', new TextDecoder().decode(first[1][0]));
              show('score', fields(first[2][0])[3][0].toFixed(4));
              show('error', fields(second[3][0])[1][0]);
            } catch (e) {
              show('status', 'failed: ' + e);
            }
            </script>
            </body></html>
            """;
    }
}

/// <summary>
/// gRPC-Web on a server that requires credentials and has a small message limit, and no Cors:AllowedOrigins: the same
/// keys, roles and limits as over HTTP/2, and no CORS headers at all.
/// </summary>
public sealed class GrpcWebSecurityTests(SecuredServerFixture server) : IClassFixture<SecuredServerFixture>
{
    private ParcelService.ParcelServiceClient Client(GrpcChannel channel) => new(channel);

    private static Metadata Key(string key) => new() { { "x-api-key", key } };

    [Fact]
    public async Task A_gRPC_Web_call_needs_a_key_and_the_role_as_over_HTTP_2()
    {
        using var channel = GrpcWebTests.GrpcWebChannel(server.RestAddress, GrpcWebMode.GrpcWeb);
        var request = new EvaluateParcelsRequest { Parcels = { HandWorkedParcel.Input("WEB-KEY") } };

        var none = await Assert.ThrowsAsync<RpcException>(() => Client(channel).EvaluateParcelsAsync(request).ResponseAsync);
        var response = await Client(channel).EvaluateParcelsAsync(request, Key(SecuredServerFixture.ReaderKey));
        // UpdateWeights is for admins: a reader's key is PERMISSION_DENIED.
        var reader = await Assert.ThrowsAsync<RpcException>(() => new ScoringService.ScoringServiceClient(channel)
            .UpdateWeightsAsync(new UpdateWeightsRequest { DryRun = true }, Key(SecuredServerFixture.ReaderKey)).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, none.StatusCode);
        Assert.Equal(HandWorkedParcel.Score, response.Results.Single().Evaluation.Score, 6);
        Assert.Equal(StatusCode.PermissionDenied, reader.StatusCode);
    }

    [Fact]
    public async Task A_gRPC_Web_message_over_the_limit_is_RESOURCE_EXHAUSTED_as_over_HTTP_2()
    {
        using var channel = GrpcWebTests.GrpcWebChannel(server.RestAddress, GrpcWebMode.GrpcWeb);
        var parcel = HandWorkedParcel.Input("WEB-BIG");
        parcel.Name = new string('x', SecuredServerFixture.MaxMessageBytes);

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            Client(channel).EvaluateParcelsAsync(new EvaluateParcelsRequest { Parcels = { parcel } }, Key(SecuredServerFixture.ReaderKey)).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Equal("MESSAGE_TOO_LARGE", ex.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
    }

    [Fact]
    public async Task Without_allowed_origins_no_answer_carries_CORS_headers()
    {
        using var http = new HttpClient { BaseAddress = server.RestAddress };
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/scoring.v1.ParcelService/EvaluateParcels");
        preflight.Headers.Add("Origin", "http://127.0.0.1:1");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type,x-grpc-web,x-api-key");

        using var response = await http.SendAsync(preflight);

        Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
    }
}
