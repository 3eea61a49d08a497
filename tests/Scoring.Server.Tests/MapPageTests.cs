using System.Diagnostics;
using System.Net;
using Scoring.Testing;
using Scoring.V1;
using SkiaSharp;

namespace Scoring.Server.Tests;

/// <summary>
/// GET /map, the district's view: three parcels of 地图街道 with outlines in EPSG:4549 stored and evaluated through a real
/// server — M1 hand-worked (现状保留), M2 with a veto failed (低效认定), M3 in the ecological red line (生态清退) — and M4 of
/// another street; the page loaded by Debian's chromium, headless, from the server's REST port.
/// </summary>
public sealed class MapPageTests(DistrictListFixture server) : IClassFixture<DistrictListFixture>, IAsyncLifetime
{
    private const string Street = "地图街道";
    private static readonly SemaphoreSlim Once = new(1, 1);
    private static readonly HashSet<Uri> Stored = [];

    private string PageUrl => $"{server.RestAddress}map?street={Uri.EscapeDataString(Street)}";

    public async Task InitializeAsync()
    {
        await Once.WaitAsync();
        try
        {
            if (!Stored.Add(server.Address)) return;
            static ParcelInput Placed(string id, double x, double y, string street)
            {
                var p = HandWorkedParcel.Input(id);
                p.Street = street;
                p.Geometry = $"SRID=4549;POLYGON (({x} {y}, {x + 100} {y}, {x + 100} {y + 100}, {x} {y + 100}, {x} {y}))";
                return p;
            }
            var m2 = Placed("M2", 390900, 3536000, Street);
            m2.Vetoes[DefaultModelCodes.Vetoes[0]] = false;
            var m3 = Placed("M3", 390000, 3536700, Street);
            m3.InEcologicalRedLine = true;
            using (var call = new ParcelService.ParcelServiceClient(server.Channel).UpsertParcels())
            {
                var chunk = new UpsertParcelsRequest { Source = "map-test", AsOf = "2026-01-01" };
                chunk.Parcels.Add([Placed("M1", 390000, 3536000, Street), m2, m3, Placed("M4", 391000, 3537000, "别的街道")]);
                await call.RequestStream.WriteAsync(chunk);
                Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
                Assert.Equal(4, call.ResponseStream.Current.Accepted);
                await call.RequestStream.CompleteAsync();
            }
            var scoring = new ScoringService.ScoringServiceClient(server.Channel);
            foreach (var id in new[] { "M1", "M2", "M3", "M4" })
                await scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = new ParcelInput { ParcelId = id } });
        }
        finally
        {
            Once.Release();
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_page_of_a_street_draws_its_parcels_with_their_explanations()
    {
        using var http = new HttpClient { BaseAddress = server.RestAddress };

        using var response = await http.GetAsync(PageUrl);
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(3, Count(page, "class=\"parcel\""));
        Assert.Contains("data-id=\"M2\"", page);
        Assert.DoesNotContain("data-id=\"M4\"", page);
        Assert.Contains("<title>地图街道 低效工业用地识别结果</title>", page);
        // M2's explanation names the veto it failed by the model's name.
        Assert.Contains("\"M2\":{\"score\":0.7363", page);
        Assert.Contains(System.Text.Json.JsonSerializer.Serialize(DefaultModel.Model.Document.Vetoes[0].Name), page);
        // The element scores, which the record does not keep, replayed from its inputs: the hand-worked parcel's
        // 0.532, 0.864, 0.763, 0.776, 0.700, 0.566 under the elements' names (人口就业, 土地利用, …).
        var m1 = page[page.IndexOf("\"M1\":{", StringComparison.Ordinal)..];
        var elements = System.Text.RegularExpressions.Regex.Matches(m1[..m1.IndexOf("\"shortfalls\"", StringComparison.Ordinal)], @"\[""([^""]+)"",([0-9.]+)\]");
        Assert.Equal(DefaultModel.Model.Document.Elements.Select(e => System.Text.Json.JsonSerializer.Serialize(e.Name).Trim('"')), elements.Select(m => m.Groups[1].Value));
        Assert.Equal(HandWorkedParcel.ElementScores, elements.Select(m => double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [ToolFact("chromium", "chromium")]
    public async Task Chromium_renders_the_parcels_of_the_page_with_no_console_error()
    {
        var folder = Directory.CreateTempSubdirectory("scoring-map-");
        try
        {
            var screenshot = Path.Combine(folder.FullName, "map.png");
            var dom = await ChromiumAsync(folder.FullName, "--dump-dom", PageUrl);
            var shot = await ChromiumAsync(folder.FullName, $"--screenshot={screenshot}", PageUrl);

            // The DOM after the script ran: three parcel paths, each wired (the page counts them when it is done).
            Assert.Equal(3, Count(dom.Out, "class=\"parcel\""));
            Assert.Contains("data-parcels=\"3\"", dom.Out);
            foreach (var log in new[] { dom.Err, shot.Err })
            {
                Assert.DoesNotContain("Uncaught", log);
                Assert.DoesNotMatch(@"CONSOLE\(\d+\).*(error|Error)", log);
            }
            // The screenshot shows each parcel in its legend colour: 低效认定 red, 现状保留 grey, 生态清退 green.
            using var bitmap = SKBitmap.Decode(screenshot);
            Assert.NotNull(bitmap);
            var colours = new HashSet<SKColor>();
            for (var x = 0; x < bitmap.Width; x += 2)
                for (var y = 0; y < bitmap.Height; y += 2)
                    colours.Add(bitmap.GetPixel(x, y).WithAlpha(255));
            Assert.Contains(new SKColor(0xd7, 0x19, 0x1c), colours);
            Assert.Contains(new SKColor(0xc8, 0xc8, 0xc8), colours);
            Assert.Contains(new SKColor(0x1a, 0x96, 0x41), colours);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    // Headless chromium as Debian installs it (as root it needs --no-sandbox), its own profile, at most a minute; more
    // switches in `flags` (the gRPC-Web page's test gives its script time to finish its call).
    internal static async Task<(string Out, string Err)> ChromiumAsync(string folder, string what, string url, params string[] flags)
    {
        var info = new ProcessStartInfo(InstalledTools.Find("chromium") ?? "chromium")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        string[] arguments = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--window-size=1600,1200",
            $"--user-data-dir={Path.Combine(folder, "profile")}", "--enable-logging=stderr", "--v=0", .. flags, what, url];
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"chromium {what} did not finish in 60 s: {await error}");
        }
        return (await output, await error);
    }

    private static int Count(string text, string part) => text.Split(part).Length - 1;
}

/// <summary>GET /map on a server that requires credentials: readers only, as every REST read.</summary>
public sealed class MapPageSecurityTests(SecuredServerFixture server) : IClassFixture<SecuredServerFixture>
{
    // The fixture listens on one HTTP/2 cleartext endpoint: asked with prior knowledge.
    private async Task<HttpStatusCode> GetAsync(string? key)
    {
        using var http = new HttpClient { BaseAddress = server.Address };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/map") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        if (key is not null) request.Headers.Add("x-api-key", key);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task The_map_page_is_for_readers_with_a_key()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(null));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync("not-a-key"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(SecuredServerFixture.ReaderKey));
    }
}
