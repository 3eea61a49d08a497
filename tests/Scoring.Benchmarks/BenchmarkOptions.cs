using System.Globalization;

namespace Scoring.Benchmarks;

/// <summary>What one run measures and for how long.</summary>
internal sealed record BenchmarkOptions
{
    /// <summary>Parcels per BatchEvaluate stream.</summary>
    public int Parcels { get; init; } = 1_000_000;
    /// <summary>Parcels per chunk.</summary>
    public int Chunk { get; init; } = 1000;
    /// <summary>The other chunk size tried; the better of the two is reported.</summary>
    public int OtherChunk { get; init; } = 5000;
    /// <summary>Chunks written ahead of the responses read back.</summary>
    public int Window { get; init; } = 8;
    /// <summary>A smoke run: few parcels, short durations.</summary>
    public bool Quick { get; init; }
    /// <summary>Where the Markdown table is written as well as to stdout.</summary>
    public string? Out { get; init; }
    /// <summary>How long each EvaluateParcel measurement runs.</summary>
    public TimeSpan CallDuration { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Calls made before each EvaluateParcel measurement, unmeasured.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>How long each in-process measurement runs.</summary>
    public TimeSpan EngineDuration { get; init; } = TimeSpan.FromSeconds(3);
    /// <summary>Parcels fed through UpsertParcels (35 values each).</summary>
    public int IngestParcels { get; init; } = 50_000;
    /// <summary>UpsertParcels chunks in flight.</summary>
    public int IngestWindow { get; init; } = 4;
    /// <summary>How long the WAL soak (recorded EvaluateParcel while an ingest stream runs) lasts.</summary>
    public TimeSpan SoakDuration { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>Parcels ingested into a fresh server before its memory is read.</summary>
    public int CachedParcels { get; init; } = 1_000_000;
    /// <summary>The parts to run (all by default).</summary>
    public IReadOnlySet<string> Parts { get; init; } = AllParts;
    /// <summary>Environment variables given to both hosts (e.g. DOTNET_gcServer=0), for experiments.</summary>
    public IReadOnlyDictionary<string, string> HostEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The server to measure: a Scoring.Server.dll of another build (e.g. the commit before a change), driven by this
    /// build's client and pass-through, so that an A/B compares the servers alone. Null: the server beside this program.
    /// </summary>
    public string? ServerDll { get; init; }

    /// <summary>The parts of a run, for --only.</summary>
    public static readonly IReadOnlySet<string> AllParts = new HashSet<string> { "engine", "map", "columnar", "unary", "ingest", "costs", "mixed", "soak", "cache-memory", "xlsx", "postgres", "robustness" };

    /// <summary>Whether <paramref name="part"/> runs.</summary>
    public bool Runs(string part) => Parts.Contains(part);

    /// <summary>Reads the command line; throws <see cref="ArgumentException"/> with the usage on anything it does not know.</summary>
    public static BenchmarkOptions Parse(string[] args)
    {
        var options = new BenchmarkOptions();
        int? parcels = null, cached = null;
        TimeSpan? soak = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--parcels": parcels = Positive(args, ref i); break;
                case "--chunk": options = options with { Chunk = Positive(args, ref i) }; break;
                case "--window": options = options with { Window = Positive(args, ref i) }; break;
                case "--ingest-parcels": options = options with { IngestParcels = Positive(args, ref i) }; break;
                case "--duration": options = options with { CallDuration = TimeSpan.FromSeconds(Positive(args, ref i)) }; break;
                case "--soak": soak = TimeSpan.FromSeconds(Positive(args, ref i)); break;
                case "--cached-parcels": cached = Positive(args, ref i); break;
                case "--out": options = options with { Out = Value(args, ref i) }; break;
                case "--server":
                    var dll = Path.GetFullPath(Value(args, ref i));
                    if (!File.Exists(dll)) throw new ArgumentException($"--server: {dll} does not exist");
                    options = options with { ServerDll = dll };
                    break;
                case "--only":
                    var parts = Value(args, ref i).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
                    if (parts.Count == 0 || !parts.IsSubsetOf(AllParts)) throw new ArgumentException($"--only: give some of {string.Join(",", AllParts)}");
                    options = options with { Parts = parts };
                    break;
                case "--host-env":
                    var pair = Value(args, ref i).Split('=', 2);
                    if (pair.Length != 2 || pair[0].Length == 0) throw new ArgumentException("--host-env: give NAME=VALUE");
                    options = options with { HostEnvironment = new Dictionary<string, string>(options.HostEnvironment) { [pair[0]] = pair[1] } };
                    break;
                case "--quick":
                    options = options with
                    {
                        Quick = true,
                        Parcels = 20_000,
                        CallDuration = TimeSpan.FromSeconds(0.5),
                        Warmup = TimeSpan.FromSeconds(0.2),
                        EngineDuration = TimeSpan.FromSeconds(0.3),
                        IngestParcels = 5_000,
                        SoakDuration = TimeSpan.FromSeconds(10),
                        CachedParcels = 20_000,
                    };
                    break;
                case "-h" or "--help": throw new ArgumentException(Usage);
                default: throw new ArgumentException($"unknown option '{args[i]}'\n{Usage}");
            }
        }
        if (parcels is { } n) options = options with { Parcels = n };
        if (soak is { } s) options = options with { SoakDuration = s };
        if (cached is { } c) options = options with { CachedParcels = c };
        if (options.Chunk > 10_000) throw new ArgumentException("--chunk: the server accepts at most 10,000 parcels per chunk");
        return options;
    }

    /// <summary>The command-line help.</summary>
    public const string Usage = """
        usage: Scoring.Benchmarks [--quick] [--parcels N] [--chunk C] [--out FILE]
                                  [--window W] [--duration SECONDS] [--ingest-parcels N]
                                  [--soak SECONDS] [--cached-parcels N]
                                  [--only engine,map,columnar,unary,ingest,costs,mixed,soak,cache-memory,xlsx,robustness]
                                  [--host-env NAME=VALUE]... [--server PATH]
          --parcels N         parcels per BatchEvaluate stream (default 1,000,000; 20,000 with --quick)
          --chunk C           parcels per chunk (default 1000; 5000 is tried as well, the better is reported)
          --quick             smoke run: few parcels, short durations
          --out FILE          also write the Markdown report to FILE
          --window W          chunks in flight per stream (default 8)
          --duration SECONDS  length of each EvaluateParcel measurement (default 5)
          --ingest-parcels N  parcels fed through UpsertParcels, 35 values each (default 50,000)
          --soak SECONDS      length of the WAL soak under mixed load (default 300; 10 with --quick)
          --cached-parcels N  parcels cached in a fresh server before its memory is read
                              (default 1,000,000; 20,000 with --quick)
          --only PARTS        run only these parts (comma-separated; default all); xlsx alone starts no server
          --host-env N=V      an environment variable for both hosts, e.g. DOTNET_gcServer=0 (repeatable)
          --server PATH       the Scoring.Server.dll to measure (default: the one beside this program), e.g.
                              another commit's Release build, so that an A/B keeps the same client and pass-through
        """;

    private static string Value(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value\n{Usage}");

    private static int Positive(string[] args, ref int i)
    {
        var name = args[i];
        var text = Value(args, ref i).Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{name}: '{args[i]}' is not a positive whole number");
    }
}
