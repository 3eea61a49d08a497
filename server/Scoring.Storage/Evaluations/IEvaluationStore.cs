using Scoring.Storage.Paging;

namespace Scoring.Storage.Evaluations;

/// <summary>The evaluation log: every evaluation kept, to trace a parcel's results over its life and list the district.</summary>
public interface IEvaluationStore
{
    /// <summary>Appends evaluations in one transaction.</summary>
    /// <returns>The number of evaluations appended.</returns>
    Task<int> AppendAsync(IReadOnlyList<EvaluationRecord> evaluations, CancellationToken cancellationToken = default);

    /// <summary>A parcel's evaluations, newest first (by evaluated time, then by id).</summary>
    /// <param name="parcelId">Cadastral id.</param>
    /// <param name="pageSize">0 for <see cref="ScoringDatabase.DefaultPageSize"/>; cut to <see cref="ScoringDatabase.MaxPageSize"/>.</param>
    /// <param name="pageToken">Null or empty for the first page, else the token of the previous page for the same parcel.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="InvalidPageTokenException">The page token is not one of this listing's.</exception>
    Task<EvaluationPage> ListAsync(string parcelId, int pageSize, string? pageToken, CancellationToken cancellationToken = default);

    /// <summary>
    /// The evaluations matching <paramref name="filter"/>, in its order, in pages: the district's lists. With
    /// <see cref="EvaluationFilter.LatestOnly"/> each parcel's latest evaluation is taken first (under the filter's
    /// model version, when given), then the other filters apply to it.
    /// </summary>
    /// <param name="filter">What to list and in what order.</param>
    /// <param name="pageSize">0 for <see cref="ScoringDatabase.DefaultPageSize"/>; cut to <see cref="ScoringDatabase.MaxPageSize"/>.</param>
    /// <param name="pageToken">Null or empty for the first page, else the token of the previous page of the same listing.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="InvalidPageTokenException">The page token is not one of this listing's, or was made with other filters.</exception>
    Task<EvaluationPage> ListAsync(EvaluationFilter filter, int pageSize, string? pageToken, CancellationToken cancellationToken = default);

    /// <summary>
    /// Rolls up the latest evaluation of each parcel under <paramref name="modelVersion"/>: in total, by level,
    /// by management unit and by street, all groupings from the same snapshot.
    /// </summary>
    Task<EvaluationSummary> SummarizeAsync(string modelVersion, CancellationToken cancellationToken = default);
}
