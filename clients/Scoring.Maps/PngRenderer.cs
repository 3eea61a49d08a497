using System.Reflection;
using SkiaSharp;

namespace Scoring.Maps;

/// <summary>
/// Draws a <see cref="Figure"/> as PNG through SkiaSharp (its native library ships in the package, no system packages),
/// with the font shipped in this library (a GB2312 subset of Noto Sans CJK SC), so Chinese is drawn, never boxes.
/// </summary>
public static class PngRenderer
{
    private static readonly Lazy<SKTypeface> Font = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Scoring.Maps.Fonts.NotoSansSC-Regular-GB2312.otf")
            ?? throw new InvalidOperationException("the map's font is missing from the assembly");
        return SKTypeface.FromStream(stream) ?? throw new InvalidOperationException("the map's font cannot be read");
    });

    /// <summary>The family name of the shipped font ("Noto Sans CJK SC").</summary>
    public static string FontFamily => Font.Value.FamilyName;

    /// <summary>Whether the shipped font has a glyph for every character of <paramref name="text"/>.</summary>
    public static bool CanDraw(string text)
    {
        using var font = new SKFont(Font.Value);
        return font.ContainsGlyphs(text);
    }

    /// <summary>Writes the PNG to <paramref name="output"/>.</summary>
    public static void Render(Figure figure, Stream output)
    {
        using var surface = SKSurface.Create(new SKImageInfo((int)figure.Width, (int)figure.Height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException("Skia could not make a surface");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        var (fx, fy, fw, fh) = figure.Frame;
        canvas.Save();
        canvas.ClipRect(new SKRect((float)fx, (float)fy, (float)(fx + fw), (float)(fy + fh)));
        foreach (var mark in figure.Beneath) Draw(canvas, mark);
        foreach (var area in figure.Parcels) Draw(canvas, area);
        canvas.Restore();
        foreach (var mark in figure.Furniture) Draw(canvas, mark);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        data.SaveTo(output);
    }

    private static void Draw(SKCanvas canvas, Mark mark)
    {
        switch (mark)
        {
            case Area a:
            {
                using var builder = new SKPathBuilder { FillType = SKPathFillType.EvenOdd };
                foreach (var ring in a.Rings)
                {
                    if (ring.Count == 0) continue;
                    builder.MoveTo((float)ring[0].X, (float)ring[0].Y);
                    for (var i = 1; i < ring.Count; i++) builder.LineTo((float)ring[i].X, (float)ring[i].Y);
                    builder.Close();
                }
                using var path = builder.Detach();
                if (a.Fill.Alpha > 0)
                {
                    using var fill = new SKPaint { Style = SKPaintStyle.Fill, Color = Colour(a.Fill), IsAntialias = true };
                    canvas.DrawPath(path, fill);
                }
                using var stroke = new SKPaint { Style = SKPaintStyle.Stroke, Color = Colour(a.Stroke), StrokeWidth = (float)a.StrokeWidth, IsAntialias = true };
                if (a.Dashed) stroke.PathEffect = SKPathEffect.CreateDash([6, 4], 0);
                canvas.DrawPath(path, stroke);
                break;
            }
            case Line l:
            {
                using var paint = new SKPaint { Style = SKPaintStyle.Stroke, Color = Colour(l.Stroke), StrokeWidth = (float)l.Width, IsAntialias = true };
                for (var i = 1; i < l.Points.Count; i++)
                    canvas.DrawLine((float)l.Points[i - 1].X, (float)l.Points[i - 1].Y, (float)l.Points[i].X, (float)l.Points[i].Y, paint);
                break;
            }
            case Label t:
            {
                using var font = new SKFont(Font.Value, (float)t.Size) { Embolden = t.Bold, Subpixel = true };
                using var paint = new SKPaint { Color = new SKColor(0x22, 0x22, 0x22), IsAntialias = true };
                var align = t.Anchor switch { TextAnchor.Middle => SKTextAlign.Center, TextAnchor.End => SKTextAlign.Right, _ => SKTextAlign.Left };
                canvas.DrawText(t.Content, (float)t.At.X, (float)t.At.Y, align, font, paint);
                break;
            }
        }
    }

    private static SKColor Colour(Rgb c) => new(c.R, c.G, c.B, (byte)Math.Round(c.Alpha * 255));
}
