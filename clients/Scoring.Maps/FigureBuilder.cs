using System.Globalization;
using NetTopologySuite.Geometries;
using Scoring.Engine.Spatial;

namespace Scoring.Maps;

/// <summary>
/// Lays a map out once, for every renderer: the parcels and layers in the Gauss–Krüger frame of the map's zone (metres,
/// so the scale bar is true), fitted into the frame; the title above; the legend with the count of each entry, the
/// layers' legend, the north arrow and the scale bar around it.
/// </summary>
public static class FigureBuilder
{
    /// <summary>Page width in pixels.</summary>
    public const double PageWidth = 1600;
    /// <summary>Page height in pixels.</summary>
    public const double PageHeight = 1200;

    private const double Margin = 30, TitleHeight = 80, LegendWidth = 300, BottomHeight = 70;
    private static readonly Rgb Ink = Rgb.Of("#222222"), Paper = Rgb.Of("#ffffff"), Edge = Rgb.Of("#555555");

    /// <summary>Lays out <paramref name="request"/>; a request without parcels or layers gives the frame, title and legend alone.</summary>
    public static Figure Build(MapRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var frame = (X: Margin, Y: TitleHeight, W: PageWidth - LegendWidth - 2 * Margin, H: PageHeight - TitleHeight - BottomHeight);
        var zone = Zone(request);
        var parcels = request.Parcels.Select(p => (Parcel: p, Planar: CoordinateSystems.ToPlanar(p.Outline, p.Epsg, zone))).ToList();
        var layers = request.Layers.Select(l => (Layer: l, Planar: l.Features.Select(f => CoordinateSystems.ToPlanar(f, l.Epsg, zone)).ToList())).ToList();

        var extent = new Envelope();
        foreach (var (_, planar) in parcels) extent.ExpandToInclude(planar.EnvelopeInternal);
        if (extent.IsNull)
            foreach (var (_, planar) in layers) foreach (var g in planar) extent.ExpandToInclude(g.EnvelopeInternal);
        if (extent.IsNull) extent = new Envelope(0, 1000, 0, 1000);
        extent.ExpandBy(Math.Max(extent.Width, extent.Height) * 0.03 + 1);
        var scale = Math.Min(frame.W / extent.Width, frame.H / extent.Height); // pixels per metre
        var offsetX = frame.X + (frame.W - extent.Width * scale) / 2;
        var offsetY = frame.Y + (frame.H + extent.Height * scale) / 2;
        PagePoint ToPage(Coordinate c) => new(offsetX + (c.X - extent.MinX) * scale, offsetY - (c.Y - extent.MinY) * scale);

        var beneath = new List<Mark>();
        foreach (var (layer, planar) in layers)
        {
            var (fill, stroke, dashed) = Legend.Style(layer.Kind);
            foreach (var g in planar) beneath.Add(new Area(Rings(g, ToPage), fill, stroke, 1.5, dashed));
        }
        var parcelAreas = parcels.Select(p => new Area(Rings(p.Planar, ToPage), Legend.Fill(p.Parcel.Disposition), Edge, 0.4, ParcelId: p.Parcel.Id)).ToList();

        var counts = Legend.Order.Select(d => (d, request.Parcels.Count(p => p.Disposition == d))).ToList();
        var unknown = request.Parcels.Count(p => p.Disposition == MapDisposition.Unknown);
        if (unknown > 0) counts.Add((MapDisposition.Unknown, unknown));

        var furniture = new List<Mark>
        {
            new Label(new(PageWidth / 2, 52), request.Title, 34, TextAnchor.Middle, Bold: true),
            new Line([new(frame.X, frame.Y), new(frame.X + frame.W, frame.Y), new(frame.X + frame.W, frame.Y + frame.H), new(frame.X, frame.Y + frame.H), new(frame.X, frame.Y)], Ink, 1.5),
        };
        furniture.AddRange(LegendMarks(counts, request.Layers.Select(l => l.Kind).Distinct().ToList(), request.Parcels.Count, frame.X + frame.W + 30, frame.Y + 10));
        furniture.AddRange(NorthArrow(frame.X + frame.W - 50, frame.Y + 20));
        furniture.AddRange(ScaleBar(scale, frame.X + 10, frame.Y + frame.H + 40));
        return new Figure(PageWidth, PageHeight, frame, beneath, parcelAreas, furniture, counts);
    }

    // The zone of the first parcel (else the first layer), so every shape lands in one metric frame.
    private static int Zone(MapRequest request)
    {
        if (request.Parcels.Count > 0) return CoordinateSystems.FrameZone(request.Parcels[0].Outline, request.Parcels[0].Epsg);
        var layer = request.Layers.FirstOrDefault(l => l.Features.Count > 0);
        return layer is null ? 40 : CoordinateSystems.FrameZone(layer.Features[0], layer.Epsg);
    }

    private static List<IReadOnlyList<PagePoint>> Rings(Geometry g, Func<Coordinate, PagePoint> toPage)
    {
        var rings = new List<IReadOnlyList<PagePoint>>();
        for (var i = 0; i < g.NumGeometries; i++)
        {
            if (g.GetGeometryN(i) is not Polygon p) continue;
            rings.Add([.. p.ExteriorRing.Coordinates.Select(toPage)]);
            foreach (var hole in p.InteriorRings) rings.Add([.. hole.Coordinates.Select(toPage)]);
        }
        return rings;
    }

    private static IEnumerable<Mark> LegendMarks(IReadOnlyList<(MapDisposition Disposition, int Count)> counts, IReadOnlyList<MapLayerKind> layers, int total,
        double x, double y)
    {
        yield return new Label(new(x, y + 24), "图例", 24, Bold: true);
        y += 50;
        foreach (var (d, count) in counts)
        {
            yield return Swatch(x, y, Legend.Fill(d), Edge, dashed: false);
            yield return new Label(new(x + 44, y + 20), Legend.Name(d), 20);
            yield return new Label(new(x + 250, y + 20), $"{count.ToString("N0", CultureInfo.InvariantCulture)} 宗", 20, TextAnchor.End);
            y += 38;
        }
        yield return new Label(new(x, y + 22), $"共 {total.ToString("N0", CultureInfo.InvariantCulture)} 宗地块", 18);
        y += 52;
        foreach (var kind in layers)
        {
            var (fill, stroke, dashed) = Legend.Style(kind);
            yield return Swatch(x, y, fill, stroke, dashed);
            yield return new Label(new(x + 44, y + 20), Legend.Name(kind), 18);
            y += 36;
        }
    }

    private static Area Swatch(double x, double y, Rgb fill, Rgb stroke, bool dashed) =>
        new([[new(x, y), new(x + 32, y), new(x + 32, y + 24), new(x, y + 24), new(x, y)]], fill, stroke, 1.2, dashed);

    // An arrow pointing up (grid north of the frame, which is true north at the zone's central meridian) with an N.
    private static IEnumerable<Mark> NorthArrow(double x, double y)
    {
        yield return new Area([[new(x, y), new(x + 14, y + 46), new(x, y + 36), new(x, y)]], Ink, Ink, 1);
        yield return new Area([[new(x, y), new(x, y + 36), new(x - 14, y + 46), new(x, y)]], Paper, Ink, 1);
        yield return new Label(new(x, y + 70), "N", 20, TextAnchor.Middle, Bold: true);
    }

    // A bar of a round length (1, 2 or 5 × 10ⁿ m) about a fifth of the frame wide, in two halves, labelled in m or km.
    private static IEnumerable<Mark> ScaleBar(double pixelsPerMetre, double x, double y)
    {
        var target = 260 / pixelsPerMetre;
        var power = Math.Pow(10, Math.Floor(Math.Log10(target)));
        var metres = new[] { 5, 2, 1 }.Select(f => f * power).First(m => m <= target);
        var width = metres * pixelsPerMetre;
        yield return new Area([[new(x, y), new(x + width / 2, y), new(x + width / 2, y + 8), new(x, y + 8), new(x, y)]], Ink, Ink, 1);
        yield return new Area([[new(x + width / 2, y), new(x + width, y), new(x + width, y + 8), new(x + width / 2, y + 8), new(x + width / 2, y)]], Paper, Ink, 1);
        yield return new Label(new(x, y - 6), "0", 16, TextAnchor.Middle);
        yield return new Label(new(x + width / 2, y - 6), Distance(metres / 2), 16, TextAnchor.Middle);
        yield return new Label(new(x + width, y - 6), Distance(metres), 16, TextAnchor.Middle);
    }

    private static string Distance(double metres) => metres >= 1000
        ? (metres / 1000).ToString("0.##", CultureInfo.InvariantCulture) + " km"
        : metres.ToString("0.##", CultureInfo.InvariantCulture) + " m";
}
