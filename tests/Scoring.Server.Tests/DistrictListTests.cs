using System.Net;
using System.Text.Json;
using Grpc.Core;
using Scoring.Testing;
using Scoring.V1;

namespace Scoring.Server.Tests;

/// <summary>A server of its own (so its history holds only this class's evaluations) with a gRPC and a REST endpoint.</summary>
public sealed class DistrictListFixture : RestServerFixture;

/// <summary>
/// The district's lists (名单) through ListEvaluations: four parcels evaluated through the real server, each list
/// counted by hand from the table in <see cref="EvaluateDistrictAsync"/>.
/// </summary>
public sealed class DistrictListTests(DistrictListFixture server) : IClassFixture<DistrictListFixture>, IAsyncLifetime
{
    private const string Moling = HandWorkedParcel.Street, Dongshan = "东山街道";
    private static readonly string FailedVeto = DefaultModelCodes.Vetoes[0];

    private ParcelService.ParcelServiceClient Cache => new(server.Channel);

    public Task InitializeAsync() => EvaluateDistrictAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    // parcel  street  evaluations (in order)                  latest
    // DL-1    秣陵    efficient (0.7363, every veto met)      efficient
    // DL-2    秣陵    one veto failed → INEFFICIENT_VETO       veto
    // DL-3    东山    one veto failed → INEFFICIENT_VETO       veto
    // DL-4    秣陵    veto failed, then every veto met         efficient
    private static readonly SemaphoreSlim Once = new(1, 1);
    private static bool _evaluated;

    private async Task EvaluateDistrictAsync()
    {
        await Once.WaitAsync();
        try
        {
            if (_evaluated) return;
            var scoring = new ScoringService.ScoringServiceClient(server.Channel);
            async Task Evaluate(string id, string street, bool vetoFails)
            {
                var parcel = HandWorkedParcel.Input(id);
                parcel.Street = street;
                if (vetoFails) parcel.Vetoes[FailedVeto] = false;
                await scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = parcel });
            }
            await Evaluate("DL-1", Moling, vetoFails: false);
            await Evaluate("DL-2", Moling, vetoFails: true);
            await Evaluate("DL-3", Dongshan, vetoFails: true);
            await Evaluate("DL-4", Moling, vetoFails: true);
            await Evaluate("DL-4", Moling, vetoFails: false);
            _evaluated = true;
        }
        finally
        {
            Once.Release();
        }
    }

    private async Task<List<EvaluationRecord>> ListAll(ListEvaluationsRequest request)
    {
        var all = new List<EvaluationRecord>();
        request.PageSize = 1; // one per page: the tokens are walked too
        do
        {
            var page = await Cache.ListEvaluationsAsync(request);
            all.AddRange(page.Evaluations);
            request.PageToken = page.NextPageToken;
        } while (request.PageToken.Length > 0);
        return all;
    }

    [Fact]
    public async Task The_inefficient_list_holds_each_parcel_whose_latest_evaluation_is_inefficient()
    {
        var latest = await ListAll(new ListEvaluationsRequest { Classification = Classification.InefficientVeto, LatestOnly = true });
        var ever = await ListAll(new ListEvaluationsRequest { Classification = Classification.InefficientVeto });
        var moling = await ListAll(new ListEvaluationsRequest { Classification = Classification.InefficientVeto, Street = Moling, LatestOnly = true });

        Assert.Equal(["DL-2", "DL-3"], latest.Select(e => e.ParcelId));
        Assert.Equal(["DL-2", "DL-3", "DL-4"], ever.Select(e => e.ParcelId));
        Assert.Equal(["DL-2"], moling.Select(e => e.ParcelId));
    }

    [Fact]
    public async Task A_listed_evaluation_carries_its_place_and_reasons()
    {
        var dl2 = Assert.Single(await ListAll(new ListEvaluationsRequest { ParcelId = "DL-2", LatestOnly = true }));

        Assert.Equal(Disposition.IdentifiedInefficient, dl2.Disposition);
        Assert.Equal([FailedVeto], dl2.FailedVetoes);
        Assert.Equal((Level.Park, HandWorkedParcel.AreaMu, Moling, "jiangning-high-tech-park"), (dl2.Level, dl2.AreaMu, dl2.Street, dl2.UnitId));
        // Without an outline or a flag answer the tier is not known.
        Assert.Equal(ClearanceZone.Unspecified, dl2.ClearanceZone);
    }

    [Fact]
    public async Task A_listed_evaluation_carries_its_element_scores_replayed_from_its_inputs()
    {
        var dl2 = Assert.Single(await ListAll(new ListEvaluationsRequest { ParcelId = "DL-2", LatestOnly = true }));

        // A failed veto leaves the scores as worked out by hand: 0.532, 0.864, 0.763, 0.776, 0.700, 0.566 under the
        // Table 1 weights 0.05, 0.25, 0.16, 0.11, 0.32, 0.11.
        Assert.Equal(DefaultModelCodes.Elements, dl2.Elements.Select(e => e.Code));
        Assert.Equal(DefaultModel.Model.Document.Elements.Select(e => e.Name), dl2.Elements.Select(e => e.Name));
        Assert.Equal(HandWorkedParcel.ElementScores, dl2.Elements.Select(e => Math.Round(e.Score, 3)));
        Assert.Equal([0.05, 0.25, 0.16, 0.11, 0.32, 0.11], dl2.Elements.Select(e => Math.Round(e.Weight, 2)));
        Assert.All(dl2.Elements, e => Assert.False(e.Missing));
    }

    [Fact]
    public async Task Score_order_lists_the_lowest_first_and_retained_parcels_by_disposition()
    {
        var retained = await ListAll(new ListEvaluationsRequest { Disposition = Disposition.Retained, LatestOnly = true, OrderBy = "score" });

        Assert.Equal(["DL-1", "DL-4"], retained.Select(e => e.ParcelId));
        Assert.All(retained, e => Assert.Equal(HandWorkedParcel.Score, e.Score, 4));
        Assert.Equal(5, (await ListAll(new ListEvaluationsRequest())).Count);
    }

    [Fact]
    public async Task The_list_is_on_REST_with_the_same_filters()
    {
        using var http = new HttpClient { BaseAddress = server.RestAddress };

        using var response = await http.GetAsync($"/v1/evaluations?classification=CLASSIFICATION_INEFFICIENT_VETO&latestOnly=true&street={Uri.EscapeDataString(Moling)}");
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        var evaluation = Assert.Single(json.RootElement.GetProperty("evaluations").EnumerateArray());
        Assert.Equal("DL-2", evaluation.GetProperty("parcelId").GetString());
        Assert.Equal(FailedVeto, Assert.Single(evaluation.GetProperty("failedVetoes").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task An_unknown_order_or_enum_value_is_refused_naming_the_field()
    {
        var order = await Assert.ThrowsAsync<RpcException>(() => Cache.ListEvaluationsAsync(new ListEvaluationsRequest { OrderBy = "area" }).ResponseAsync);
        var level = await Assert.ThrowsAsync<RpcException>(() => Cache.ListEvaluationsAsync(new ListEvaluationsRequest { Level = (Level)9 }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, order.StatusCode);
        Assert.Equal("order_by", Assert.Single(order.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations).Field);
        Assert.Equal("level", Assert.Single(level.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations).Field);
    }
}
