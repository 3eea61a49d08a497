using System.Diagnostics;
using Google.Rpc;
using Grpc.Core;
using Scoring.V1;

namespace Scoring.Server.Tests;

/// <summary>What a test reads back of the model versions: every version, the active one, every audit record.</summary>
internal sealed record ModelHistory(IReadOnlyList<string> Versions, string Active, IReadOnlyList<(string Action, string Version)> Audit)
{
    public static async Task<ModelHistory> ReadAsync(ModelService.ModelServiceClient models)
    {
        var versions = await models.ListModelsAsync(new ListModelsRequest { PageSize = 1000 });
        var audit = await models.ListAuditRecordsAsync(new ListAuditRecordsRequest { PageSize = 1000 });
        Assert.Equal("", versions.NextPageToken);
        Assert.Equal("", audit.NextPageToken);
        return new ModelHistory([.. versions.Models.Select(m => m.Version)], versions.Models.Single(m => m.Active).Version,
            [.. audit.Records.Select(r => (r.Action, r.Version))]);
    }

    // Records compare their lists by reference; compare what they hold.
    public bool Same(ModelHistory other) => Versions.SequenceEqual(other.Versions) && Active == other.Active && Audit.SequenceEqual(other.Audit);

    public override string ToString() => $"versions [{string.Join(", ", Versions)}], active {Active}, audit [{string.Join(", ", Audit)}]";
}

/// <summary>A weight update whose deadline passes during its impact preview stores nothing.</summary>
public sealed class TimedOutWeightUpdateTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    // Parcels are cached in rounds of this many until the preview clearly outlasts the deadline.
    private const int Round = 5_000;

    private ScoringService.ScoringServiceClient Scoring => new(server.Channel);
    private ModelService.ModelServiceClient Models => new(server.Channel);

    private async Task CacheRoundAsync(int round)
    {
        var cache = new ParcelService.ParcelServiceClient(server.Channel);
        using var call = cache.UpsertParcels();
        for (var chunk = 0; chunk < Round / 1000; chunk++)
        {
            var request = new UpsertParcelsRequest { Source = "test", AsOf = "2026-01-01" };
            for (var i = 0; i < 1000; i++) request.Parcels.Add(HandWorkedParcel.Input($"DEADLINE-{round:D2}-{chunk:D2}-{i:D4}"));
            await call.RequestStream.WriteAsync(request);
            Assert.True(await call.ResponseStream.MoveNext());
            Assert.Equal(1000, call.ResponseStream.Current.Accepted);
        }
        await call.RequestStream.CompleteAsync();
        while (await call.ResponseStream.MoveNext()) { }
    }

    [Fact]
    public async Task An_activating_update_whose_deadline_passes_during_the_impact_preview_leaves_versions_audit_and_active_version_unchanged()
    {
        // All weight on energy: every cached parcel (the hand-worked one, 0.7363) drops to 0.566, INEFFICIENT_SCORE.
        var update = new UpdateWeightsRequest
        {
            BaseVersion = "1", ExpectedActiveVersion = "1", Activate = true, RequestId = "energy-only-1",
            Weights = new WeightTable
            {
                Weights =
                {
                    new[] { ("population", 0.0), ("land", 0.0), ("enterprise", 0.0), ("industry", 0.0), ("economy", 0.0), ("energy", 1.0) }
                        .Select(e => new Weight { Group = "elements", Code = e.Item1, Weight_ = e.Item2 }),
                },
            },
        };

        // How long the preview takes here: the deadline below must pass well inside it.
        var dryRun = update.Clone();
        dryRun.DryRun = true;
        int cached = 0;
        TimeSpan previewTime;
        do
        {
            await CacheRoundAsync(cached / Round);
            cached += Round;
            // Timed warm (the second of two runs), as the activating call below will find the cache.
            previewTime = TimeSpan.MaxValue;
            for (var run = 0; run < 2; run++)
            {
                var clock = Stopwatch.StartNew();
                var preview = (await Scoring.UpdateWeightsAsync(dryRun)).Impact;
                previewTime = clock.Elapsed < previewTime ? clock.Elapsed : previewTime;
                Assert.Equal(cached, preview.ParcelCount);
                Assert.Equal(cached, preview.TotalMoves);
            }
        } while (previewTime < TimeSpan.FromMilliseconds(300) && cached < 100_000);
        Assert.True(previewTime >= TimeSpan.FromMilliseconds(300), $"the preview over {cached} parcels took only {previewTime.TotalMilliseconds:0} ms");
        // Far inside the preview: a deadline that passes only after the commit cannot be undone by any server.
        var deadline = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMilliseconds(30).Ticks, previewTime.Ticks / 10));

        var before = await ModelHistory.ReadAsync(Models);
        var callClock = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<RpcException>(() => Scoring.UpdateWeightsAsync(update, deadline: DateTime.UtcNow + deadline).ResponseAsync);
        var callTime = callClock.Elapsed;
        Assert.Contains(ex.StatusCode, new[] { StatusCode.DeadlineExceeded, StatusCode.Cancelled });

        // Long enough for a server that ignored the deadline to finish the preview and commit.
        await Task.Delay(previewTime * 2);
        var after = await ModelHistory.ReadAsync(Models);
        Assert.True(before.Same(after), $"before: {before}; after: {after}; preview {previewTime.TotalMilliseconds:0} ms, deadline {deadline.TotalMilliseconds:0} ms, call {callTime.TotalMilliseconds:0} ms, {ex.StatusCode}");
        Assert.Equal(["1"], after.Versions);
        Assert.Equal("1", after.Active);

        // Nothing of its request id was kept either: the same call given time stores version 2 now, not as a replay.
        var done = await Scoring.UpdateWeightsAsync(update);
        Assert.Equal("2", done.ModelVersion);
        Assert.Equal(cached, done.Impact.TotalMoves);
        var last = await ModelHistory.ReadAsync(Models);
        Assert.Equal("2", last.Active);
        Assert.Equal([("activate_model", "2"), ("update_weights", "2"), ("activate_model", "1"), ("create_model", "1")], last.Audit);
    }
}

/// <summary>request_id (AIP-155) on UpdateWeights and CreateModel: a retry gets the first call's version.</summary>
public sealed class WeightUpdateRetryTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private ScoringService.ScoringServiceClient Scoring => new(server.Channel);
    private ModelService.ModelServiceClient Models => new(server.Channel);

    // Two experts over the industry group. Expert A is consistent (a13 = a12 · a23): weights 4 : 2 : 1. Expert B judges
    // a13 = 8 instead of 4: λmax = 3.0536, CR = 0.0462 (UpdateWeightsTests works both out).
    private static AhpJudgments IndustryRound()
    {
        string[] items = ["investment_per_mu", "industry_potential", "chain_efficiency"];
        return new AhpJudgments
        {
            Matrices =
            {
                new JudgmentMatrix { Group = "industry", Items = { items }, Values = { 1, 2, 4, 0.5, 1, 2, 0.25, 0.5, 1 }, Expert = "expert-a" },
                new JudgmentMatrix { Group = "industry", Items = { items }, Values = { 1, 2, 8, 0.5, 1, 2, 0.125, 0.5, 1 }, Expert = "expert-b" },
            },
        };
    }

    private static void AssertRequestIdRefused(RpcException ex, string reason)
    {
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var status = ex.GetRpcStatus()!;
        Assert.Equal("request_id", Assert.Single(status.GetDetail<BadRequest>().FieldViolations).Field);
        Assert.Equal(reason, status.GetDetail<ErrorInfo>().Reason);
    }

    private async Task<string> ActiveAsync() => (await Models.GetModelAsync(new GetModelRequest())).Model.Version;

    [Fact]
    public async Task A_retried_activating_update_returns_the_first_version_with_its_weights_and_consistency_and_is_not_ABORTED()
    {
        var active = await ActiveAsync();
        var request = new UpdateWeightsRequest
        {
            BaseVersion = active, ExpectedActiveVersion = active, Activate = true, Judgments = IndustryRound(), Note = "industry round", RequestId = "industry-round-1",
        };
        var before = await ModelHistory.ReadAsync(Models);

        var first = await Scoring.UpdateWeightsAsync(request);
        // The first call made its version active, so expected_active_version is now stale: without the id this is ABORTED.
        var retry = await Scoring.UpdateWeightsAsync(request.Clone());

        Assert.Equal(first.ModelVersion, retry.ModelVersion);
        Assert.Equal(first.Weights, retry.Weights);
        Assert.Equal(first.Consistency, retry.Consistency);
        Assert.Equal(3.0536, retry.Consistency[2].LambdaMax, 4);
        Assert.Equal(0.0462, retry.Consistency[2].Cr, 4);
        var after = await ModelHistory.ReadAsync(Models);
        Assert.Equal([first.ModelVersion, .. before.Versions], after.Versions);
        Assert.Equal(first.ModelVersion, after.Active);
        Assert.Equal([("activate_model", first.ModelVersion), ("update_weights", first.ModelVersion), .. before.Audit], after.Audit);

        var abort = request.Clone();
        abort.RequestId = "";
        Assert.Equal(StatusCode.Aborted, (await Assert.ThrowsAsync<RpcException>(() => Scoring.UpdateWeightsAsync(abort).ResponseAsync)).StatusCode);
        await Models.ActivateModelAsync(new ActivateModelRequest { Version = "1" });
    }

    [Fact]
    public async Task Concurrent_calls_with_one_request_id_store_one_version_and_all_answer_it()
    {
        var request = new UpdateWeightsRequest { BaseVersion = "1", Judgments = IndustryRound(), RequestId = "industry-round-concurrent" };
        var before = await ModelHistory.ReadAsync(Models);

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(async () => (await Scoring.UpdateWeightsAsync(request)).ModelVersion)));

        Assert.Single(answers.Distinct());
        var after = await ModelHistory.ReadAsync(Models);
        Assert.Equal([answers[0], .. before.Versions], after.Versions);
        Assert.Equal([("update_weights", answers[0]), .. before.Audit], after.Audit);
    }

    [Fact]
    public async Task The_same_request_id_with_a_different_update_is_INVALID_ARGUMENT_naming_request_id_and_stores_nothing()
    {
        var request = new UpdateWeightsRequest { BaseVersion = "1", Judgments = IndustryRound(), Note = "first", RequestId = "industry-round-2" };
        await Scoring.UpdateWeightsAsync(request);
        var before = await ModelHistory.ReadAsync(Models);

        var other = request.Clone();
        other.Note = "second";
        var ex = await Assert.ThrowsAsync<RpcException>(() => Scoring.UpdateWeightsAsync(other).ResponseAsync);

        AssertRequestIdRefused(ex, "REQUEST_ID_REUSED");
        Assert.True(before.Same(await ModelHistory.ReadAsync(Models)));
    }

    [Fact]
    public async Task A_retried_CreateModel_returns_the_first_version_and_the_same_id_with_another_document_or_rpc_is_refused()
    {
        var document = (await Models.ExportModelAsync(new ExportModelRequest { Version = "1" })).DocumentJson;
        var request = new CreateModelRequest { DocumentJson = document, ParentVersion = "1", Note = "Pukou copy", RequestId = "pukou-1" };
        var before = await ModelHistory.ReadAsync(Models);

        var first = (await Models.CreateModelAsync(request)).Model;
        var retry = (await Models.CreateModelAsync(request.Clone())).Model;

        Assert.Equal(first.Version, retry.Version);
        Assert.Equal(first, retry);
        var after = await ModelHistory.ReadAsync(Models);
        Assert.Equal([first.Version, .. before.Versions], after.Versions);
        Assert.Equal([("create_model", first.Version), .. before.Audit], after.Audit);

        var other = request.Clone();
        other.Activate = true;
        AssertRequestIdRefused(await Assert.ThrowsAsync<RpcException>(() => Models.CreateModelAsync(other).ResponseAsync), "REQUEST_ID_REUSED");
        var update = new UpdateWeightsRequest { BaseVersion = "1", Judgments = IndustryRound(), RequestId = "pukou-1" };
        AssertRequestIdRefused(await Assert.ThrowsAsync<RpcException>(() => Scoring.UpdateWeightsAsync(update).ResponseAsync), "REQUEST_ID_REUSED");
        Assert.True(after.Same(await ModelHistory.ReadAsync(Models)));
        Assert.Equal("1", after.Active);
    }

    [Theory]
    [InlineData(129, "")]        // one character too many
    [InlineData(10, "\u0007")]   // a control character (BEL)
    [InlineData(10, "\n")]
    public async Task A_request_id_too_long_or_with_a_control_character_is_INVALID_ARGUMENT_naming_request_id(int length, string inserted)
    {
        var id = inserted + new string('r', length - inserted.Length);
        var update = new UpdateWeightsRequest { BaseVersion = "1", Judgments = IndustryRound(), RequestId = id };
        var create = new CreateModelRequest { DocumentJson = (await Models.ExportModelAsync(new ExportModelRequest { Version = "1" })).DocumentJson, RequestId = id };
        var before = await ModelHistory.ReadAsync(Models);

        AssertRequestIdRefused(await Assert.ThrowsAsync<RpcException>(() => Scoring.UpdateWeightsAsync(update).ResponseAsync), "INVALID_REQUEST");
        AssertRequestIdRefused(await Assert.ThrowsAsync<RpcException>(() => Models.CreateModelAsync(create).ResponseAsync), "INVALID_REQUEST");
        Assert.True(before.Same(await ModelHistory.ReadAsync(Models)));
    }

    [Fact]
    public async Task A_request_id_of_128_characters_is_accepted_counting_characters_not_utf16_units()
    {
        // U+20000 (𠀀) is one character written as two UTF-16 units: 128 of them are 256 units.
        var id = string.Concat(Enumerable.Repeat("\U00020000", 128));
        var update = new UpdateWeightsRequest { BaseVersion = "1", Judgments = IndustryRound(), RequestId = id };

        var first = await Scoring.UpdateWeightsAsync(update);
        var retry = await Scoring.UpdateWeightsAsync(update);

        Assert.NotEqual("", first.ModelVersion);
        Assert.Equal(first.ModelVersion, retry.ModelVersion);
    }
}
