using Dapper;
using Scoring.Storage.Units;

namespace Scoring.Storage.Postgres;

/// <summary>The management units (管理片区) in PostgreSQL: the same upsert and reads as the SQLite store.</summary>
public sealed class PostgresUnitStore(PostgresDatabase database)
    : UnitReads(async ct => await database.OpenAsync(ct).ConfigureAwait(false), PostgresText.TimeColumn)
{
    /// <inheritdoc />
    public override Task<int> UpsertAsync(IReadOnlyList<UnitWrite> units, CancellationToken cancellationToken = default)
    {
        UnitWrites.Check(units);
        if (units.Count == 0) return Task.FromResult(0);
        return database.WriteAsync(async (connection, transaction, ct) =>
        {
            var now = PostgresText.Utc(database.Now());
            var rows = units.Select(u => new { u.UnitId, u.Name, u.Level, u.TotalAreaMu, u.IndustrialAreaMu, Now = now });
            return await connection.ExecuteAsync(new CommandDefinition(UnitWrites.UpsertSql, rows, transaction, cancellationToken: ct)).ConfigureAwait(false);
        }, cancellationToken);
    }
}
