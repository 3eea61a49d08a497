using System.CommandLine;
using System.Text;
using Scoring.SampleData;

var count = new Option<int>("--count") { Description = "How many parcels.", DefaultValueFactory = _ => 5000 };
var seed = new Option<int>("--seed") { Description = "Random seed: the same seed writes the same file.", DefaultValueFactory = _ => 20240601 };
var output = new Option<string>("--output", "-o") { Description = "The CSV file to write; - for standard output.", DefaultValueFactory = _ => "-" };
var bad = new Option<int>("--bad") { Description = "Deliberately broken rows to mix in (for demos of the errors file).", DefaultValueFactory = _ => 0 };
var prefix = new Option<string>("--id-prefix") { Description = "Start of every parcel id (320115 is Jiangning's administrative code).", DefaultValueFactory = _ => "320115" };
var units = new Option<string?>("--units") { Description = "Also write the parks and communities (unit_id, name, level, areas) to this CSV, for `scoring ingest --units`." };
var spatial = new Option<string?>("--spatial") { Description = "Instead, write the small district with shapes (EPSG:4549), its seven layers and the clearance quotas into this folder." };
var chinese = new Option<bool>("--chinese-headers") { Description = "Name indicator and veto columns by the model's Chinese names instead of codes." };
count.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 0) r.AddError("--count must not be negative"); });

var root = new RootCommand("Writes a synthetic industrial district in the likeness of Jiangning (江宁区) as a CSV for `scoring evaluate`.")
{
    count, seed, output, bad, chinese, prefix, units, spatial,
};
root.SetAction(parse =>
{
    if (parse.GetValue(spatial) is { } folder)
    {
        SpatialDistrict.Write(folder);
        Console.Error.WriteLine($"wrote parcels.csv, quotas.csv and layers/ to {folder}");
        return 0;
    }
    var generator = new ParcelGenerator(parse.GetValue(seed), parse.GetValue(chinese), parse.GetValue(prefix)!);
    var path = parse.GetValue(output)!;
    using var writer = path == "-"
        ? new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false))
        : new StreamWriter(path, append: false, new UTF8Encoding(false), bufferSize: 1 << 16);
    generator.Write(writer, parse.GetValue(count), parse.GetValue(bad));
    if (parse.GetValue(units) is { } unitsPath)
    {
        using var unitsWriter = new StreamWriter(unitsPath, append: false, new UTF8Encoding(false));
        generator.WriteUnits(unitsWriter);
    }
    if (path != "-") Console.Error.WriteLine($"wrote {parse.GetValue(count)} parcels to {path}");
    return 0;
});
return await root.Parse(args).InvokeAsync();
