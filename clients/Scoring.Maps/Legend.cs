namespace Scoring.Maps;

/// <summary>An RGB colour with opacity, as both renderers take it.</summary>
/// <param name="R">Red.</param>
/// <param name="G">Green.</param>
/// <param name="B">Blue.</param>
/// <param name="Alpha">Opacity, 0 to 1.</param>
public readonly record struct Rgb(byte R, byte G, byte B, double Alpha = 1)
{
    /// <summary>#rrggbb.</summary>
    public string Hex => $"#{R:x2}{G:x2}{B:x2}";

    /// <summary>From #rrggbb.</summary>
    public static Rgb Of(string hex, double alpha = 1) =>
        new(Convert.ToByte(hex[1..3], 16), Convert.ToByte(hex[3..5], 16), Convert.ToByte(hex[5..7], 16), alpha);
}

/// <summary>The paper's legend (Figure 3) and the layers' styles: names in Chinese, colours.</summary>
public static class Legend
{
    /// <summary>The legend entries, in the paper's order: 正在推进 / 生态清退 / 地方上报 / 低效认定 / 现状保留.</summary>
    public static readonly IReadOnlyList<MapDisposition> Order =
    [
        MapDisposition.RedevelopmentUnderway, MapDisposition.EcologicalClearance, MapDisposition.LocallyReported,
        MapDisposition.IdentifiedInefficient, MapDisposition.Retained,
    ];

    /// <summary>The legend's name of a disposition.</summary>
    public static string Name(MapDisposition d) => d == MapDisposition.Unknown ? "未评价" : ChineseTerms.Of(d);

    /// <summary>The fill of a disposition.</summary>
    public static Rgb Fill(MapDisposition d) => d switch
    {
        MapDisposition.RedevelopmentUnderway => Rgb.Of("#7b3294"),
        MapDisposition.EcologicalClearance => Rgb.Of("#1a9641"),
        MapDisposition.LocallyReported => Rgb.Of("#fdae61"),
        MapDisposition.IdentifiedInefficient => Rgb.Of("#d7191c"),
        MapDisposition.Retained => Rgb.Of("#c8c8c8"),
        _ => Rgb.Of("#ffffff"),
    };

    /// <summary>The name of a layer.</summary>
    public static string Name(MapLayerKind k) => ChineseTerms.Of(k);

    /// <summary>A layer's fill (light, beneath the parcels) and outline.</summary>
    public static (Rgb Fill, Rgb Stroke, bool Dashed) Style(MapLayerKind k) => k switch
    {
        MapLayerKind.DevelopmentBoundary => (Rgb.Of("#ffffff", 0), Rgb.Of("#2c7bb6"), true),
        MapLayerKind.EcologicalRedLine => (Rgb.Of("#a6d96a", 0.45), Rgb.Of("#1a9641"), false),
        MapLayerKind.ClearanceMust => (Rgb.Of("#f4a582", 0.45), Rgb.Of("#ca0020"), true),
        MapLayerKind.ClearanceEncouraged => (Rgb.Of("#fddbc7", 0.55), Rgb.Of("#f4a582"), true),
        _ => (Rgb.Of("#fff7bc", 0.6), Rgb.Of("#d9b300"), true),
    };
}
