using System.Globalization;
using System.Text.Json;
using Dapper;
using Scoring.Storage.Paging;

namespace Scoring.Storage.Evaluations;

/// <summary>
/// The listings of the evaluation log, as both stores run them: a parcel's history and the district's filtered lists,
/// with their page tokens. A token's time is <see cref="StoredText"/> text whichever store made it; a store gives the
/// function that turns it into its own time parameter.
/// </summary>
internal static class EvaluationListing
{
    private const string Listing = "evaluations";
    private const string FilteredListing = "evaluation-list";

    /// <summary>The position a page of <paramref name="parcelId"/>'s history starts before: (null, 0) for the first page.</summary>
    /// <exception cref="InvalidPageTokenException">The page token is not one of this listing's.</exception>
    public static (string? BeforeTime, long BeforeId) Before(string parcelId, string? pageToken)
    {
        string? beforeTime = null;
        long beforeId = 0;
        if (!string.IsNullOrEmpty(pageToken))
        {
            var parts = PageToken.Decode(pageToken, Listing, 3);
            if (parts[0] != parcelId) throw new InvalidPageTokenException("belongs to another parcel's evaluation listing");
            if (!StoredText.IsTime(parts[1])) throw new InvalidPageTokenException("does not hold a position");
            beforeTime = parts[1];
            beforeId = PageToken.Number(parts[2]);
        }
        return (beforeTime, beforeId);

    }

    /// <summary>Cuts a parcel's history rows (one more than a page) to the page; the next page's token, or null.</summary>
    public static string? HistoryNext(List<EvaluationRow> rows, int size, string parcelId) =>
        PageToken.CutPage(rows, size, Listing, r => [parcelId, r.EvaluatedAt, r.Id.ToString(CultureInfo.InvariantCulture)]);

    /// <summary>
    /// The WHERE and ORDER BY of a district list (over <c>evaluations e</c>) and their arguments, <c>@Limit</c> one more
    /// than <paramref name="size"/>; <paramref name="time"/> turns a token's time text into the store's parameter.
    /// </summary>
    /// <exception cref="InvalidPageTokenException">The page token is not one of this listing's, or was made with other filters.</exception>
    public static FilteredQuery Filtered(EvaluationFilter filter, int size, string? pageToken, Func<string, object> time)
    {
        ArgumentNullException.ThrowIfNull(filter);
        // The token carries the filter it was made under, so a page of one list is never continued in another.
        var filterText = JsonSerializer.Serialize(filter);
        var conditions = new List<string>();
        var args = new DynamicParameters(new
        {
            filter.ParcelId, filter.Classification, filter.Disposition, filter.ClearanceZone, filter.Street, filter.UnitId,
            filter.Level, filter.ModelVersion, Limit = size + 1,
        });
        if (filter.LatestOnly)
        {
            var scope = string.Join(" AND ", new[] { filter.ModelVersion is null ? null : "model_version = @ModelVersion",
                filter.ParcelId is null ? null : "parcel_id = @ParcelId" }.Where(c => c is not null));
            conditions.Add($"e.id IN (SELECT MAX(id) FROM evaluations {(scope.Length > 0 ? "WHERE " + scope : "")} GROUP BY parcel_id)");
        }
        if (filter.ParcelId is not null) conditions.Add("e.parcel_id = @ParcelId");
        if (filter.ModelVersion is not null) conditions.Add("e.model_version = @ModelVersion");
        if (filter.Classification is not null) conditions.Add("e.classification = @Classification");
        if (filter.Disposition is not null) conditions.Add("e.disposition = @Disposition");
        if (filter.ClearanceZone is not null) conditions.Add("e.clearance_zone = @ClearanceZone");
        if (filter.Street is not null) conditions.Add("e.street = @Street");
        if (filter.UnitId is not null) conditions.Add("e.unit_id = @UnitId");
        if (filter.Level is not null) conditions.Add("e.level = @Level");

        // Keyset paging: the token holds the last row's position in the listing's order.
        var (order, after) = filter.Order switch
        {
            EvaluationOrder.Score => ("e.score, e.parcel_id, e.evaluated_at DESC, e.id DESC",
                "(e.score > @AfterScore OR (e.score = @AfterScore AND (e.parcel_id > @AfterParcel OR (e.parcel_id = @AfterParcel AND (e.evaluated_at, e.id) < (@AfterTime, @AfterId)))))"),
            EvaluationOrder.EvaluateTime => ("e.evaluated_at DESC, e.id DESC", "(e.evaluated_at, e.id) < (@AfterTime, @AfterId)"),
            _ => ("e.parcel_id, e.evaluated_at DESC, e.id DESC",
                "(e.parcel_id > @AfterParcel OR (e.parcel_id = @AfterParcel AND (e.evaluated_at, e.id) < (@AfterTime, @AfterId)))"),
        };
        if (!string.IsNullOrEmpty(pageToken))
        {
            var parts = PageToken.Decode(pageToken, FilteredListing, 5);
            if (parts[0] != filterText) throw new InvalidPageTokenException("was made for another filter or order of the evaluation listing");
            if (!StoredText.IsTime(parts[2]) || !double.TryParse(parts[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var afterScore))
                throw new InvalidPageTokenException("does not hold a position");
            args.AddDynamicParams(new { AfterParcel = parts[1], AfterTime = time(parts[2]!), AfterScore = afterScore, AfterId = PageToken.Number(parts[4]) });
            conditions.Add(after);
        }


        return new FilteredQuery(conditions.Count > 0 ? "WHERE " + string.Join(" AND ", conditions) : "", order, args, filterText);
    }

    /// <summary>A district list's SQL parts and arguments.</summary>
    /// <param name="Where">The WHERE clause, or empty.</param>
    /// <param name="Order">The ORDER BY list.</param>
    /// <param name="Arguments">Every parameter the parts name, and <c>@Limit</c>.</param>
    /// <param name="FilterText">The filter as the page token carries it.</param>
    internal sealed record FilteredQuery(string Where, string Order, DynamicParameters Arguments, string FilterText)
    {
        /// <summary>Cuts the rows read (one more than a page) to the page; the next page's token, or null.</summary>
        public string? Next(List<EvaluationRow> rows, int size) => PageToken.CutPage(rows, size, FilteredListing, r =>
            [FilterText, r.ParcelId, r.EvaluatedAt, r.Score.ToString("R", CultureInfo.InvariantCulture), r.Id.ToString(CultureInfo.InvariantCulture)]);
    }
}
