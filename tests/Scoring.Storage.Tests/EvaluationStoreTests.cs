using Scoring.Storage.Evaluations;

namespace Scoring.Storage.Tests;

public sealed class EvaluationStoreTests : IDisposable
{
    private static readonly DateTimeOffset Noon = new(2025, 4, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDatabase _temp = new();
    private readonly EvaluationStore _store;

    public EvaluationStoreTests() => _store = new EvaluationStore(_temp.Open());

    public void Dispose() => _temp.Dispose();

    private static EvaluationRecord At(string parcelId, int hour, double score = 0.5) =>
        new(parcelId, "v1", score, 3, 2, 1.0, $$"""{"hour":{{hour}}}""", Noon.AddHours(hour));

    [Fact]
    public async Task Evaluation_reads_back_as_appended()
    {
        var record = new EvaluationRecord("P1", "2025-04-01.1", 0.6123, 2, 1, 0.87, """{"indicators":{"far":1.2}}""",
            new DateTimeOffset(2025, 4, 1, 20, 30, 15, TimeSpan.FromHours(8)).AddTicks(1234567));

        var appended = await _store.AppendAsync([record]);
        var page = await _store.ListAsync("P1", 10, null);

        Assert.Equal(1, appended);
        var stored = Assert.Single(page.Evaluations);
        Assert.Equal(record, stored.Evaluation); // same instant; DateTimeOffset equality compares UTC
        Assert.Equal(TimeSpan.Zero, stored.Evaluation.EvaluatedAt.Offset);
        Assert.Null(page.NextPageToken);
    }

    [Fact]
    public async Task Evaluation_without_a_time_is_stamped_by_the_clock()
    {
        await _store.AppendAsync([At("P1", 0) with { EvaluatedAt = default }]);

        var stored = Assert.Single((await _store.ListAsync("P1", 10, null)).Evaluations);

        Assert.Equal(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero), stored.Evaluation.EvaluatedAt);
    }

    [Fact]
    public async Task History_lists_newest_first_in_pages_and_only_for_the_parcel()
    {
        // Appended out of time order, with another parcel's evaluations in between.
        await _store.AppendAsync([At("P1", 3), At("P1", 1), At("P2", 9), At("P1", 7), At("P1", 5)]);
        await _store.AppendAsync([At("P1", 2), At("P1", 6), At("P2", 8), At("P1", 4)]);

        var hours = new List<int>();
        var pages = 0;
        string? token = null;
        do
        {
            var page = await _store.ListAsync("P1", 3, token);
            hours.AddRange(page.Evaluations.Select(e => (int)(e.Evaluation.EvaluatedAt - Noon).TotalHours));
            Assert.All(page.Evaluations, e => Assert.Equal("P1", e.Evaluation.ParcelId));
            token = page.NextPageToken;
            pages++;
        } while (token is not null);

        Assert.Equal([7, 6, 5, 4, 3, 2, 1], hours);
        Assert.Equal(3, pages); // 3 + 3 + 1
    }

    [Fact]
    public async Task Evaluations_at_the_same_time_list_the_later_appended_first()
    {
        await _store.AppendAsync([At("P1", 1, score: 0.1)]);
        await _store.AppendAsync([At("P1", 1, score: 0.2)]);
        await _store.AppendAsync([At("P1", 1, score: 0.3)]);

        var first = await _store.ListAsync("P1", 2, null);
        var second = await _store.ListAsync("P1", 2, first.NextPageToken);

        Assert.Equal([0.3, 0.2], first.Evaluations.Select(e => e.Evaluation.Score));
        Assert.Equal([0.1], second.Evaluations.Select(e => e.Evaluation.Score));
        Assert.True(first.Evaluations[0].Id > first.Evaluations[1].Id);
    }

    [Fact]
    public async Task Page_token_of_another_parcel_is_refused()
    {
        await _store.AppendAsync([At("P1", 1), At("P1", 2)]);
        var first = await _store.ListAsync("P1", 1, null);

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => _store.ListAsync("P2", 1, first.NextPageToken));

        Assert.Equal("pageToken", refused.ParamName);
    }

    [Fact]
    public async Task Unknown_parcel_has_an_empty_history()
    {
        var page = await _store.ListAsync("nobody", 0, null);

        Assert.Empty(page.Evaluations);
        Assert.Null(page.NextPageToken);
    }
}
