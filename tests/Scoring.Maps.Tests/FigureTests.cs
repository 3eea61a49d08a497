using NetTopologySuite.Geometries;
using SkiaSharp;

namespace Scoring.Maps.Tests;

/// <summary>
/// The Figure 3 map of three 100 m × 100 m parcels in EPSG:4549 (GK CM 120°E, the frame itself: no shift), laid out by
/// hand: the parcels span x 390,000–391,000 and y 3,536,000–3,536,800 m; 3 % of the longer side plus 1 m (31 m) on each side
/// gives 1,062 × 862 m; the frame is 1,240 × 1,050 px at (30, 80), so the scale is min(1240/1062, 1050/862) = 1.167608 px/m,
/// the map fills the frame's width (offset x 30) and is centred in its height (bottom at 80 + (1050 + 862 × 1.167608)/2 = 1108.24).
/// </summary>
public sealed class FigureTests
{
    private static readonly GeometryFactory Factory = new();

    private static Polygon Square(double x, double y) =>
        Factory.CreatePolygon([new(x, y), new(x + 100, y), new(x + 100, y + 100), new(x, y + 100), new(x, y)]);

    private static MapParcel Parcel(string id, double x, double y, MapDisposition d, double score, string classification) =>
        new(id, Square(x, y), 4549, d, score, classification,
            new ParcelExplanation([new("土地利用", 0.41), new("经济效益", null)], ["容积率", "地均税收"], ["是否符合安全要求"], ["工改高标准厂房"]));

    private static readonly MapRequest District = new("测试区低效工业用地", [
        Parcel("A", 390000, 3536000, MapDisposition.IdentifiedInefficient, 0.41, "低效(评分)"),
        Parcel("B", 390900, 3536000, MapDisposition.Retained, 0.81, "非低效"),
        Parcel("C", 390000, 3536700, MapDisposition.EcologicalClearance, 0.7, "非低效"),
    ], [new MapLayer(MapLayerKind.EcologicalRedLine, [Factory.CreatePolygon([new(389900, 3536600), new(390300, 3536600), new(390300, 3537000), new(389900, 3537000), new(389900, 3536600)])], 4549)]);

    // Parcel centres on the page: x = 30 + (X − 389,969) × 1.167608, y = 1108.24 − (Y − 3,535,969) × 1.167608.
    // A (390,050, 3,536,050): (124.6, 1013.7); B (390,950, 3,536,050): (1175.4, 1013.7).

    [Fact]
    public void The_legend_counts_each_disposition_in_the_papers_order()
    {
        var figure = FigureBuilder.Build(District);

        Assert.Equal([(MapDisposition.RedevelopmentUnderway, 0), (MapDisposition.EcologicalClearance, 1), (MapDisposition.LocallyReported, 0),
            (MapDisposition.IdentifiedInefficient, 1), (MapDisposition.Retained, 1)], figure.Counts);
        var labels = figure.Furniture.OfType<Label>().Select(l => l.Content).ToList();
        Assert.Equal(["正在推进", "生态清退", "地方上报", "低效认定", "现状保留"], labels.Where(l => l.Length == 4 && Legend.Order.Any(d => Legend.Name(d) == l)));
        Assert.Contains("1 宗", labels);
        Assert.Contains("共 3 宗地块", labels);
        Assert.Contains("生态保护红线", labels);
        Assert.Contains("测试区低效工业用地", labels);
    }

    [Fact]
    public void The_parcels_land_where_the_frame_and_scale_put_them_and_the_scale_bar_is_true()
    {
        var figure = FigureBuilder.Build(District);

        var a = figure.Parcels.Single(p => p.ParcelId == "A").Rings.Single();
        Assert.Equal(30 + 31 * 1.167608, a[0].X, 2);           // (390,000, 3,536,000): the south-west corner
        Assert.Equal(1108.239 - 31 * 1.167608, a[0].Y, 2);
        Assert.Equal(100 * 1.167608, a[1].X - a[0].X, 3);      // 100 m wide
        // 260 px is 222.7 m: the bar is 200 m (233.5 px) in two halves, labelled 0, 100 m, 200 m.
        var labels = figure.Furniture.OfType<Label>().Select(l => l.Content).ToList();
        Assert.Contains("100 m", labels);
        Assert.Contains("200 m", labels);
        var bar = figure.Furniture.OfType<Area>().Where(x => x.Rings.Single().Count == 5 && x.Rings.Single()[0].Y > 1150).ToList();
        Assert.Equal(200 * 1.167608, bar.Max(x => x.Rings.Single().Max(p => p.X)) - bar.Min(x => x.Rings.Single().Min(p => p.X)), 2);
    }

    [Fact]
    public void The_PNG_paints_each_parcel_in_its_legend_colour_and_draws_the_Chinese_legend()
    {
        using var png = new MemoryStream();

        PngRenderer.Render(FigureBuilder.Build(District), png);

        using var bitmap = SKBitmap.Decode(png.ToArray());
        Assert.Equal((1600, 1200), (bitmap.Width, bitmap.Height));
        Assert.Equal(new SKColor(0xd7, 0x19, 0x1c), bitmap.GetPixel(125, 1014));   // A, 低效认定
        Assert.Equal(new SKColor(0xc8, 0xc8, 0xc8), bitmap.GetPixel(1175, 1014));  // B, 现状保留
        // The legend's 低效认定 swatch: fourth entry, at (1300, 140 + 3 × 38).
        Assert.Equal(new SKColor(0xd7, 0x19, 0x1c), bitmap.GetPixel(1316, 266));
        // Its name beside it, from x 1344 on the baseline 274: ink, drawn with the shipped CJK font.
        var ink = 0;
        for (var x = 1344; x < 1430; x++)
            for (var y = 256; y < 278; y++)
                if (bitmap.GetPixel(x, y).Red < 128) ink++;
        Assert.InRange(ink, 80, 1200);
        Assert.True(PngRenderer.CanDraw("低效认定正在推进生态清退地方上报现状保留图例宗地块秣陵街道"));
        Assert.Equal("Noto Sans CJK SC", PngRenderer.FontFamily);
    }

    [Fact]
    public void The_SVG_holds_one_path_per_parcel_named_by_its_id_and_the_legend_in_Chinese()
    {
        var svg = SvgRenderer.Render(FigureBuilder.Build(District));

        Assert.StartsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1600\" height=\"1200\"", svg);
        Assert.Equal(3, CountOf(svg, "class=\"parcel\""));
        Assert.Contains("class=\"parcel\" data-id=\"A\" d=\"M66.2 1072L183 1072L183 955.3L66.2 955.3L66.2 1072Z\"", svg);
        Assert.Contains("fill=\"#d7191c\"", svg);
        Assert.Contains(">低效认定</text>", svg);
        Assert.Contains(">生态保护红线</text>", svg);
        Assert.Contains("clip-path=\"url(#frame)\"", svg);
    }

    [Fact]
    public void The_HTML_page_is_self_contained_and_carries_each_parcels_explanation()
    {
        var html = HtmlPage.Render(District, FigureBuilder.Build(District));

        // No request leaves the page: the only address in it is the SVG namespace.
        Assert.Equal(CountOf(html, "http"), CountOf(html, "http://www.w3.org/2000/svg"));
        Assert.DoesNotContain("src=", html);
        Assert.Equal(3, CountOf(html, "class=\"parcel\""));
        Assert.Contains("\"A\":{\"score\":0.41,\"classification\":\"\\u4F4E\\u6548(\\u8BC4\\u5206)\"", html);
        Assert.Contains("\"shortfalls\":[\"\\u5BB9\\u79EF\\u7387\",\"\\u5730\\u5747\\u7A0E\\u6536\"]", html);
        Assert.Contains("addEventListener('click'", html);
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
