using Scoring.Storage.Paging;

namespace Scoring.Storage.Parcels;

/// <summary>
/// The indicator cache: parcels and every value received, with the current one per code (management units are in
/// <see cref="Units.IUnitStore"/>). The value log is append-only; an older <c>as_of</c> never replaces a newer value
/// or attribute, and on the same date the later receipt wins. Callers validate; a store refuses only what its schema
/// cannot hold.
/// </summary>
public interface IParcelStore
{
    /// <summary>
    /// Writes one chunk of a source's feed in one transaction: inserts or updates each parcel, records every value in
    /// the history, and makes a value or an attribute current unless the cache already holds one describing a later
    /// date than <paramref name="asOf"/> (on the same date, the later receipt wins; null attributes leave the cached ones).
    /// </summary>
    /// <param name="source">The data source sending the chunk.</param>
    /// <param name="asOf">The date the chunk's values describe.</param>
    /// <param name="parcels">Already validated parcels; a parcel may appear more than once.</param>
    /// <param name="cancellationToken">Cancels the chunk; nothing of it is then written.</param>
    Task<UpsertCounts> UpsertAsync(string source, DateOnly asOf, IReadOnlyList<ParcelWrite> parcels, CancellationToken cancellationToken = default);

    /// <summary>A cached parcel with its current values, or null when the cache does not hold it.</summary>
    /// <param name="parcelId">Cadastral id.</param>
    /// <param name="parts">All of the parcel, or only what scoring reads (<see cref="ParcelParts.Scoring"/>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<CachedParcel?> GetAsync(string parcelId, ParcelParts parts = ParcelParts.All, CancellationToken cancellationToken = default);

    /// <summary>The cached parcels among <paramref name="parcelIds"/>, by id; ids not in the cache are left out. One query whatever the number of ids.</summary>
    /// <param name="parcelIds">Cadastral ids.</param>
    /// <param name="parts">All of each parcel, or only what scoring reads (<see cref="ParcelParts.Scoring"/>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<IReadOnlyDictionary<string, CachedParcel>> GetManyAsync(IReadOnlyList<string> parcelIds, ParcelParts parts = ParcelParts.All,
        CancellationToken cancellationToken = default);

    /// <summary>One page of parcel attributes in id order (ordinal), filtered.</summary>
    /// <param name="filter">Which parcels; null for all.</param>
    /// <param name="pageSize">0 for <see cref="ScoringDatabase.DefaultPageSize"/>; cut to <see cref="ScoringDatabase.MaxPageSize"/>.</param>
    /// <param name="pageToken">Null or empty for the first page, else the token of the previous page with the same filter.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="InvalidPageTokenException">The page token is not one of this listing's.</exception>
    Task<ParcelPage> ListAsync(ParcelFilter? filter, int pageSize, string? pageToken, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every cached parcel (matching <paramref name="filter"/>, when given) with its current values, in id order, in
    /// batches of <paramref name="batchSize"/> (the last may be shorter, never empty); no read transaction stays open
    /// while the caller works on a batch.
    /// </summary>
    /// <param name="batchSize">Parcels per batch.</param>
    /// <param name="filter">Which parcels; null for all.</param>
    /// <param name="parts">All of each parcel, or only what scoring reads (<see cref="ParcelParts.Scoring"/>).</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    IAsyncEnumerable<IReadOnlyList<CachedParcel>> StreamAllAsync(int batchSize = 1000, ParcelFilter? filter = null,
        ParcelParts parts = ParcelParts.All, CancellationToken cancellationToken = default);

    /// <summary>Every value ever received for one code of a parcel, newest first (by as-of date, then by receipt).</summary>
    Task<IReadOnlyList<CachedValue>> ValueHistoryAsync(string parcelId, string code, CancellationToken cancellationToken = default);
}
