using Scoring.V1;
using static Scoring.Server.Tests.Spatial.SpatialParcels;

namespace Scoring.Server.Tests.Spatial;

/// <summary>
/// A main urban area over everything, and a row of park parcels of 100 m × 400 m = 60 亩 (EPSG:4549, 3 530 000–3 530 400 N):
/// C-A 500 000–500 100 and C-B 500 100–500 200 touch; C-C 500 205–500 305 is 5 m from C-B: a group of 180 亩 (≥ 150).
/// C-D 500 400–500 500 is 95 m from C-C: alone, 60 亩; C-E 500 505–500 605 touches it within 5 m but is efficient
/// (RETAINED), so it does not count. C-F 500 800–500 900 and C-G 500 920–501 020 are 20 m apart (more than 10 m): 60 亩 each.
/// Only contiguous renewal can fire here: the boundary is not known, the parcels are parks with FAR 1.5 and density 50 %.
/// </summary>
public sealed class ContiguityFixture : ServerFixture
{
    protected override IEnumerable<string> ExtraArgs => ["--Spatial:RefreshSeconds=0.2"];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await UploadAsync(this, LayerKind.MainUrbanArea, (499_000, 3_529_000, 502_000, 3_531_000));
        static string Strip(double x0) => Squares.Box(x0, 3_530_000, x0 + 100, 3_530_400);
        await UpsertAsync(this,
            Inefficient("C-A", Strip(500_000), 60), Inefficient("C-B", Strip(500_100), 60), Inefficient("C-C", Strip(500_205), 60),
            Inefficient("C-D", Strip(500_400), 60), Efficient("C-E", Strip(500_505), 60),
            Inefficient("C-F", Strip(500_800), 60), Inefficient("C-G", Strip(500_920), 60));
    }
}

public sealed class ContiguousRenewalTests(ContiguityFixture server) : IClassFixture<ContiguityFixture>
{
    [Fact]
    public async Task Contiguous_renewal_fires_on_the_group_over_the_area_and_not_on_its_neighbours()
    {
        // The outlines are read at the refresh after the parcels were stored (every 0.2 s here).
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((await EvaluateAsync(server, new ParcelInput { ParcelId = "C-A" })).RedevelopmentModes.Count == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(100);

        var modes = new Dictionary<string, RedevelopmentMode[]>();
        foreach (var id in new[] { "C-A", "C-B", "C-C", "C-D", "C-E", "C-F", "C-G" })
            modes[id] = [.. (await EvaluateAsync(server, new ParcelInput { ParcelId = id })).RedevelopmentModes.Select(m => m.Mode)];

        foreach (var id in new[] { "C-A", "C-B", "C-C" }) Assert.Equal([RedevelopmentMode.ContiguousRenewal], modes[id]);
        foreach (var id in new[] { "C-D", "C-E", "C-F", "C-G" }) Assert.Empty(modes[id]);
    }
}
