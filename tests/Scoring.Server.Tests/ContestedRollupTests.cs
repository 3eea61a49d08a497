using Scoring.V1;

namespace Scoring.Server.Tests;

/// <summary>
/// Issue 16's roll-up through a real server: parcels evaluated with the robustness view (by EvaluateParcel, BatchEvaluate,
/// EvaluateStored and EvaluateParcels) are counted as contested or not in SummarizeEvaluations, per level, unit and street, with their area.
/// </summary>
public sealed class ContestedRollupTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private ScoringService.ScoringServiceClient Scoring => new(server.Channel);
    private ParcelService.ParcelServiceClient Parcels => new(server.Channel);
    private ReportService.ReportServiceClient Reports => new(server.Channel);

    // The parcels of RobustnessTests' construction (utility = value, indicators spread around the element's score).
    // An independent Monte Carlo of it (20,000 Dirichlet(100·w) draws per node, Python's gammavariate) gives the score
    // a spread of 0.0076 and P(below 0.6) = 1 at 0.45, 0.994 at 0.58, 0.90 at 0.59, 0.50 at 0.60, 0.09 at 0.61 and 0
    // at 0.80: the Wilson interval lies above 0.95 or below 0.05 (stable) at 0.45, 0.58 and 0.80 only, so 0.59, 0.60 and
    // 0.61 are contested.
    private static ParcelInput Parcel(string id, double score, Level level, double areaMu, string unit, string street)
    {
        var p = RobustnessTests.Parcel(id, RobustnessTests.UtilitiesFor(score));
        (p.Level, p.AreaMu, p.UnitId, p.Street) = (level, areaMu, unit, street);
        return p;
    }

    private async Task<string> LinearVersionAsync(bool activate) =>
        (await new ModelService.ModelServiceClient(server.Channel).CreateModelAsync(new CreateModelRequest
        {
            DocumentJson = RobustnessTests.Linear.ToJson(), Note = "utility = value", Activate = activate,
        })).Model.Version;

    private async Task EvaluateOneAsync(string version, ParcelInput parcel, EvaluationView view) =>
        await Scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = parcel, ModelVersion = version, View = view });

    private async Task BatchAsync(string version, EvaluationView view, params ParcelInput[] parcels)
    {
        using var call = Scoring.BatchEvaluate();
        await call.RequestStream.WriteAsync(new BatchEvaluateRequest { Parcels = { parcels }, ModelVersion = version, View = view, RecordHistory = true });
        await call.RequestStream.CompleteAsync();
        while (await call.ResponseStream.MoveNext(CancellationToken.None)) { }
    }

    private static void AssertContested(EvaluationGroupSummary group, string key, int known, int contested, double contestedAreaMu)
    {
        Assert.Equal((key, known, contested), (group.Key, group.RobustnessKnownCount, group.ContestedCount));
        Assert.Equal(contestedAreaMu, group.ContestedAreaMu, 9);
    }

    [Fact]
    public async Task Contested_parcels_and_their_area_are_counted_per_level_unit_and_street_from_each_parcels_latest_evaluation()
    {
        // Active, so that the cache takes the construction's values as numbers.
        var version = await LinearVersionAsync(activate: true);
        var p1 = Parcel("C-1", 0.45, Level.Park, 40, "U1", "S1");      // stable
        var p2 = Parcel("C-2", 0.60, Level.Park, 25, "U1", "S1");      // contested
        var p3 = Parcel("C-3", 0.59, Level.Community, 12, "U2", "S1"); // contested
        var p4 = Parcel("C-4", 0.61, Level.Community, 8, "U2", "S2");  // contested
        var p5 = Parcel("C-5", 0.80, Level.Scattered, 30, "U3", "S2"); // stable
        var p6 = Parcel("C-6", 0.58, Level.Park, 15, "U1", "S2");      // stable

        // C-1 and C-2 one at a time, C-3 and C-4 in a batch, C-5 and C-6 from the cache (the street S2 holds only them there).
        await EvaluateOneAsync(version, p1, EvaluationView.Robustness);
        await EvaluateOneAsync(version, p2, EvaluationView.Robustness);
        await BatchAsync(version, EvaluationView.Robustness, p3, p4);
        using (var upsert = Parcels.UpsertParcels())
        {
            await upsert.RequestStream.WriteAsync(new UpsertParcelsRequest
            {
                Source = "planning-bureau", AsOf = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                Parcels = { p5, p6 },
            });
            await upsert.RequestStream.CompleteAsync();
            Assert.True(await upsert.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(2, upsert.ResponseStream.Current.Accepted);
        }
        using (var stored = Parcels.EvaluateStored(new EvaluateStoredRequest
               { ModelVersion = version, Street = "S2", View = EvaluationView.Robustness, RecordHistory = true }))
        {
            var evaluated = new List<string>();
            while (await stored.ResponseStream.MoveNext(CancellationToken.None)) evaluated.AddRange(stored.ResponseStream.Current.Results.Select(r => r.ParcelId));
            Assert.Equal(["C-5", "C-6"], evaluated);
        }

        var summary = await Reports.SummarizeEvaluationsAsync(new SummarizeEvaluationsRequest { ModelVersion = version });

        // Contested: C-2 (25 亩), C-3 (12) and C-4 (8) = 45 亩 of 6 parcels with robustness.
        AssertContested(summary.Total, "", 6, 3, 45);
        Assert.Equal(["LEVEL_PARK", "LEVEL_COMMUNITY", "LEVEL_SCATTERED"], summary.ByLevel.Select(g => g.Key));
        AssertContested(summary.ByLevel[0], "LEVEL_PARK", 3, 1, 25);      // C-1, C-2, C-6
        AssertContested(summary.ByLevel[1], "LEVEL_COMMUNITY", 2, 2, 20); // C-3, C-4
        AssertContested(summary.ByLevel[2], "LEVEL_SCATTERED", 1, 0, 0);  // C-5
        Assert.Equal(["U1", "U2", "U3"], summary.ByUnit.Select(g => g.Key));
        AssertContested(summary.ByUnit[0], "U1", 3, 1, 25);
        AssertContested(summary.ByUnit[1], "U2", 2, 2, 20);
        AssertContested(summary.ByUnit[2], "U3", 1, 0, 0);
        Assert.Equal(["S1", "S2"], summary.ByStreet.Select(g => g.Key));
        AssertContested(summary.ByStreet[0], "S1", 3, 2, 37); // C-1, C-2, C-3
        AssertContested(summary.ByStreet[1], "S2", 3, 1, 8);  // C-4, C-5, C-6

        // C-2 evaluated again without robustness: its latest evaluation no longer tells, so it is neither counted as
        // contested nor as known.
        await EvaluateOneAsync(version, p2, EvaluationView.Basic);

        var after = await Reports.SummarizeEvaluationsAsync(new SummarizeEvaluationsRequest { ModelVersion = version });

        AssertContested(after.Total, "", 5, 2, 20);
        AssertContested(after.ByLevel[0], "LEVEL_PARK", 2, 0, 0);
        AssertContested(after.ByUnit[0], "U1", 2, 0, 0);
        AssertContested(after.ByStreet[0], "S1", 2, 1, 12);
        Assert.Equal(6, after.Total.ParcelCount);
    }

    [Fact]
    public async Task EvaluateParcels_with_robustness_records_the_contested_verdicts_too()
    {
        var version = await LinearVersionAsync(activate: false);
        await Parcels.EvaluateParcelsAsync(new EvaluateParcelsRequest
        {
            ModelVersion = version, View = EvaluationView.Robustness, RecordHistory = true,
            Parcels = { Parcel("E-1", 0.60, Level.Park, 25, "U1", "S1"), Parcel("E-2", 0.45, Level.Park, 10, "U1", "S1") },
        });

        var summary = await Reports.SummarizeEvaluationsAsync(new SummarizeEvaluationsRequest { ModelVersion = version });

        // E-1 on the line is contested, E-2 far below it is not.
        AssertContested(summary.Total, "", 2, 1, 25);
        AssertContested(Assert.Single(summary.ByUnit), "U1", 2, 1, 25);
    }

    [Fact]
    public async Task Evaluations_without_robustness_leave_the_robustness_of_every_group_unknown()
    {
        var version = await LinearVersionAsync(activate: false);
        await BatchAsync(version, EvaluationView.Full, Parcel("N-1", 0.60, Level.Park, 25, "U1", "S1"), Parcel("N-2", 0.45, Level.Community, 10, "U2", "S2"));

        var summary = await Reports.SummarizeEvaluationsAsync(new SummarizeEvaluationsRequest { ModelVersion = version });

        Assert.Equal(2, summary.Total.ParcelCount);
        AssertContested(summary.Total, "", 0, 0, 0);
        Assert.All(summary.ByLevel.Concat(summary.ByUnit).Concat(summary.ByStreet),
            g => Assert.Equal((0, 0, 0.0), (g.RobustnessKnownCount, g.ContestedCount, g.ContestedAreaMu)));
    }
}
