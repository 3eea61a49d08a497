using Google.Rpc;
using Grpc.Core;
using Scoring.V1;
using static Scoring.Server.Tests.Spatial.SpatialParcels;

namespace Scoring.Server.Tests.Spatial;

/// <summary>
/// One layer in force: a red line over 500 050–500 250 × 3 529 900–3 530 200 (EPSG:4549). The parcel
/// 500 000–500 100 × 3 530 000–3 530 100 (15 亩) has its east half inside it: 5 000 of 10 000 m², a share of 0.5.
/// </summary>
public sealed class OverlayFixture : ServerFixture
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await UploadAsync(this, LayerKind.EcologicalRedLine, (500_050, 3_529_900, 500_250, 3_530_200));
    }
}

public sealed class OverlayTests(OverlayFixture server) : IClassFixture<OverlayFixture>
{
    private static readonly string HalfInside = Squares.Box(500_000, 3_530_000, 500_100, 3_530_100);
    private static readonly string Outside = Squares.Box(499_800, 3_530_000, 499_900, 3_530_100);

    [Fact]
    public async Task A_parcel_half_inside_the_red_line_derives_the_flag_with_provenance_and_the_disposition_follows()
    {
        var e = await EvaluateAsync(server, Efficient("O-HALF", HalfInside, 15));

        var fact = Assert.Single(e.SpatialFacts);
        Assert.Equal(("in_ecological_red_line", true, "ecological_red_line", 1), (fact.Name, fact.Value, fact.LayerId, fact.LayerVersion));
        Assert.Equal(0.5, fact.OverlapShare, 9);
        Assert.Equal(Classification.Efficient, e.Classification);
        Assert.Equal(Disposition.EcologicalClearance, e.Disposition);
        Assert.Equal(ClearanceZone.Must, e.ClearanceZone);
        Assert.Empty(e.Warnings);
    }

    [Fact]
    public async Task Its_neighbour_outside_the_red_line_derives_false_and_is_retained()
    {
        var e = await EvaluateAsync(server, Efficient("O-OUT", Outside, 15));

        var fact = Assert.Single(e.SpatialFacts);
        Assert.Equal(("in_ecological_red_line", false), (fact.Name, fact.Value));
        Assert.Equal(0, fact.OverlapShare);
        Assert.Equal(Disposition.Retained, e.Disposition);
        Assert.Empty(e.RedevelopmentModes);
    }

    [Fact]
    public async Task An_explicit_false_still_wins()
    {
        var parcel = Efficient("O-FALSE", HalfInside, 15);
        parcel.InEcologicalRedLine = false;

        var e = await EvaluateAsync(server, parcel);

        Assert.Empty(e.SpatialFacts);
        Assert.Equal(Disposition.Retained, e.Disposition);
    }

    [Fact]
    public async Task A_cached_answer_wins_and_a_cached_outline_is_overlaid()
    {
        var answered = Efficient("O-CACHED-FALSE", HalfInside, 15);
        answered.InEcologicalRedLine = false;
        await UpsertAsync(server, answered, Efficient("O-CACHED-SHAPE", HalfInside, 15));

        var byAnswer = await EvaluateAsync(server, new ParcelInput { ParcelId = "O-CACHED-FALSE" });
        var byShape = await EvaluateAsync(server, new ParcelInput { ParcelId = "O-CACHED-SHAPE" });

        Assert.Empty(byAnswer.SpatialFacts);
        Assert.Equal(Disposition.Retained, byAnswer.Disposition);
        Assert.Equal(0.5, Assert.Single(byShape.SpatialFacts).OverlapShare, 9);
        Assert.Equal(Disposition.EcologicalClearance, byShape.Disposition);
    }

    [Fact]
    public async Task The_same_square_in_EPSG_4490_gives_the_same_share_as_in_EPSG_4549()
    {
        var metres = await EvaluateAsync(server, Efficient("O-4549", HalfInside, 15));
        var degrees = await EvaluateAsync(server, Efficient("O-4490", Squares.BoxInDegrees(500_000, 3_530_000, 500_100, 3_530_100), 15, "EPSG:4490"));

        Assert.Equal(Assert.Single(metres.SpatialFacts).OverlapShare, Assert.Single(degrees.SpatialFacts).OverlapShare, 1e-6);
        Assert.Equal(Disposition.EcologicalClearance, degrees.Disposition);
    }

    [Fact]
    public async Task A_district_scan_overlays_the_cached_outlines()
    {
        await UpsertAsync(server, Efficient("O-SCAN-IN", HalfInside, 15), Efficient("O-SCAN-OUT", Outside, 15));
        var cache = new ParcelService.ParcelServiceClient(server.Channel);

        using var call = cache.EvaluateStored(new EvaluateStoredRequest());
        var found = new Dictionary<string, Evaluation>();
        while (await call.ResponseStream.MoveNext())
            foreach (var r in call.ResponseStream.Current.Results) found[r.ParcelId] = r.Evaluation;

        Assert.Equal(Disposition.EcologicalClearance, found["O-SCAN-IN"].Disposition);
        Assert.Equal(Disposition.Retained, found["O-SCAN-OUT"].Disposition);
    }

    [Fact]
    public async Task A_stream_reuses_the_messages_of_a_chunk_it_sent_without_carrying_anything_of_the_parcel_before()
    {
        // Chunk after chunk, parcels with spatial facts, a clearance tier, a warning or a failed veto alternate with plain
        // ones: each result is what EvaluateParcel answers for that parcel alone in the same view.
        var failedVeto = HandWorkedParcel.Input("O-REUSE-VETO");
        failedVeto.Vetoes[failedVeto.Vetoes.Keys.Order(StringComparer.Ordinal).First()] = false;
        var unknownVeto = HandWorkedParcel.Input("O-REUSE-UNKNOWN");
        unknownVeto.Vetoes.Remove(unknownVeto.Vetoes.Keys.Order(StringComparer.Ordinal).Last());
        var noUnit = HandWorkedParcel.Input("O-REUSE-NOUNIT");
        noUnit.UnitId = "";
        noUnit.Street = "";
        ParcelInput[] parcels =
        [
            Efficient("O-REUSE-IN", HalfInside, 20), HandWorkedParcel.Input("O-REUSE-PLAIN"), failedVeto, noUnit,
            Efficient("O-REUSE-OUT", Outside, 15), unknownVeto, HandWorkedParcel.Input("O-REUSE-PLAIN-2"),
        ];
        var scoring = new ScoringService.ScoringServiceClient(server.Channel);

        using var call = scoring.BatchEvaluate();
        var streamed = new List<Evaluation>();
        for (var i = 0; i < parcels.Length; i++)
        {
            var chunk = new BatchEvaluateRequest { Parcels = { parcels[i] } };
            if (i == 0) chunk.View = EvaluationView.Basic;
            await call.RequestStream.WriteAsync(chunk);
            Assert.True(await call.ResponseStream.MoveNext());
            streamed.Add(Assert.Single(call.ResponseStream.Current.Results).Evaluation);
        }
        await call.RequestStream.CompleteAsync();

        for (var i = 0; i < parcels.Length; i++)
        {
            var alone = (await scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = parcels[i], SkipHistory = true, View = EvaluationView.Basic })).Evaluation;
            Assert.Equal(alone, streamed[i]);
        }
        Assert.NotEmpty(streamed[0].Warnings);
        Assert.NotEmpty(streamed[2].FailedVetoes);
        Assert.NotEmpty(streamed[5].UnknownVetoes);
    }

    [Fact]
    public async Task Chunks_larger_than_the_refilled_messages_answer_each_parcel_as_its_own()
    {
        // A stream refills at most 5,000 messages of the chunk it sent; the rest of a 5,200-parcel chunk is answered with
        // new ones. Two chunks alternate a plain parcel and one with a failed veto, the second in the other order, so
        // that every refilled message held the other kind of parcel before.
        const int size = 5_200;
        var scoring = new ScoringService.ScoringServiceClient(server.Channel);
        ParcelInput Plain(string id) => HandWorkedParcel.Input(id);
        ParcelInput Vetoed(string id)
        {
            var p = HandWorkedParcel.Input(id);
            p.Vetoes[p.Vetoes.Keys.Order(StringComparer.Ordinal).First()] = false;
            return p;
        }
        var plain = (await scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = Plain("O-BIG"), SkipHistory = true, View = EvaluationView.Basic })).Evaluation;
        var vetoed = (await scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = Vetoed("O-BIG"), SkipHistory = true, View = EvaluationView.Basic })).Evaluation;

        using var call = scoring.BatchEvaluate();
        for (var c = 0; c < 2; c++)
        {
            var chunk = new BatchEvaluateRequest { View = EvaluationView.Basic };
            for (var i = 0; i < size; i++)
                chunk.Parcels.Add((i + c) % 2 == 0 ? Plain($"O-BIG-{c}-{i}") : Vetoed($"O-BIG-{c}-{i}"));
            await call.RequestStream.WriteAsync(chunk);
            var results = new List<BatchResult>();
            do
            {
                Assert.True(await call.ResponseStream.MoveNext());
                results.AddRange(call.ResponseStream.Current.Results);
            } while (call.ResponseStream.Current.ChunkContinues);

            Assert.Equal(size, results.Count);
            for (var i = 0; i < size; i++)
            {
                var expected = ((i + c) % 2 == 0 ? plain : vetoed).Clone();
                expected.ParcelId = $"O-BIG-{c}-{i}";
                Assert.Equal(expected.ParcelId, results[i].ParcelId);
                Assert.Equal(expected, results[i].Evaluation);
            }
        }
        await call.RequestStream.CompleteAsync();
        Assert.NotEmpty(vetoed.FailedVetoes);
        Assert.Empty(plain.FailedVetoes);
    }

    [Fact]
    public async Task An_area_mu_more_than_10_percent_off_the_outline_is_a_warning()
    {
        // The outline is 15 亩: 20 is |15 − 20| / 20 = 25 % off; 16 is 1/16 = 6.25 % off.
        var far = await EvaluateAsync(server, Efficient("O-AREA-20", Outside, 20));
        var near = await EvaluateAsync(server, Efficient("O-AREA-16", Outside, 16));

        Assert.Equal("area_mu 20 亩 differs from the outline's 15 亩 by 25% (more than 10%)", Assert.Single(far.Warnings));
        Assert.Empty(near.Warnings);
    }

    [Theory]
    [InlineData("LINESTRING (0 0, 1 1)", "EPSG:4549", "parcel.geometry")]
    [InlineData("POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0))", "EPSG:4549", "parcel.geometry")]
    [InlineData("POLYGON ((0 0, 10 0, 10 10, 0 0))", "EPSG:3857", "parcel.crs")]
    public async Task A_bad_outline_or_unknown_crs_is_invalid_argument_naming_the_field(string geometry, string crs, string field)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => EvaluateAsync(server, Efficient("O-BAD", geometry, 15, crs)));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal(field, Assert.Single(ex.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
    }

    [Fact]
    public async Task A_bad_outline_is_refused_at_ingest_naming_the_field()
    {
        using var upsert = new ParcelService.ParcelServiceClient(server.Channel).UpsertParcels();
        await upsert.RequestStream.WriteAsync(new UpsertParcelsRequest
        {
            Source = "planning-bureau", AsOf = "2026-01-01", Parcels = { Efficient("O-INGEST-BAD", "POINT (1 2)", 15) },
        });
        await upsert.RequestStream.CompleteAsync();
        Assert.True(await upsert.ResponseStream.MoveNext());

        var error = Assert.Single(upsert.ResponseStream.Current.Errors);
        Assert.Equal("parcels[0].geometry", Assert.Single(error.Status.GetDetail<BadRequest>().FieldViolations).Field);
        Assert.Equal(0, upsert.ResponseStream.Current.Accepted);
    }
}

/// <summary>The same red line with Spatial:OverlapShare at 0.6: a parcel half inside is not in it.</summary>
public sealed class StricterShareFixture : ServerFixture
{
    protected override IEnumerable<string> ExtraArgs => ["--Spatial:OverlapShare=0.6"];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await UploadAsync(this, LayerKind.EcologicalRedLine, (500_050, 3_529_900, 500_250, 3_530_200));
    }
}

public sealed class ConfiguredShareTests(StricterShareFixture server) : IClassFixture<StricterShareFixture>
{
    [Fact]
    public async Task The_flag_follows_the_configured_share()
    {
        var half = await EvaluateAsync(server, Efficient("S-HALF", Squares.Box(500_000, 3_530_000, 500_100, 3_530_100), 15));
        // 500 040–500 140: 90 of 100 m inside, a share of 0.9.
        var most = await EvaluateAsync(server, Efficient("S-MOST", Squares.Box(500_040, 3_530_000, 500_140, 3_530_100), 15));

        Assert.Equal((false, 0.5), (Assert.Single(half.SpatialFacts).Value, Math.Round(half.SpatialFacts[0].OverlapShare, 9)));
        Assert.Equal(Disposition.Retained, half.Disposition);
        Assert.Equal((true, 0.9), (Assert.Single(most.SpatialFacts).Value, Math.Round(most.SpatialFacts[0].OverlapShare, 9)));
        Assert.Equal(Disposition.EcologicalClearance, most.Disposition);
    }
}
