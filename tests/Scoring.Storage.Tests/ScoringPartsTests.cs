using Scoring.Storage.Parcels;
using Scoring.Testing;

namespace Scoring.Storage.Tests;

/// <summary>What a scoring read (<see cref="ParcelParts.Scoring"/>) gives back: each flag on its own, and the outline.</summary>
public abstract class ScoringPartsTests(StoreUnderTest target) : IDisposable
{
    private static readonly DateOnly June = new(2024, 6, 30);
    private readonly IParcelStore _store = target.Open().Parcels;


    public void Dispose() => target.Dispose();

    [StoreTheory]
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

/// <summary>The tests of <see cref="ScoringPartsTests"/> on a SQLite file.</summary>
public sealed class SqliteScoringPartsTests() : ScoringPartsTests(new SqliteUnderTest());

/// <summary>The tests of <see cref="ScoringPartsTests"/> on PostgreSQL.</summary>
[Collection(PostgresCluster.Collection), NeedsTool(PostgresCluster.Program, PostgresCluster.Package)]
public sealed class PostgresScoringPartsTests(PostgresCluster cluster) : ScoringPartsTests(new PostgresUnderTest(cluster, typeof(PostgresScoringPartsTests)));
