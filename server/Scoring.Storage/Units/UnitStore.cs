using Dapper;

namespace Scoring.Storage.Units;

/// <summary>
/// The management units (管理片区) that parcels roll up to. Parcels name their unit by id and may arrive before it,
/// so the two are kept apart.
/// </summary>
public sealed class UnitStore(ScoringDatabase database)
    : UnitReads(async ct => await database.OpenAsync(ct).ConfigureAwait(false), time => time)
{
    /// <inheritdoc />
    public override Task<int> UpsertAsync(IReadOnlyList<UnitWrite> units, CancellationToken cancellationToken = default)
    {
        UnitWrites.Check(units);
        if (units.Count == 0) return Task.FromResult(0);

        return database.WriteAsync(ScoringDatabase.SizeOf(units.Count), (connection, transaction, ct) =>
        {
            var now = StoredText.Time(database.Time.GetUtcNow());
            var rows = units.Select(u => new { u.UnitId, u.Name, u.Level, u.TotalAreaMu, u.IndustrialAreaMu, Now = now });
            return connection.Execute(new CommandDefinition(UnitWrites.UpsertSql, rows, transaction, cancellationToken: ct));
        }, cancellationToken);
    }
}
