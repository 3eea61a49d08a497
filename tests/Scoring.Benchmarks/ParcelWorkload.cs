using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using Scoring.V1;
using EngineVetoAnswer = Scoring.Engine.Evaluation.VetoAnswer;
using VetoAnswer = Scoring.V1.VetoAnswer;
using IndicatorDefinition = Scoring.Engine.Model.IndicatorDefinition;

namespace Scoring.Benchmarks;

/// <summary>
/// Parcels of the default model with every indicator and veto present (the full parcel of the
/// server tests: 24 numeric indicators, 3 categorical ones, 8 vetoes, 35 values), their values
/// drawn once from a seeded generator and then cycled, so that building a chunk costs only the
/// message objects.
/// </summary>
internal sealed class ParcelWorkload
{
    /// <summary>Distinct parcels drawn; parcel n uses sample n mod this.</summary>
    public const int Distinct = 4096;

    private static readonly string[] IndustryCodes = ["3911", "C2710", "1310", "3411", "2511", "3562", "2929", "3311"];
    private static readonly string[] Units = ["jiangning-high-tech-park", "binjiang-development-zone", "moling-community", "dongshan-community"];
    private static readonly string[] Streets = ["秣陵街道", "东山街道", "淳化街道", "江宁街道"];
    private static readonly Level[] Levels = [Level.Park, Level.Community, Level.Scattered];

    private readonly Sample[] _samples;

    /// <summary>Draws the samples for <paramref name="model"/>.</summary>
    public ParcelWorkload(ScoringModel model, int seed = 20240601)
    {
        Model = model;
        NumericCodes = [.. model.Indicators.Where(i => !i.IsCategorical).Select(i => i.Code)];
        CategoryCodes = [.. model.Indicators.Where(i => i.IsCategorical).Select(i => i.Code)];
        VetoCodes = [.. model.Vetoes.Select(v => v.Code)];
        var random = new Random(seed);
        var numeric = model.Indicators.Where(i => !i.IsCategorical).ToArray();
        var categorical = model.Indicators.Where(i => i.IsCategorical).ToArray();
        _samples = new Sample[Distinct];
        for (var s = 0; s < Distinct; s++)
        {
            var values = new double[numeric.Length];
            for (var i = 0; i < numeric.Length; i++) values[i] = Draw(numeric[i], random);
            var categories = new string[categorical.Length];
            for (var i = 0; i < categorical.Length; i++)
                categories[i] = categorical[i].Categories!.Keys[random.Next(categorical[i].Categories!.Keys.Count)];
            _samples[s] = new Sample(
                Levels[random.Next(Levels.Length)],
                Math.Round(5 + random.NextDouble() * 295, 2),
                values,
                categories,
                IndustryCodes[random.Next(IndustryCodes.Length)],
                Units[random.Next(Units.Length)],
                Streets[random.Next(Streets.Length)]);
        }
    }

    /// <summary>The model the parcels are drawn for.</summary>
    public ScoringModel Model { get; }
    /// <summary>Numeric indicator codes, model order.</summary>
    public string[] NumericCodes { get; }
    /// <summary>Categorical indicator codes, model order.</summary>
    public string[] CategoryCodes { get; }
    /// <summary>Veto codes, model order.</summary>
    public string[] VetoCodes { get; }
    /// <summary>Values per parcel: numbers, category keys and veto answers.</summary>
    public int ValuesPerParcel => NumericCodes.Length + CategoryCodes.Length + VetoCodes.Length;

    /// <summary>Parcel <paramref name="n"/> in map form (every veto met, so every result has the same shape).</summary>
    public ParcelInput MapParcel(long n, string idPrefix)
    {
        var s = _samples[n % Distinct];
        var p = new ParcelInput
        {
            ParcelId = idPrefix + n.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Level = s.Level,
            AreaMu = s.AreaMu,
            IndustryCode = s.IndustryCode,
            UnitId = s.UnitId,
            Street = s.Street,
        };
        for (var i = 0; i < NumericCodes.Length; i++) p.Indicators.Add(NumericCodes[i], s.Values[i]);
        for (var i = 0; i < CategoryCodes.Length; i++) p.Categories.Add(CategoryCodes[i], s.Categories[i]);
        foreach (var code in VetoCodes) p.Vetoes.Add(code, true);
        return p;
    }

    /// <summary>Parcel <paramref name="n"/> as a columnar row, in the order of <see cref="ColumnsHeader"/>.</summary>
    public ParcelRow Row(long n, string idPrefix)
    {
        var s = _samples[n % Distinct];
        var row = new ParcelRow
        {
            ParcelId = idPrefix + n.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Level = s.Level,
            AreaMu = s.AreaMu,
            IndustryCode = s.IndustryCode,
            UnitId = s.UnitId,
            Street = s.Street,
        };
        row.Values.AddRange(s.Values);
        row.Categories.AddRange(s.Categories);
        for (var i = 0; i < VetoCodes.Length; i++) row.Vetoes.Add(VetoAnswer.Met);
        return row;
    }

    /// <summary>An empty columnar block naming the codes once.</summary>
    public ParcelColumns ColumnsHeader() => new()
    {
        IndicatorCodes = { NumericCodes },
        CategoryCodes = { CategoryCodes },
        VetoCodes = { VetoCodes },
    };

    /// <summary>A chunk of parcels <paramref name="first"/> .. first + count - 1 in the given form.</summary>
    public BatchEvaluateRequest Chunk(ParcelForm form, long first, int count, string idPrefix)
    {
        var request = new BatchEvaluateRequest();
        if (form == ParcelForm.Map)
        {
            for (var i = 0; i < count; i++) request.Parcels.Add(MapParcel(first + i, idPrefix));
        }
        else
        {
            request.Columns = ColumnsHeader();
            for (var i = 0; i < count; i++) request.Columns.Rows.Add(Row(first + i, idPrefix));
        }
        return request;
    }

    /// <summary>Parcel <paramref name="n"/> as the engine reads it, over the proto maps as the server does.</summary>
    public ParcelFacts Facts(long n)
    {
        var p = MapParcel(n, "engine-");
        return new ParcelFacts
        {
            ParcelId = p.ParcelId,
            Level = (int)p.Level,
            AreaMu = p.AreaMu,
            IndustryCode = p.IndustryCode,
            Indicators = p.Indicators,
            Categories = p.Categories,
            Vetoes = p.Vetoes,
        };
    }

    /// <summary>Parcel <paramref name="n"/> already laid out as the engine's vector.</summary>
    public ParcelVector Vector(long n)
    {
        var vector = new ParcelVector(Model, "");
        var violations = new List<FieldViolation>();
        if (!ParcelReader.ReadInto(Model, Facts(n), vector, violations))
            throw new InvalidOperationException($"the workload drew an invalid parcel: {string.Join("; ", violations)}");
        if (vector.Vetoes.Any(v => v != EngineVetoAnswer.Met)) throw new InvalidOperationException("every veto should be met");
        return vector;
    }

    // A value inside the indicator's valid range, spread over (and a little beyond) its curve.
    private static double Draw(IndicatorDefinition indicator, Random random)
    {
        var xs = indicator.Curve!.Values;
        double lo = xs[0], hi = xs[^1];
        var span = hi - lo;
        var v = lo - 0.1 * span + random.NextDouble() * 1.3 * span;
        if (indicator.Range.Min is { } min) v = Math.Max(v, min);
        if (indicator.Range.Max is { } max) v = Math.Min(v, max);
        return Math.Round(v, 3);
    }

    private sealed record Sample(Level Level, double AreaMu, double[] Values, string[] Categories, string IndustryCode, string UnitId, string Street);
}

/// <summary>How a chunk carries its parcels.</summary>
internal enum ParcelForm
{
    /// <summary>BatchEvaluateRequest.parcels: one ParcelInput with three maps per parcel.</summary>
    Map,
    /// <summary>BatchEvaluateRequest.columns: codes named once per chunk, values packed per row.</summary>
    Columnar,
}
