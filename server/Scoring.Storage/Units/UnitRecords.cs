using Scoring.Storage.Paging;

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

/// <summary>What both unit stores check and page the same way.</summary>
internal static class UnitWrites
{
    private const string Listing = "units";

    /// <summary>Refuses units the schema cannot hold, naming the unit: none, no id, a level out of range, an area that is not finite.</summary>
    public static void Check(IReadOnlyList<UnitWrite> units)
    {
        ArgumentNullException.ThrowIfNull(units);
        for (var i = 0; i < units.Count; i++)
        {
            var unit = units[i] ?? throw new ArgumentException($"units[{i}] is null.", nameof(units));
            if (string.IsNullOrEmpty(unit.UnitId)) throw new ArgumentException($"units[{i}] has no unit id.", nameof(units));
            SchemaLimits.CheckLevel(unit.Level, $"units[{i}]", nameof(units));
            SchemaLimits.CheckFinite(unit.TotalAreaMu, $"units[{i}].total_area_mu", nameof(units));
            SchemaLimits.CheckFinite(unit.IndustrialAreaMu, $"units[{i}].industrial_area_mu", nameof(units));
        }
    }

    /// <summary>The id a page starts after; null for the first page.</summary>
    /// <exception cref="InvalidPageTokenException">The page token is not one of this listing's.</exception>
    public static string? After(string? pageToken) =>
        string.IsNullOrEmpty(pageToken)
            ? null
            : PageToken.Decode(pageToken, Listing, 1)[0] ?? throw new InvalidPageTokenException("does not hold a position");

    /// <summary>Cuts the rows read (one more than a page) to the page; the next page's token, or null.</summary>
    public static string? Next(List<UnitRow> rows, int size) => PageToken.CutPage(rows, size, Listing, r => [r.UnitId]);
}

/// <summary>A <c>management_units</c> row as both stores read it (times as <see cref="StoredText"/> text).</summary>
internal sealed class UnitRow
{
    public string UnitId { get; set; } = "";
    public string? Name { get; set; }
    public int? Level { get; set; }
    public double? TotalAreaMu { get; set; }
    public double? IndustrialAreaMu { get; set; }
    public string CreatedAt { get; set; } = "";
    public string UpdatedAt { get; set; } = "";

    public ManagementUnit ToUnit() => new(UnitId, Name, Level, TotalAreaMu, IndustrialAreaMu,
        StoredText.ParseTime(CreatedAt), StoredText.ParseTime(UpdatedAt));
}
