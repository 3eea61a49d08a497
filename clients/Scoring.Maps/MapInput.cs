using NetTopologySuite.Geometries;

namespace Scoring.Maps;

/// <summary>The dispositions of the paper's Figure 3 legend, and parcels whose disposition is not known.</summary>
public enum MapDisposition
{
    /// <summary>正在推进: redevelopment under way.</summary>
    RedevelopmentUnderway,
    /// <summary>生态清退: ecological clearance.</summary>
    EcologicalClearance,
    /// <summary>地方上报: reported by its park or street.</summary>
    LocallyReported,
    /// <summary>低效认定: identified as inefficient.</summary>
    IdentifiedInefficient,
    /// <summary>现状保留: retained as it is.</summary>
    Retained,
    /// <summary>Not known (never evaluated, or an older record).</summary>
    Unknown,
}

/// <summary>The planner's layers a map may draw beneath the parcels.</summary>
public enum MapLayerKind
{
    /// <summary>城镇开发边界: the urban development boundary (an outline).</summary>
    DevelopmentBoundary,
    /// <summary>生态保护红线: the ecological protection red line.</summary>
    EcologicalRedLine,
    /// <summary>必须清退区.</summary>
    ClearanceMust,
    /// <summary>鼓励清退区.</summary>
    ClearanceEncouraged,
    /// <summary>可考虑清退区.</summary>
    ClearanceConsidered,
}

/// <summary>Why a parcel got its verdict, as the map page shows it on a click.</summary>
/// <param name="Elements">Element names and scores, in model order; empty when the source does not keep them.</param>
/// <param name="TopShortfalls">The indicators that cost the parcel most, largest first.</param>
/// <param name="FailedVetoes">The veto checks it failed.</param>
/// <param name="Modes">The redevelopment modes suggested.</param>
public sealed record ParcelExplanation(IReadOnlyList<ElementEntry> Elements, IReadOnlyList<string> TopShortfalls, IReadOnlyList<string> FailedVetoes,
    IReadOnlyList<string> Modes)
{
    /// <summary>Nothing known beyond the verdict.</summary>
    public static readonly ParcelExplanation None = new([], [], [], []);
}

/// <summary>One element's score in an explanation.</summary>
/// <param name="Name">The element's name (人口就业 …).</param>
/// <param name="Score">Its score; null when it had no data.</param>
public sealed record ElementEntry(string Name, double? Score);

/// <summary>A parcel to draw: its outline in its coordinate system, its disposition and what the page tells about it.</summary>
/// <param name="Id">Cadastral id.</param>
/// <param name="Outline">Polygon or multipolygon.</param>
/// <param name="Epsg">The outline's coordinate system (one the engine accepts).</param>
/// <param name="Disposition">Its colour on the map.</param>
/// <param name="Score">Composite score.</param>
/// <param name="Classification">Its classification as the page names it (低效(评分) …).</param>
/// <param name="Explanation">What a click shows.</param>
public sealed record MapParcel(string Id, Geometry Outline, int Epsg, MapDisposition Disposition, double Score, string Classification,
    ParcelExplanation Explanation);

/// <summary>One layer drawn beneath the parcels.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Features">Its polygons.</param>
/// <param name="Epsg">Their coordinate system.</param>
public sealed record MapLayer(MapLayerKind Kind, IReadOnlyList<Geometry> Features, int Epsg);

/// <summary>What a map shows: a title, parcels, layers.</summary>
/// <param name="Title">The title at the top (e.g. "江宁区低效工业用地识别结果").</param>
/// <param name="Parcels">The parcels, any order.</param>
/// <param name="Layers">The layers, drawn in this order beneath the parcels.</param>
public sealed record MapRequest(string Title, IReadOnlyList<MapParcel> Parcels, IReadOnlyList<MapLayer> Layers);
