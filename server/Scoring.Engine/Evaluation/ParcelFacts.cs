using Scoring.Engine.Model;

namespace Scoring.Engine.Evaluation;

/// <summary>A parcel's data as received, keyed by the model's codes; not yet validated.</summary>
public sealed record ParcelFacts
{
    private static readonly IReadOnlyDictionary<string, double> NoValues = new Dictionary<string, double>();
    private static readonly IReadOnlyDictionary<string, string> NoCategories = new Dictionary<string, string>();
    private static readonly IReadOnlyDictionary<string, bool> NoVetoes = new Dictionary<string, bool>();

    /// <summary>Cadastral id.</summary>
    public string ParcelId { get; init; } = "";
    /// <summary>Level as a number, so that undefined values can be refused.</summary>
    public int Level { get; init; }
    /// <summary>Area in 亩.</summary>
    public double AreaMu { get; init; }
    /// <summary>Numeric indicator code → raw value.</summary>
    public IReadOnlyDictionary<string, double> Indicators { get; init; } = NoValues;
    /// <summary>Categorical indicator code → category key.</summary>
    public IReadOnlyDictionary<string, string> Categories { get; init; } = NoCategories;
    /// <summary>Veto code → requirement met.</summary>
    public IReadOnlyDictionary<string, bool> Vetoes { get; init; } = NoVetoes;
    /// <summary>GB/T 4754 industry code.</summary>
    public string? IndustryCode { get; init; }
    /// <summary>Inside the urban development boundary.</summary>
    public bool? InsideDevelopmentBoundary { get; init; }
    /// <summary>Inside the ecological protection red line.</summary>
    public bool? InEcologicalRedLine { get; init; }
    /// <summary>Redevelopment already under way.</summary>
    public bool? RedevelopmentUnderway { get; init; }
    /// <summary>Reported by its park or street.</summary>
    public bool? LocallyReported { get; init; }
    /// <summary>Management unit (管理片区); not scored, kept with the evaluation.</summary>
    public string? UnitId { get; init; }
    /// <summary>Street (街道); not scored, kept with the evaluation.</summary>
    public string? Street { get; init; }
    /// <summary>Outline as GeoJSON or WKT text; null when none.</summary>
    public string? Geometry { get; init; }
    /// <summary>Coordinate system of <see cref="Geometry"/> (e.g. "EPSG:4549"); null = the one it names, else the configured default.</summary>
    public string? Crs { get; init; }
    /// <summary>Values given as one row of a columnar block (besides or instead of the maps); null when none.</summary>
    public ParcelRowValues? Row { get; init; }

    /// <summary>
    /// Whether the parcel carries anything besides its id: an id alone asks for the cached parcel, while a
    /// parcel given with no values at all is still evaluated (INSUFFICIENT_DATA).
    /// </summary>
    public bool CarriesData =>
        Indicators.Count > 0 || Categories.Count > 0 || Vetoes.Count > 0 || Level != 0 || AreaMu != 0 ||
        !string.IsNullOrEmpty(IndustryCode) || !string.IsNullOrEmpty(UnitId) || !string.IsNullOrEmpty(Street) ||
        InsideDevelopmentBoundary.HasValue || InEcologicalRedLine.HasValue || RedevelopmentUnderway.HasValue || LocallyReported.HasValue ||
        (Row?.CarriesValues ?? false);
}

/// <summary>
/// The values of one row of a columnar block, aligned to the block's <see cref="ColumnLayout"/>: NaN, "" and
/// <see cref="VetoAnswer.Unknown"/> mean "no value"; an empty slice means no values of that kind at all. The slices
/// usually lie in buffers shared by every row of the block, so a row costs no allocation of its own.
/// </summary>
/// <param name="Layout">The block's codes, resolved against the model.</param>
/// <param name="Values">Raw values in the order of the layout's numeric codes.</param>
/// <param name="Categories">Category keys in the order of the layout's category codes.</param>
/// <param name="Vetoes">Answers in the order of the layout's veto codes.</param>
public readonly record struct ParcelRowValues(ColumnLayout Layout, ReadOnlyMemory<double> Values, ReadOnlyMemory<string> Categories, ReadOnlyMemory<VetoAnswer> Vetoes)
{
    /// <summary>Whether the row holds at least one value or answer.</summary>
    public bool CarriesValues
    {
        get
        {
            foreach (var v in Values.Span) if (!double.IsNaN(v)) return true;
            foreach (var key in Categories.Span) if (!string.IsNullOrEmpty(key)) return true;
            foreach (var answer in Vetoes.Span) if (answer != VetoAnswer.Unknown) return true;
            return false;
        }
    }
}

/// <summary>Where a value the evaluator read came from.</summary>
public enum ValueOrigin : byte
{
    /// <summary>No value.</summary>
    None = 0,
    /// <summary>Given with the parcel.</summary>
    Inline = 1,
    /// <summary>Taken from the cached parcel laid under it.</summary>
    Cache = 2,
}

/// <summary>
/// A validated parcel laid out in model order: what the evaluator reads. <see cref="Values"/> holds,
/// per indicator, the raw value of a numeric indicator or the category ordinal of a categorical one;
/// NaN means missing.
/// </summary>
public sealed class ParcelVector
{
    /// <summary>Creates an empty vector for a model: every value missing, every veto unknown.</summary>
    public ParcelVector(ScoringModel model, string parcelId)
    {
        ParcelId = parcelId;
        Values = new double[model.Indicators.Length];
        Array.Fill(Values, double.NaN);
        Vetoes = new VetoAnswer[model.Vetoes.Length];
        ValueOrigins = new ValueOrigin[model.Indicators.Length];
        VetoOrigins = new ValueOrigin[model.Vetoes.Length];
    }

    /// <summary>Cadastral id.</summary>
    public string ParcelId { get; private set; }
    /// <summary>Level.</summary>
    public ParcelLevel Level { get; set; }
    /// <summary>Area in 亩.</summary>
    public double AreaMu { get; set; }
    /// <summary>Industry division 0..99, or -1.</summary>
    public int Division { get; set; } = -1;
    /// <summary>Per indicator: raw value or category ordinal; NaN = missing.</summary>
    public double[] Values { get; }
    /// <summary>Per veto check.</summary>
    public VetoAnswer[] Vetoes { get; }
    /// <summary>Per indicator: where its value came from.</summary>
    public ValueOrigin[] ValueOrigins { get; }
    /// <summary>Per veto check: where its answer came from.</summary>
    public ValueOrigin[] VetoOrigins { get; }
    /// <summary>Inside the ecological protection red line.</summary>
    public bool InEcologicalRedLine { get; set; }
    /// <summary>Redevelopment already under way.</summary>
    public bool RedevelopmentUnderway { get; set; }
    /// <summary>Reported by its park or street.</summary>
    public bool LocallyReported { get; set; }

    /// <summary>Makes this vector describe another parcel: every value missing, every veto unknown.</summary>
    public void Reset(string parcelId, ParcelLevel level, double areaMu, int division, bool inEcologicalRedLine,
        bool redevelopmentUnderway, bool locallyReported)
    {
        ParcelId = parcelId;
        Level = level;
        AreaMu = areaMu;
        Division = division;
        InEcologicalRedLine = inEcologicalRedLine;
        RedevelopmentUnderway = redevelopmentUnderway;
        LocallyReported = locallyReported;
        Array.Fill(Values, double.NaN);
        Array.Clear(Vetoes);
        Array.Clear(ValueOrigins);
        Array.Clear(VetoOrigins);
    }
}
