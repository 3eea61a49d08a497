namespace Scoring.Storage.Units;

/// <summary>A management unit (管理片区) to insert or update; null fields leave the cached value as it is.</summary>
/// <param name="UnitId">Unit id.</param>
public sealed record UnitWrite(string UnitId)
{
    /// <summary>Unit name; null leaves it as it is.</summary>
    public string? Name { get; init; }
    /// <summary>Level 0–3 (as <see cref="Scoring.Engine.Model.ParcelLevel"/>); null leaves it as it is.</summary>
    public int? Level { get; init; }
    /// <summary>Total area in 亩; null leaves it as it is.</summary>
    public double? TotalAreaMu { get; init; }
    /// <summary>Industrial land area in 亩; null leaves it as it is.</summary>
    public double? IndustrialAreaMu { get; init; }
}

/// <summary>A cached management unit (管理片区); null means never received.</summary>
/// <param name="UnitId">Unit id.</param>
/// <param name="Name">Unit name.</param>
/// <param name="Level">Level 0–3 (as <see cref="Scoring.Engine.Model.ParcelLevel"/>).</param>
/// <param name="TotalAreaMu">Total area in 亩.</param>
/// <param name="IndustrialAreaMu">Industrial land area in 亩.</param>
/// <param name="CreatedAt">When the unit first reached the cache.</param>
/// <param name="UpdatedAt">When the unit was last written.</param>
public sealed record ManagementUnit(string UnitId, string? Name, int? Level, double? TotalAreaMu, double? IndustrialAreaMu,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>One page of the management units.</summary>
/// <param name="Units">Units in id order.</param>
/// <param name="NextPageToken">Token for the next page; null on the last page.</param>
public sealed record UnitPage(IReadOnlyList<ManagementUnit> Units, string? NextPageToken);
