namespace Scoring.Maps;

/// <summary>A point on the page, in pixels from the top left.</summary>
/// <param name="X">Rightwards.</param>
/// <param name="Y">Downwards.</param>
public readonly record struct PagePoint(double X, double Y);

/// <summary>How a text is anchored at its point.</summary>
public enum TextAnchor
{
    /// <summary>The point is the start of the text.</summary>
    Start,
    /// <summary>The point is the middle.</summary>
    Middle,
    /// <summary>The point is the end.</summary>
    End,
}

/// <summary>Something drawn on the page.</summary>
public abstract record Mark;

/// <summary>Closed rings filled by the even-odd rule (a polygon with its holes, or several), outlined.</summary>
/// <param name="Rings">The rings, each a closed list of points.</param>
/// <param name="Fill">Fill colour.</param>
/// <param name="Stroke">Outline colour.</param>
/// <param name="StrokeWidth">Outline width in pixels.</param>
/// <param name="Dashed">Whether the outline is dashed.</param>
/// <param name="ParcelId">The parcel drawn, when it is one (the page's hover and click use it).</param>
public sealed record Area(IReadOnlyList<IReadOnlyList<PagePoint>> Rings, Rgb Fill, Rgb Stroke, double StrokeWidth, bool Dashed = false, string? ParcelId = null) : Mark;

/// <summary>An open line.</summary>
/// <param name="Points">Its points.</param>
/// <param name="Stroke">Colour.</param>
/// <param name="Width">Width in pixels.</param>
public sealed record Line(IReadOnlyList<PagePoint> Points, Rgb Stroke, double Width) : Mark;

/// <summary>A text.</summary>
/// <param name="At">Its anchor point (the baseline).</param>
/// <param name="Content">The text.</param>
/// <param name="Size">Font size in pixels.</param>
/// <param name="Anchor">How it sits on its point.</param>
/// <param name="Bold">Bold or regular.</param>
public sealed record Label(PagePoint At, string Content, double Size, TextAnchor Anchor = TextAnchor.Start, bool Bold = false) : Mark;

/// <summary>The drawing: the page's size, the map frame, and the marks in drawing order. Both renderers draw exactly this.</summary>
/// <param name="Width">Page width in pixels.</param>
/// <param name="Height">Page height in pixels.</param>
/// <param name="Frame">The map frame (marks inside it are clipped to it): left, top, width, height.</param>
/// <param name="Beneath">The layers' marks, clipped to the frame.</param>
/// <param name="Parcels">The parcels' marks, clipped to the frame.</param>
/// <param name="Furniture">Title, frame, legend, scale bar, north arrow: not clipped.</param>
/// <param name="Counts">Parcels per legend entry, in the legend's order.</param>
public sealed record Figure(double Width, double Height, (double X, double Y, double W, double H) Frame, IReadOnlyList<Mark> Beneath,
    IReadOnlyList<Area> Parcels, IReadOnlyList<Mark> Furniture, IReadOnlyList<(MapDisposition Disposition, int Count)> Counts);
