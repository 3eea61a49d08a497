using System.Globalization;
using System.Security;
using System.Text;

namespace Scoring.Maps;

/// <summary>
/// Writes a <see cref="Figure"/> as SVG 1.1, directly: one path per area (even-odd fill), the layers and parcels clipped
/// to the frame, each parcel's path carrying <c>class="parcel"</c> and <c>data-id</c>. Texts name a CJK font first.
/// </summary>
public static class SvgRenderer
{
    /// <summary>The font the texts ask for, CJK faces first.</summary>
    public const string FontFamily = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif";

    /// <summary>The SVG document.</summary>
    public static string Render(Figure figure)
    {
        var svg = new StringBuilder(64 * 1024 + figure.Parcels.Count * 160);
        Write(figure, svg);
        return svg.ToString();
    }

    /// <summary>Appends the SVG element to <paramref name="svg"/> (an HTML page inlines it so).</summary>
    public static void Write(Figure figure, StringBuilder svg)
    {
        var (fx, fy, fw, fh) = figure.Frame;
        svg.Append(CultureInfo.InvariantCulture,
            $"""<svg xmlns="http://www.w3.org/2000/svg" width="{N(figure.Width)}" height="{N(figure.Height)}" viewBox="0 0 {N(figure.Width)} {N(figure.Height)}" font-family="{FontFamily}">""");
        svg.Append('\n');
        svg.Append(CultureInfo.InvariantCulture, $"""<rect width="{N(figure.Width)}" height="{N(figure.Height)}" fill="#ffffff"/>""");
        svg.Append(CultureInfo.InvariantCulture, $"""<defs><clipPath id="frame"><rect x="{N(fx)}" y="{N(fy)}" width="{N(fw)}" height="{N(fh)}"/></clipPath></defs>""");
        svg.Append("\n<g clip-path=\"url(#frame)\">\n<g id=\"layers\">\n");
        foreach (var mark in figure.Beneath) Mark(svg, mark);
        svg.Append("</g>\n<g id=\"parcels\">\n");
        foreach (var area in figure.Parcels) Mark(svg, area);
        svg.Append("</g>\n</g>\n<g id=\"furniture\">\n");
        foreach (var mark in figure.Furniture) Mark(svg, mark);
        svg.Append("</g>\n</svg>\n");
    }

    private static void Mark(StringBuilder svg, Mark mark)
    {
        switch (mark)
        {
            case Area a:
                svg.Append("<path");
                if (a.ParcelId is { } id) svg.Append(" class=\"parcel\" data-id=\"").Append(SecurityElement.Escape(id)).Append('"');
                svg.Append(" d=\"");
                foreach (var ring in a.Rings)
                {
                    for (var i = 0; i < ring.Count; i++)
                        svg.Append(i == 0 ? 'M' : 'L').Append(N(ring[i].X)).Append(' ').Append(N(ring[i].Y));
                    svg.Append('Z');
                }
                svg.Append("\" fill-rule=\"evenodd\"");
                Paint(svg, "fill", a.Fill);
                Paint(svg, "stroke", a.Stroke);
                svg.Append(" stroke-width=\"").Append(N(a.StrokeWidth)).Append('"');
                if (a.Dashed) svg.Append(" stroke-dasharray=\"6 4\"");
                svg.Append("/>\n");
                break;
            case Line l:
                svg.Append("<polyline fill=\"none\" points=\"").AppendJoin(' ', l.Points.Select(p => N(p.X) + "," + N(p.Y))).Append('"');
                Paint(svg, "stroke", l.Stroke);
                svg.Append(" stroke-width=\"").Append(N(l.Width)).Append("\"/>\n");
                break;
            case Label t:
                svg.Append(CultureInfo.InvariantCulture, $"""<text x="{N(t.At.X)}" y="{N(t.At.Y)}" font-size="{N(t.Size)}" fill="#222222" """);
                svg.Append(t.Anchor switch { TextAnchor.Middle => "text-anchor=\"middle\"", TextAnchor.End => "text-anchor=\"end\"", _ => "text-anchor=\"start\"" });
                if (t.Bold) svg.Append(" font-weight=\"bold\"");
                svg.Append('>').Append(SecurityElement.Escape(t.Content)).Append("</text>\n");
                break;
        }
    }

    private static void Paint(StringBuilder svg, string what, Rgb colour)
    {
        svg.Append(' ').Append(what).Append("=\"").Append(colour.Alpha == 0 ? "none" : colour.Hex).Append('"');
        if (colour.Alpha is > 0 and < 1) svg.Append(' ').Append(what).Append("-opacity=\"").Append(N(colour.Alpha)).Append('"');
    }

    private static string N(double v) => Math.Round(v, 1).ToString("0.#", CultureInfo.InvariantCulture);
}
