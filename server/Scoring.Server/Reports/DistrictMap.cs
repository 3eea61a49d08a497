using Scoring.Engine.Evaluation;
using Scoring.Engine.Spatial;
using Scoring.Maps;
using Scoring.Server.Models;
using Scoring.Server.Spatial;
using Scoring.Storage.Evaluations;
using Scoring.Storage.Parcels;

namespace Scoring.Server.Reports;

/// <summary>
/// The district's view, as the paper's digital platform shows it: the page of GET /map, the Figure 3 map of the latest
/// evaluation of each parcel (of one street or unit, or all) with its outline from the indicator cache, over the layers in
/// force, as one self-contained HTML page (hover for the score, click for the explanation: the element scores, replayed
/// from the record's inputs, the top shortfalls, the failed vetoes and the suggested modes).
/// </summary>
public sealed class DistrictMap(IEvaluationStore history, IParcelStore parcels, LayerCatalog layers, ModelCatalog models, SpatialOptions spatial)
{
    /// <summary>Evaluations read per page, and parcels per outline query.</summary>
    public const int PageSize = 1000;

    private static readonly (LayerKind Kind, MapLayerKind Drawn)[] Beneath =
    [
        (LayerKind.DevelopmentBoundary, MapLayerKind.DevelopmentBoundary), (LayerKind.EcologicalRedLine, MapLayerKind.EcologicalRedLine),
        (LayerKind.ClearanceConsidered, MapLayerKind.ClearanceConsidered), (LayerKind.ClearanceEncouraged, MapLayerKind.ClearanceEncouraged),
        (LayerKind.ClearanceMust, MapLayerKind.ClearanceMust),
    ];

    /// <summary>The page for the parcels of <paramref name="street"/> and <paramref name="unit"/> (null or empty: every one).</summary>
    public async Task<string> PageAsync(string? street, string? unit, CancellationToken cancellationToken)
    {
        var request = await RequestAsync(street, unit, cancellationToken);
        return HtmlPage.Render(request, FigureBuilder.Build(request));
    }

    /// <summary>What the page draws: every latest evaluation of the selection whose parcel has an outline in the cache.</summary>
    public async Task<MapRequest> RequestAsync(string? street, string? unit, CancellationToken cancellationToken)
    {
        var filter = new EvaluationFilter { Street = Empty(street), UnitId = Empty(unit), LatestOnly = true, Order = EvaluationOrder.ParcelId };
        var document = models.Active.Document;
        var names = document.Elements.SelectMany(e => e.Indicators).Select(i => (i.Code, i.Name)).Concat(document.Vetoes.Select(v => (v.Code, v.Name)))
            .GroupBy(n => n.Code).ToDictionary(g => g.Key, g => g.First().Name, StringComparer.Ordinal);
        string Named(string code) => names.GetValueOrDefault(code, code);

        var drawn = new List<MapParcel>();
        string? token = null;
        do
        {
            var page = await history.ListAsync(filter, PageSize, token, cancellationToken);
            var outlines = await parcels.GetManyAsync([.. page.Evaluations.Select(e => e.Evaluation.ParcelId)], ParcelParts.Scoring, cancellationToken);
            foreach (var (_, e) in page.Evaluations)
            {
                if (!outlines.TryGetValue(e.ParcelId, out var cached) || cached.Attributes.Geometry is not { Length: > 0 } text) continue;
                var outline = ShapeReader.Parse(text, out var crs, out _);
                if (outline is null) continue;
                var explanation = new ParcelExplanation(ElementsOf(e), [.. (e.TopShortfalls ?? []).Select(Named)], [.. (e.FailedVetoes ?? []).Select(Named)],
                    [.. (e.RedevelopmentModes ?? []).Select(m => ChineseTerms.Of((RedevelopmentMode)m))]);
                drawn.Add(new MapParcel(e.ParcelId, outline, CoordinateSystems.Parse(crs) ?? spatial.DefaultEpsg, Drawn((Disposition)e.Disposition), e.Score,
                    ChineseTerms.Of((Classification)e.Classification), explanation));
            }
            token = page.NextPageToken;
        } while (token is not null);

        var beneath = Beneath.Where(b => layers.InForce.ContainsKey(b.Kind))
            .Select(b => new MapLayer(b.Drawn, layers.InForce[b.Kind].Features.Features, layers.InForce[b.Kind].Features.Epsg)).ToList();
        var title = string.Join(' ', new[] { Empty(street), Empty(unit) }.OfType<string>().Append("低效工业用地识别结果"));
        return new MapRequest(title, drawn, beneath);
    }

    // The element scores, replayed from the record's inputs under the version that made it (none when it is gone).
    private IReadOnlyList<ElementEntry> ElementsOf(EvaluationRecord e)
    {
        if (!models.Contains(e.ModelVersion)) return [];
        return [.. RecordedInputs.Elements(models.Resolve(e.ModelVersion), e.ParcelId, e.InputsJson).Select(el => new ElementEntry(el.Name, el.Missing ? null : el.Score))];
    }

    private static string? Empty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static MapDisposition Drawn(Disposition d) => d switch
    {
        Disposition.Retained => MapDisposition.Retained,
        Disposition.IdentifiedInefficient => MapDisposition.IdentifiedInefficient,
        Disposition.LocallyReported => MapDisposition.LocallyReported,
        Disposition.EcologicalClearance => MapDisposition.EcologicalClearance,
        Disposition.RedevelopmentUnderway => MapDisposition.RedevelopmentUnderway,
        _ => MapDisposition.Unknown,
    };
}
