using System.CommandLine;
using System.Globalization;
using Scoring.Cli.Input;
using Scoring.Cli.Terminal;
using Scoring.V1;
using Spectre.Console;

namespace Scoring.Cli.Commands;

/// <summary><c>scoring layer upload|list</c>: the planner's control lines (red line, development boundary, clearance zones…).</summary>
internal static class LayerCommands
{
    /// <summary>The kinds as the command line names them, with the contract's value.</summary>
    public static readonly IReadOnlyDictionary<string, LayerKind> Kinds = new Dictionary<string, LayerKind>(StringComparer.OrdinalIgnoreCase)
    {
        ["ecological-red-line"] = LayerKind.EcologicalRedLine,
        ["development-boundary"] = LayerKind.DevelopmentBoundary,
        ["clearance-must"] = LayerKind.ClearanceMust,
        ["clearance-encouraged"] = LayerKind.ClearanceEncouraged,
        ["clearance-considered"] = LayerKind.ClearanceConsidered,
        ["redevelopment-project"] = LayerKind.RedevelopmentProject,
        ["main-urban-area"] = LayerKind.MainUrbanArea,
    };

    public static Command Build(CliContext ctx, Option<Uri> server)
    {
        var file = new Argument<string>("FILE") { Description = "The layer: .geojson (a FeatureCollection), .shp (with its .shx and .dbf) or .gpkg (its first feature table)." };
        var kind = new Option<string>("--kind") { Description = $"What the polygons are: {string.Join(", ", Kinds.Keys)}.", Required = true, HelpName = "kind" };
        kind.AcceptOnlyFromAmong([.. Kinds.Keys]);
        var name = new Option<string?>("--name") { Description = "Display name (default: the file's name).", HelpName = "name" };
        var crs = new Option<string?>("--crs") { Description = "Coordinate system of the file, e.g. EPSG:4549 (default: what the file names, else the server's Spatial:DefaultCrs).", HelpName = "crs" };
        var note = new Option<string>("--note") { Description = "Why this version is uploaded (kept with it).", Required = true, HelpName = "text" };
        var upload = new Command("upload", "Uploads a new version of the layer of a kind (admin); the newest version of a kind is the one overlays use.")
        {
            file, kind, name, crs, note,
        };
        upload.SetAction((parse, token) =>
        {
            var path = parse.GetValue(file)!;
            var layer = LayerFile.Read(path);
            return Program.CallAsync(ctx, parse.GetValue(server)!, "UploadLayer", async client =>
            {
                var stored = await client.Layers.UploadLayerAsync(new UploadLayerRequest
                {
                    Kind = Kinds[parse.GetValue(kind)!],
                    Name = parse.GetValue(name) ?? Path.GetFileNameWithoutExtension(path),
                    Crs = parse.GetValue(crs) ?? layer.Crs ?? "",
                    Geojson = layer.GeoJson,
                    Note = parse.GetValue(note)!,
                }, cancellationToken: token);
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"layer {stored.LayerId} version {stored.Version}: {stored.FeatureCount} features, {stored.AreaMu:N1} 亩, {stored.Crs}; in force"));
                return ExitCodes.Ok;
            });
        });

        var list = new Command("list", "Lists the newest version of each layer.");
        list.SetAction((parse, token) => Program.CallAsync(ctx, parse.GetValue(server)!, "ListLayers", async client =>
        {
            var r = await client.Layers.ListLayersAsync(new ListLayersRequest(), cancellationToken: token);
            var table = new Table().AddColumns("layer", "version", "features", "area (亩)", "crs", "name", "by", "note");
            foreach (var l in r.Layers)
                table.AddRow([.. new[] { l.LayerId, l.Version.ToString(CultureInfo.InvariantCulture), l.FeatureCount.ToString(CultureInfo.InvariantCulture),
                    l.AreaMu.ToString("N1", CultureInfo.InvariantCulture), l.Crs, l.Name, l.Author, l.Note }.Select(Markup.Escape)]);
            ctx.Console.Write(table);
            return ExitCodes.Ok;
        }));
        return new Command("layer", "The planner's control lines as versioned layers.") { upload, list };
    }
}
