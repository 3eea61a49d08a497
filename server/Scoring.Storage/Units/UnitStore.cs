using Dapper;
using Scoring.Storage.Paging;

namespace Scoring.Storage.Units;

/// <summary>
/// The management units (管理片区) that parcels roll up to. Parcels name their unit by id and may arrive before it,
/// so the two are kept apart.
/// </summary>
public sealed class UnitStore(ScoringDatabase database) : IUnitStore
{
    private const string UpsertSql = """
        INSERT INTO management_units (id, name, level, total_area_mu, industrial_area_mu, created_at, updated_at)
        VALUES (@UnitId, @Name, @Level, @TotalAreaMu, @IndustrialAreaMu, @Now, @Now)
        ON CONFLICT (id) DO UPDATE SET
            name               = coalesce(excluded.name, management_units.name),
            level              = coalesce(excluded.level, management_units.level),
            total_area_mu      = coalesce(excluded.total_area_mu, management_units.total_area_mu),
            industrial_area_mu = coalesce(excluded.industrial_area_mu, management_units.industrial_area_mu),
            updated_at         = excluded.updated_at;
        """;

    private const string Columns = """
        id AS UnitId, name AS Name, level AS Level, total_area_mu AS TotalAreaMu,
        industrial_area_mu AS IndustrialAreaMu, created_at AS CreatedAt, updated_at AS UpdatedAt
        """;

    /// <inheritdoc />
    public Task<int> UpsertAsync(IReadOnlyList<UnitWrite> units, CancellationToken cancellationToken = default)
    {
        UnitWrites.Check(units);
        if (units.Count == 0) return Task.FromResult(0);

        return database.WriteAsync(ScoringDatabase.SizeOf(units.Count), (connection, transaction, ct) =>
        {
            var now = StoredText.Time(database.Time.GetUtcNow());
            var rows = units.Select(u => new { u.UnitId, u.Name, u.Level, u.TotalAreaMu, u.IndustrialAreaMu, Now = now });
            return connection.Execute(new CommandDefinition(UpsertSql, rows, transaction, cancellationToken: ct));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ManagementUnit>> ListAllAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<UnitRow>(new CommandDefinition(
            $"SELECT {Columns} FROM management_units ORDER BY id;", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => r.ToUnit()).ToList();
    }

    /// <inheritdoc />
    public async Task<UnitPage> ListAsync(int pageSize, string? pageToken, CancellationToken cancellationToken = default)
    {
        var size = PageToken.PageSize(pageSize);
        var after = UnitWrites.After(pageToken);

        // Keyset on the primary key: BINARY collation, so ids compare byte by byte as the page token remembers them.
        var sql = after is null
            ? $"SELECT {Columns} FROM management_units ORDER BY id LIMIT @Limit;"
            : $"SELECT {Columns} FROM management_units WHERE id > @After ORDER BY id LIMIT @Limit;";
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await connection.QueryAsync<UnitRow>(new CommandDefinition(sql, new { After = after, Limit = size + 1 },
            cancellationToken: cancellationToken)).ConfigureAwait(false)).AsList();

        var next = UnitWrites.Next(rows, size);
        return new UnitPage([.. rows.Select(r => r.ToUnit())], next);
    }

    /// <inheritdoc />
    public async Task<ManagementUnit?> GetAsync(string unitId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(unitId);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<UnitRow>(new CommandDefinition(
            $"SELECT {Columns} FROM management_units WHERE id = @UnitId;", new { UnitId = unitId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToUnit();
    }
}
