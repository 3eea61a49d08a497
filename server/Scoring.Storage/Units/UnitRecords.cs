using System.Data.Common;
using Dapper;
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

    /// <summary>Inserts a unit or updates it, null fields leaving the cached ones (parameters: the <see cref="UnitWrite"/>'s and <c>@Now</c>).</summary>
    public const string UpsertSql = """
        INSERT INTO management_units (id, name, level, total_area_mu, industrial_area_mu, created_at, updated_at)
        VALUES (@UnitId, @Name, @Level, @TotalAreaMu, @IndustrialAreaMu, @Now, @Now)
        ON CONFLICT (id) DO UPDATE SET
            name               = coalesce(excluded.name, management_units.name),
            level              = coalesce(excluded.level, management_units.level),
            total_area_mu      = coalesce(excluded.total_area_mu, management_units.total_area_mu),
            industrial_area_mu = coalesce(excluded.industrial_area_mu, management_units.industrial_area_mu),
            updated_at         = excluded.updated_at;
        """;

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

/// <summary>
/// The reads of the management units, the same SQL on either store but for how a time column reads as
/// <see cref="StoredText"/> text. Ids are ordered byte by byte (SQLite's BINARY, PostgreSQL's "C" collation), as the
/// page token remembers them.
/// </summary>
public abstract class UnitReads : IUnitStore
{
    private readonly Func<CancellationToken, Task<DbConnection>> _open;
    private readonly string _columns;

    /// <summary>Reads through connections from <paramref name="open"/>, times read by <paramref name="time"/>.</summary>
    /// <param name="open">Opens a connection to the store.</param>
    /// <param name="time">The SQL reading a time column as stored text.</param>
    private protected UnitReads(Func<CancellationToken, Task<DbConnection>> open, Func<string, string> time)
    {
        _open = open;
        _columns = $"""
            id AS UnitId, name AS Name, level AS Level, total_area_mu AS TotalAreaMu,
            industrial_area_mu AS IndustrialAreaMu, {time("created_at")} AS CreatedAt, {time("updated_at")} AS UpdatedAt
            """;
    }

    /// <inheritdoc />
    public abstract Task<int> UpsertAsync(IReadOnlyList<UnitWrite> units, CancellationToken cancellationToken = default);

    /// <inheritdoc />
    public async Task<IReadOnlyList<ManagementUnit>> ListAllAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _open(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<UnitRow>(new CommandDefinition(
            $"SELECT {_columns} FROM management_units ORDER BY id;", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => r.ToUnit()).ToList();
    }

    /// <inheritdoc />
    public async Task<UnitPage> ListAsync(int pageSize, string? pageToken, CancellationToken cancellationToken = default)
    {
        var size = PageToken.PageSize(pageSize);
        var after = UnitWrites.After(pageToken);
        var sql = after is null
            ? $"SELECT {_columns} FROM management_units ORDER BY id LIMIT @Limit;"
            : $"SELECT {_columns} FROM management_units WHERE id > @After ORDER BY id LIMIT @Limit;";
        await using var connection = await _open(cancellationToken).ConfigureAwait(false);
        var rows = (await connection.QueryAsync<UnitRow>(new CommandDefinition(sql, new { After = after, Limit = size + 1 },
            cancellationToken: cancellationToken)).ConfigureAwait(false)).AsList();
        var next = UnitWrites.Next(rows, size);
        return new UnitPage([.. rows.Select(r => r.ToUnit())], next);
    }

    /// <inheritdoc />
    public async Task<ManagementUnit?> GetAsync(string unitId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(unitId);
        await using var connection = await _open(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<UnitRow>(new CommandDefinition(
            $"SELECT {_columns} FROM management_units WHERE id = @UnitId;", new { UnitId = unitId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToUnit();
    }
}
