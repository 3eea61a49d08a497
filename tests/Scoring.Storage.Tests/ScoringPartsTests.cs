using Scoring.Storage.Parcels;

namespace Scoring.Storage.Tests;

/// <summary>What a scoring read (<see cref="ParcelParts.Scoring"/>) gives back: each flag on its own, and the outline.</summary>
public sealed class ScoringPartsTests : IDisposable
{
    private static readonly DateOnly June = new(2024, 6, 30);
    private readonly TempDatabase _temp = new();
    private readonly ParcelStore _store;

    public ScoringPartsTests() => _store = new ParcelStore(_temp.Open());

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(null, false, null, true)]
    [InlineData(true, null, false, null)]
    [InlineData(false, true, true, false)]
    [InlineData(null, null, null, null)]
    public async Task Each_flag_reads_back_as_written(bool? boundary, bool? redLine, bool? underway, bool? reported)
    {
        await _store.UpsertAsync("planning-bureau", June,
        [
            new ParcelWrite("F1")
            {
                AreaMu = 15, InsideDevelopmentBoundary = boundary, InEcologicalRedLine = redLine, RedevelopmentUnderway = underway, LocallyReported = reported,
                Geometry = "SRID=4549;POLYGON ((0 0, 1 0, 1 1, 0 0))",
            },
        ]);

        var one = (await _store.GetAsync("F1", ParcelParts.Scoring))!.Attributes;
        var many = (await _store.GetManyAsync(["F1"], ParcelParts.Scoring))["F1"].Attributes;

        foreach (var a in new[] { one, many })
        {
            Assert.Equal((boundary, redLine, underway, reported), (a.InsideDevelopmentBoundary, a.InEcologicalRedLine, a.RedevelopmentUnderway, a.LocallyReported));
            Assert.Equal("SRID=4549;POLYGON ((0 0, 1 0, 1 1, 0 0))", a.Geometry);
        }
    }
}
