using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using NetTopologySuite.IO.Converters;
using Scoring.Cli.Input;
using Scoring.Cli.Output;
using Scoring.Cli.Terminal;
using Scoring.Client;
using Scoring.Engine.Spatial;
using Scoring.Maps;
using Scoring.V1;

namespace Scoring.Cli.Commands;

/// <summary>What <c>scoring map</c> was asked to draw.</summary>
internal sealed record MapSettings(Uri Server, ListEvaluationsRequest Request, string Output, string? Input, string? Title, bool Layers);

/// <summary>
/// <c>scoring map</c>: the paper's Figure 3 — the parcels coloured by disposition over the planner's layers, with the
/// legend in Chinese and its counts, a scale bar and a north arrow — as PNG, SVG or a self-contained HTML page, from the
/// latest evaluations the server keeps (filtered as <c>scoring list</c>) or from an evaluated file.
/// </summary>
internal static class MapCommand
{
    /// <summary>The layers drawn beneath the parcels, by the layer ids LayerService names them with.</summary>
    private static readonly (string LayerId, MapLayerKind Kind)[] Layers =
    [
        ("development_boundary", MapLayerKind.DevelopmentBoundary), ("ecological_red_line", MapLayerKind.EcologicalRedLine),
        ("clearance_considered", MapLayerKind.ClearanceConsidered), ("clearance_encouraged", MapLayerKind.ClearanceEncouraged),
        ("clearance_must", MapLayerKind.ClearanceMust),
    ];

    public static Command Build(CliContext ctx, Option<Uri> server)
    {
        var classification = VerdictOptions.Classification("Only parcels of this classification");
        var disposition = VerdictOptions.Disposition("Only parcels of this disposition");
        var street = new Option<string?>("--street") { Description = "Only parcels of this street (街道).", HelpName = "name" };
        var unit = new Option<string?>("--unit") { Description = "Only parcels of this management unit.", HelpName = "id" };
        var level = VerdictOptions.Level("Only parcels of this level");
        var modelVersion = new Option<string?>("--model-version") { Description = "Only evaluations made with this model version.", HelpName = "version" };
        var output = new Option<string>("--output", "-o")
        {
            Description = "The map: .png, .svg or .html (one self-contained page: hover a parcel for its score, click for its explanation).",
            Required = true,
            HelpName = "file",
        };
        var input = new Option<string?>("--input")
        {
            Description = "Draw an evaluated file instead of the server's evaluations: .geojson or .gpkg as evaluate or list write them (no layers are drawn).",
            HelpName = "file",
        };
        var title = new Option<string?>("--title") { Description = "The title (default: 低效工业用地识别结果, with the street or unit).", HelpName = "text" };
        var noLayers = new Option<bool>("--no-layers") { Description = "Leave out the layers in force (development boundary, red line, clearance zones)." };
        var command = new Command("map",
            "Draws the paper's Figure 3: the parcels coloured by disposition (正在推进 / 生态清退 / 地方上报 / 低效认定 / 现状保留) over the " +
            "development boundary, the ecological red line and the clearance zones, with the counts per legend entry, a scale bar and a north arrow.")
        {
            classification, disposition, street, unit, level, modelVersion, output, input, title, noLayers,
        };
        command.SetAction((parse, token) => RunAsync(new MapSettings(parse.GetValue(server)!, new ListEvaluationsRequest
        {
            Classification = parse.GetValue(classification), Disposition = parse.GetValue(disposition), Street = parse.GetValue(street) ?? "",
            UnitId = parse.GetValue(unit) ?? "", Level = parse.GetValue(level), ModelVersion = parse.GetValue(modelVersion) ?? "", LatestOnly = true,
            OrderBy = "parcel_id",
        }, parse.GetValue(output)!, parse.GetValue(input), parse.GetValue(title), !parse.GetValue(noLayers)), ctx, token));
        return command;
    }

    public static async Task<int> RunAsync(MapSettings settings, CliContext ctx, CancellationToken cancellationToken)
    {
        var format = Path.GetExtension(settings.Output).ToLowerInvariant();
        if (format is not (".png" or ".svg" or ".html"))
            return ctx.Fail(new UsageException($"output '{settings.Output}': a map is .png, .svg or .html, not '{format}'"));
        var title = settings.Title ?? string.Join(' ', new[] { settings.Request.Street, settings.Request.UnitId }.Where(s => s.Length > 0).Append("低效工业用地识别结果"));
        MapRequest request;
        int unshaped;
        if (settings.Input is { } path)
        {
            try
            {
                InputFile.Require(path, "input", ".geojson or .gpkg");
                (request, unshaped) = EvaluatedFile.Read(path, title);
            }
            catch (UsageException e)
            {
                return ctx.Fail(e);
            }
        }
        else
        {
            MapRequest? stored = null;
            var missing = 0;
            var exit = await Program.CallAsync(ctx, settings.Server, "ListEvaluations", async client =>
            {
                (stored, missing) = await FromServerAsync(client, settings, title, cancellationToken);
                return ExitCodes.Ok;
            });
            if (stored is null) return exit;
            (request, unshaped) = (stored, missing);
        }

        var figure = FigureBuilder.Build(request);
        var partial = settings.Output + ".partial";
        await using (var file = File.Create(partial))
        {
            switch (format)
            {
                case ".png": PngRenderer.Render(figure, file); break;
                case ".svg": await file.WriteAsync(Encoding.UTF8.GetBytes(SvgRenderer.Render(figure)), cancellationToken); break;
                default: await file.WriteAsync(Encoding.UTF8.GetBytes(HtmlPage.Render(request, figure)), cancellationToken); break;
            }
        }
        File.Move(partial, settings.Output, overwrite: true);
        foreach (var (d, count) in figure.Counts) ctx.Out.WriteLine($"{Legend.Name(d)}  {count.ToString("N0", CultureInfo.InvariantCulture),7} 宗");
        ctx.Out.WriteLine($"map: {request.Parcels.Count.ToString("N0", CultureInfo.InvariantCulture)} parcels" +
                          (request.Layers.Count > 0 ? $" over {string.Join(", ", request.Layers.Select(l => Legend.Name(l.Kind)))}" : "") + $" → {settings.Output}");
        if (unshaped > 0) ctx.Err.WriteLine($"note: {unshaped} {(unshaped == 1 ? "parcel has" : "parcels have")} no outline that can be read: not drawn");
        return ExitCodes.Ok;
    }

    private static async Task<(MapRequest, int)> FromServerAsync(ScoringClient client, MapSettings settings, string title, CancellationToken cancellationToken)
    {
        var names = (await ModelDefinitions.ColumnsAsync(client, null, cancellationToken)).NameOf;
        var outlines = await ListCommand.CachedOutlinesAsync(client, settings.Request, cancellationToken);
        var parcels = new List<MapParcel>();
        var unshaped = 0;
        await foreach (var r in client.ListEvaluationsAsync(settings.Request, cancellationToken))
        {
            var shape = outlines.TryGetValue(r.ParcelId, out var o) ? Outlines.Parse(o, out _) : null;
            if (shape is null)
            {
                unshaped++;
                continue;
            }
            parcels.Add(new MapParcel(r.ParcelId, shape, shape.SRID, Disposition(Verdicts.Short(r.Disposition)), r.Score, Verdicts.Chinese(r.Classification),
                new ParcelExplanation([.. r.Elements.Select(e => new ElementEntry(e.Name, e.Missing ? null : e.Score))], [.. r.TopShortfalls.Select(names)], [.. r.FailedVetoes.Select(names)], [.. r.RedevelopmentModes.Select(Verdicts.Chinese)])));
        }
        var layers = new List<MapLayer>();
        if (settings.Layers)
        {
            var inForce = (await client.Layers.ListLayersAsync(new ListLayersRequest(), cancellationToken: cancellationToken)).Layers.Select(l => l.LayerId).ToHashSet();
            foreach (var (id, kind) in Layers.Where(l => inForce.Contains(l.LayerId)))
            {
                var layer = await client.Layers.GetLayerAsync(new GetLayerRequest { LayerId = id }, cancellationToken: cancellationToken);
                var features = JsonSerializer.Deserialize<FeatureCollection>(layer.Geojson, EvaluatedFile.GeoJson)!;
                layers.Add(new MapLayer(kind, [.. features.Select(f => f.Geometry).Where(g => g is Polygon or MultiPolygon)],
                    CoordinateSystems.Parse(layer.Crs) ?? Outlines.DefaultEpsg));
            }
        }
        return (new MapRequest(title, parcels, layers), unshaped);
    }

    /// <summary>A disposition as a file or a record names it (RETAINED or 现状保留 …).</summary>
    public static MapDisposition Disposition(string text) =>
        Legend.Order.Cast<MapDisposition?>().FirstOrDefault(d => Legend.Name(d!.Value) == text) ?? text switch
        {
            "RETAINED" => MapDisposition.Retained,
            "IDENTIFIED_INEFFICIENT" => MapDisposition.IdentifiedInefficient,
            "LOCALLY_REPORTED" => MapDisposition.LocallyReported,
            "ECOLOGICAL_CLEARANCE" => MapDisposition.EcologicalClearance,
            "REDEVELOPMENT_UNDERWAY" => MapDisposition.RedevelopmentUnderway,
            _ => MapDisposition.Unknown,
        };
}

/// <summary>
/// An evaluated file drawn as a map: a .geojson or .gpkg as <c>scoring evaluate</c> or <c>list</c> writes it, with English or
/// Chinese headers; each feature's shape, disposition, score and classification, and what its columns tell of the reasons.
/// </summary>
internal static class EvaluatedFile
{
    /// <summary>GeoJSON with NetTopologySuite's converters.</summary>
    public static readonly JsonSerializerOptions GeoJson = new() { Converters = { new GeoJsonConverterFactory() } };

    private static readonly string[] ElementHeaders = ["population", "land", "enterprise", "industry", "economy", "energy"];
    private static readonly string[] ElementNames = ["人口就业", "土地利用", "企业底数", "产业集聚", "经济效益", "能源消耗"];

    /// <summary>The map of the file, and how many features had no shape.</summary>
    public static (MapRequest Request, int Unshaped) Read(string path, string title)
    {
        var rows = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".geojson" or ".json" => FromGeoJson(path),
            ".gpkg" => FromGeoPackage(path),
            var ext => throw new UsageException($"input '{path}': a map is drawn from .geojson or .gpkg, not '{ext}'"),
        };
        var parcels = new List<MapParcel>();
        var unshaped = 0;
        foreach (var (shape, epsg, cells) in rows)
        {
            string Cell(string en, string zh) => cells.TryGetValue(en, out var v) || cells.TryGetValue(zh, out v) ? Convert.ToString(v, CultureInfo.InvariantCulture) ?? "" : "";
            if (shape is not (Polygon or MultiPolygon) || shape.IsEmpty)
            {
                unshaped++;
                continue;
            }
            var elements = ElementHeaders.Select((code, i) => (code, name: ElementNames[i])).Where(e => cells.ContainsKey(e.code) || cells.ContainsKey(e.name))
                .Select(e => new ElementEntry(e.name, double.TryParse(Cell(e.code, e.name), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s : null)).ToList();
            static IReadOnlyList<string> Items(string text) => text.Split([';', '、'], StringSplitOptions.RemoveEmptyEntries);
            var classification = Cell("classification", "认定结果");
            parcels.Add(new MapParcel(Cell("parcel_id", "地块编号"), shape, epsg, MapCommand.Disposition(Cell("disposition", "处置类型")),
                double.TryParse(Cell("score", "综合得分"), NumberStyles.Float, CultureInfo.InvariantCulture, out var score) ? score : double.NaN,
                Enum.TryParse<Classification>(classification.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var c) ? Verdicts.Chinese(c) : classification,
                new ParcelExplanation(elements, Items(Cell("top_shortfalls", "主要短板")), Items(Cell("failed_vetoes", "否决项")), Items(Cell("redevelopment_modes", "建议改造模式")))));
        }
        return (new MapRequest(title, parcels, []), unshaped);
    }

    private static IEnumerable<(Geometry? Shape, int Epsg, Dictionary<string, object?> Cells)> FromGeoJson(string path)
    {
        var text = File.ReadAllText(path);
        FeatureCollection features;
        try
        {
            features = JsonSerializer.Deserialize<FeatureCollection>(text, GeoJson) ?? throw new UsageException($"input '{path}' is not a GeoJSON FeatureCollection");
        }
        catch (JsonException e)
        {
            throw new UsageException($"input '{path}' is not a GeoJSON FeatureCollection: {e.Message}");
        }
        // A collection (or its features' geometries) may name its system with a crs member; else the server's default.
        using var document = JsonDocument.Parse(text);
        var epsg = Named(document.RootElement) ?? Outlines.DefaultEpsg;
        var geometries = document.RootElement.TryGetProperty("features", out var list) ? list.EnumerateArray().Select(f =>
            f.TryGetProperty("geometry", out var g) && g.ValueKind == JsonValueKind.Object ? Named(g) : null).ToList() : [];
        var i = 0;
        foreach (var f in features)
        {
            var cells = f.Attributes?.GetNames().ToDictionary(n => n, n => (object?)f.Attributes[n]) ?? [];
            yield return (f.Geometry, (i < geometries.Count ? geometries[i] : null) ?? epsg, cells);
            i++;
        }
    }

    private static int? Named(JsonElement e) =>
        e.TryGetProperty("crs", out var crs) && crs.TryGetProperty("properties", out var p) && p.TryGetProperty("name", out var name)
            ? CoordinateSystems.Parse(name.GetString())
            : null;

    private static IEnumerable<(Geometry? Shape, int Epsg, Dictionary<string, object?> Cells)> FromGeoPackage(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        var (table, column, epsg) = GeoPackageTables.First(connection, $"input '{path}'");
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\";";
        using var reader = command.ExecuteReader();
        var geometries = new GeoPackageGeoReader();
        while (reader.Read())
        {
            var cells = new Dictionary<string, object?>(StringComparer.Ordinal);
            Geometry? shape = null;
            for (var i = 0; i < reader.FieldCount; i++)
            {
                if (reader.GetName(i) == column) shape = reader.IsDBNull(i) ? null : geometries.Read((byte[])reader.GetValue(i));
                else cells[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }
            yield return (shape, epsg is { } e && CoordinateSystems.IsAccepted(e) ? e : Outlines.DefaultEpsg, cells);
        }
    }
}
