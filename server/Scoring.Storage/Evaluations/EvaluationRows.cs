using System.Data.Common;
using Scoring.Engine.Evaluation;
using static System.FormattableString;

namespace Scoring.Storage.Evaluations;

/// <summary>
/// Reads one roll-up group by column name, from either store. The per-classification and per-disposition counts are one column
/// each, generated from the engine's enums, so a new member is counted without touching the SQL.
/// </summary>
internal sealed class GroupColumns
{
    private static readonly int[] ClassificationNumbers = [.. Enum.GetValues<Classification>().Select(c => (int)c)];
    private static readonly int[] DispositionNumbers = [.. Enum.GetValues<Disposition>().Select(d => (int)d)];

    /// <summary>
    /// The count columns, in SQL both stores run: <c>CAST(SUM(CASE WHEN classification = n THEN 1 ELSE 0 END) AS DOUBLE
    /// PRECISION) AS classification_n</c>, then the same for dispositions.
    /// </summary>
    public static readonly string Counts = string.Join(", ",
        ClassificationNumbers.Select(n => Invariant($"{Count($"classification = {n}")} AS {Column("classification", n)}"))
            .Concat(DispositionNumbers.Select(n => Invariant($"{Count($"disposition = {n}")} AS {Column("disposition", n)}"))));

    /// <summary>How many rows of a group meet <paramref name="condition"/>, as a real number in either store.</summary>
    public static string Count(string condition) => $"CAST(SUM(CASE WHEN {condition} THEN 1 ELSE 0 END) AS DOUBLE PRECISION)";

    /// <summary>The sum of <paramref name="expression"/> over a group, 0 when every value is NULL, in either store.</summary>
    public static string Sum(string expression) => $"COALESCE(SUM({expression}), 0.0)";

    /// <summary>The total of a version without evaluations.</summary>
    public static EvaluationGroup Empty =>
        new("", 0, 0, 0, 0, 0, new int[ClassificationNumbers.Max() + 1], new int[DispositionNumbers.Max() + 1], 0, 0, 0);

    private readonly DbDataReader _reader;
    private readonly int _key, _parcelCount, _areaMu, _meanScore, _inefficientCount, _inefficientAreaMu, _robustnessKnown, _contestedCount, _contestedAreaMu;
    private readonly (int Number, int Ordinal)[] _classifications, _dispositions;

    public GroupColumns(DbDataReader reader)
    {
        _reader = reader;
        _key = reader.GetOrdinal("group_key");
        _parcelCount = reader.GetOrdinal("parcel_count");
        _areaMu = reader.GetOrdinal("total_area_mu");
        _meanScore = reader.GetOrdinal("mean_score");
        _inefficientCount = reader.GetOrdinal("inefficient_count");
        _inefficientAreaMu = reader.GetOrdinal("inefficient_area_mu");
        _robustnessKnown = reader.GetOrdinal("robustness_known_count");
        _contestedCount = reader.GetOrdinal("contested_count");
        _contestedAreaMu = reader.GetOrdinal("contested_area_mu");
        _classifications = [.. ClassificationNumbers.Select(n => (n, reader.GetOrdinal(Column("classification", n))))];
        _dispositions = [.. DispositionNumbers.Select(n => (n, reader.GetOrdinal(Column("disposition", n))))];
    }

    public EvaluationGroup Read() => new(
        _reader.GetString(_key),
        (int)_reader.GetInt64(_parcelCount),
        _reader.GetDouble(_areaMu),
        _reader.GetDouble(_meanScore),
        (int)_reader.GetDouble(_inefficientCount),
        _reader.GetDouble(_inefficientAreaMu),
        CountsBy(_classifications),
        CountsBy(_dispositions),
        (int)_reader.GetDouble(_robustnessKnown),
        (int)_reader.GetDouble(_contestedCount),
        _reader.GetDouble(_contestedAreaMu));

    // Indexed by the enum number; index 0 (no member) stays 0.
    private int[] CountsBy((int Number, int Ordinal)[] columns)
    {
        var counts = new int[columns.Max(c => c.Number) + 1];
        foreach (var (number, ordinal) in columns) counts[number] = (int)_reader.GetDouble(ordinal);
        return counts;
    }

    private static string Column(string kind, int number) => Invariant($"{kind}_{number}");
}

/// <summary>An <c>evaluations</c> row as both stores read it (the time as <see cref="StoredText"/> text).</summary>
internal sealed class EvaluationRow
{
    public long Id { get; set; }
    public string ParcelId { get; set; } = "";
    public string ModelVersion { get; set; } = "";
    public double Score { get; set; }
    public int Classification { get; set; }
    public int Disposition { get; set; }
    public double Completeness { get; set; }
    public string InputsJson { get; set; } = "";
    public string EvaluatedAt { get; set; } = "";
    public long? Level { get; set; }
    public double? AreaMu { get; set; }
    public string? UnitId { get; set; }
    public string? Street { get; set; }
    public long? ClearanceZone { get; set; }
    public string? FailedVetoes { get; set; }
    public string? TopShortfalls { get; set; }
    public string? RedevelopmentModes { get; set; }
    public long? Contested { get; set; }
    public double? PBelowThreshold { get; set; }

    public StoredEvaluation ToStored() => new(Id, new EvaluationRecord(ParcelId, ModelVersion, Score, Classification, Disposition,
        Completeness, InputsJson, StoredText.ParseTime(EvaluatedAt))
    {
        Level = (int?)Level,
        AreaMu = AreaMu,
        UnitId = UnitId,
        Street = Street,
        ClearanceZone = (int?)ClearanceZone,
        FailedVetoes = StoredLists.Read<string>(FailedVetoes),
        TopShortfalls = StoredLists.Read<string>(TopShortfalls),
        RedevelopmentModes = StoredLists.Read<int>(RedevelopmentModes),
        Contested = Contested is { } contested ? contested != 0 : null,
        PBelowThreshold = PBelowThreshold,
    });
}
