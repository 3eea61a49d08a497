using Scoring.V1;

namespace Scoring.Client.Tests;

/// <summary><see cref="ScoringClient.ListEvaluationsAsync"/>: a district list walked page by page.</summary>
public sealed class ListEvaluationsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Every_page_is_walked_and_the_request_is_left_as_it_was()
    {
        using var client = new ScoringClient(server.Address);
        // Three parcels of one street evaluated (recorded), one of them twice, and one parcel of another street.
        foreach (var (id, street) in new[] { ("SDK-L3", "sdk-street"), ("SDK-L1", "sdk-street"), ("SDK-L2", "sdk-street"), ("SDK-L1", "sdk-street"), ("SDK-LX", "sdk-other") })
        {
            var parcel = HandWorkedParcel.Input(id);
            parcel.Street = street;
            await client.EvaluateAsync(parcel);
        }
        var request = new ListEvaluationsRequest { Street = "sdk-street", LatestOnly = true, PageSize = 1 };

        var latest = new List<EvaluationRecord>();
        await foreach (var r in client.ListEvaluationsAsync(request)) latest.Add(r);
        var every = new List<string>();
        await foreach (var r in client.ListEvaluationsAsync(new ListEvaluationsRequest { Street = "sdk-street" })) every.Add(r.ParcelId);

        // One per page, three pages: the latest of each parcel in parcel-id order; every evaluation kept counts SDK-L1 twice.
        Assert.Equal(["SDK-L1", "SDK-L2", "SDK-L3"], latest.Select(r => r.ParcelId));
        Assert.All(latest, r => Assert.Equal(HandWorkedParcel.Score, r.Score, 4));
        Assert.Equal(["SDK-L1", "SDK-L1", "SDK-L2", "SDK-L3"], every);
        Assert.Equal(("", 1), (request.PageToken, request.PageSize));
    }
}
