using Grpc.Core;
using Scoring.V1;

namespace Scoring.Server.Tests.Spatial;

/// <summary>Parcels and layers of hand-built squares in EPSG:4549 for the overlay tests.</summary>
internal static class SpatialParcels
{
    /// <summary>The hand-worked (efficient, RETAINED) parcel with an outline and its area in 亩.</summary>
    public static ParcelInput Efficient(string id, string geometry, double areaMu, string crs = "EPSG:4549")
    {
        var p = HandWorkedParcel.Input(id);
        p.Geometry = geometry;
        p.Crs = crs;
        p.AreaMu = areaMu;
        return p;
    }

    /// <summary>
    /// The hand-worked parcel with every economy indicator at utility 0: economy drops from 0.700 to 0 and the score by
    /// 0.32 × 0.7 = 0.224, to 0.5123: INEFFICIENT_SCORE, IDENTIFIED_INEFFICIENT.
    /// </summary>
    public static ParcelInput Inefficient(string id, string geometry, double areaMu, string crs = "EPSG:4549")
    {
        var p = Efficient(id, geometry, areaMu, crs);
        foreach (var (code, v) in new[] { ("total_output", 100.0), ("total_tax", 5.0), ("output_per_mu", 0.0), ("tax_per_mu", 0.0), ("net_profit", 0.0), ("total_assets", 500.0), ("debt_ratio", 100.0) })
            p.Indicators[code] = v;
        return p;
    }

    /// <summary>Uploads a layer of rectangles in EPSG:4549.</summary>
    public static Task<Layer> UploadAsync(GrpcChannelHolder server, LayerKind kind, params (double, double, double, double)[] boxes) =>
        new LayerService.LayerServiceClient(server.Channel).UploadLayerAsync(new UploadLayerRequest
        {
            Kind = kind, Name = kind.ToString(), Crs = "EPSG:4549", Geojson = Squares.Collection(boxes), Note = "test layer",
        }).ResponseAsync;

    /// <summary>Writes parcels to the cache, asserting every one was accepted.</summary>
    public static async Task UpsertAsync(GrpcChannelHolder server, params ParcelInput[] parcels)
    {
        using var upsert = new ParcelService.ParcelServiceClient(server.Channel).UpsertParcels();
        await upsert.RequestStream.WriteAsync(new UpsertParcelsRequest { Source = "planning-bureau", AsOf = "2026-01-01", Parcels = { parcels } });
        await upsert.RequestStream.CompleteAsync();
        Assert.True(await upsert.ResponseStream.MoveNext());
        Assert.Empty(upsert.ResponseStream.Current.Errors);
        Assert.Equal(parcels.Length, upsert.ResponseStream.Current.Accepted);
    }

    /// <summary>Evaluates one parcel (full view, not recorded).</summary>
    public static async Task<Evaluation> EvaluateAsync(GrpcChannelHolder server, ParcelInput parcel) =>
        (await new ScoringService.ScoringServiceClient(server.Channel).EvaluateParcelAsync(
            new EvaluateParcelRequest { Parcel = parcel, SkipHistory = true, View = EvaluationView.Full })).Evaluation;
}

/// <summary>Anything with a channel to a running server.</summary>
internal readonly record struct GrpcChannelHolder(global::Grpc.Net.Client.GrpcChannel Channel)
{
    public static implicit operator GrpcChannelHolder(ServerFixture server) => new(server.Channel);
}
