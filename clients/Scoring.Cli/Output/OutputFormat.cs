using Scoring.Cli.Input;

namespace Scoring.Cli.Output;

/// <summary>The formats the CLI writes, chosen by the output file's extension.</summary>
internal enum OutputFormat
{
    /// <summary>.csv: one row per parcel.</summary>
    Csv,
    /// <summary>.jsonl / .ndjson: the protobuf JSON of each record.</summary>
    JsonLines,
    /// <summary>.geojson: a FeatureCollection; each parcel's shape with its results as properties.</summary>
    GeoJson,
    /// <summary>.xlsx: a spreadsheet, the rows on the first sheet and the summary tables on the second.</summary>
    Xlsx,
    /// <summary>.gpkg: a GeoPackage feature table of the parcels' shapes, declared in their coordinate system.</summary>
    GeoPackage,
    /// <summary>.shp (with .shx, .dbf, .prj and .cpg): an Esri Shapefile of the parcels' shapes.</summary>
    Shapefile,
}

/// <summary>The language of a file's headers and terms.</summary>
internal enum Labels
{
    /// <summary>Codes and English names: the contract's terms (EFFICIENT, RETAINED, …), as CSV has always been written.</summary>
    En,
    /// <summary>Chinese headers and terms (低效认定, 现状保留, …), the model's Chinese names for elements, indicators and vetoes.</summary>
    Zh,
}

/// <summary>Reads output paths and --labels.</summary>
internal static class OutputFormats
{
    /// <summary>Every extension written, for messages.</summary>
    public const string Extensions = ".csv, .xlsx, .jsonl (or .ndjson), .geojson, .gpkg or .shp";

    /// <summary>The format of an output path; throws <see cref="UsageException"/> for an unknown extension.</summary>
    public static OutputFormat Of(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => OutputFormat.Csv,
        ".jsonl" or ".ndjson" => OutputFormat.JsonLines,
        ".geojson" => OutputFormat.GeoJson,
        ".xlsx" => OutputFormat.Xlsx,
        ".gpkg" => OutputFormat.GeoPackage,
        ".shp" => OutputFormat.Shapefile,
        var ext => throw new UsageException($"output '{path}': cannot tell the format from '{ext}'; use {Extensions}"),
    };

    /// <summary>The format's name in messages: CSV, JSON Lines, GeoJSON, spreadsheet (.xlsx), GeoPackage, Shapefile.</summary>
    public static string Name(OutputFormat format) => format switch
    {
        OutputFormat.Csv => "CSV",
        OutputFormat.JsonLines => "JSON Lines",
        OutputFormat.GeoJson => "GeoJSON",
        OutputFormat.Xlsx => "spreadsheet (.xlsx)",
        OutputFormat.GeoPackage => "GeoPackage",
        _ => "Shapefile",
    };

    /// <summary>Whether the format carries each parcel's shape.</summary>
    public static bool IsGeographic(OutputFormat format) => format is OutputFormat.GeoJson or OutputFormat.GeoPackage or OutputFormat.Shapefile;

    /// <summary>The labels of a file: as asked, else Chinese for a spreadsheet and English (today's CSV headers) for the rest.</summary>
    public static Labels LabelsFor(OutputFormat format, Labels? asked) => asked ?? (format == OutputFormat.Xlsx ? Labels.Zh : Labels.En);
}
