using Scoring.Storage.Paging;

namespace Scoring.Storage.Units;

/// <summary>
/// The management units (管理片区) that parcels roll up to. Parcels name their unit by id and may arrive before it,
/// so the two are kept apart.
/// </summary>
public interface IUnitStore
{
    /// <summary>Inserts or updates management units in one transaction; null fields leave the cached ones.</summary>
    /// <returns>The number of units written.</returns>
    Task<int> UpsertAsync(IReadOnlyList<UnitWrite> units, CancellationToken cancellationToken = default);

    /// <summary>Every management unit, in id order (for roll-ups, which need them all).</summary>
    Task<IReadOnlyList<ManagementUnit>> ListAllAsync(CancellationToken cancellationToken = default);

    /// <summary>One page of the management units in id order (ordinal).</summary>
    /// <param name="pageSize">0 for <see cref="ScoringDatabase.DefaultPageSize"/>; cut to <see cref="ScoringDatabase.MaxPageSize"/>.</param>
    /// <param name="pageToken">Null or empty for the first page, else the token of the previous page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="InvalidPageTokenException">The page token is not one of this listing's.</exception>
    Task<UnitPage> ListAsync(int pageSize, string? pageToken, CancellationToken cancellationToken = default);

    /// <summary>One management unit, or null when the store does not hold it.</summary>
    Task<ManagementUnit?> GetAsync(string unitId, CancellationToken cancellationToken = default);
}
