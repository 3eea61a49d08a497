using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using Scoring.Server.Grpc;
using Scoring.Testing;
using Scoring.V1;

namespace Scoring.Server.Tests.Grpc;

/// <summary>A chunk's answer is counted once as its results are made and sent as counted, checked against real answers.</summary>
public sealed class ReplySizeCountTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Basic_results_with_the_longest_texts_every_veto_listed_and_a_warning_arrive_as_counted()
    {
        // The longest id, unit and street, in characters that take 3 bytes in UTF-8; no veto answered, so all are listed;
        // an outline of 15 亩 against the area given, so the answer carries a warning too.
        var parcels = Enumerable.Range(0, 3).Select(i => new ParcelInput
        {
            ParcelId = new string('地', ParcelReader.MaxParcelIdLength - 1) + i,
            UnitId = new string('园', ParcelText.MaxUnitIdLength),
            Street = new string('街', ParcelText.MaxStreetLength),
            Level = Level.Park,
            AreaMu = 99_999.123456789,
            Indicators = { ["far"] = 1.5 },
            Geometry = "SRID=4549;POLYGON ((500000 3500000, 500100 3500000, 500100 3500100, 500000 3500100, 500000 3500000))",
        }).ToList();
        var client = new ScoringService.ScoringServiceClient(server.Channel);
        using var call = client.BatchEvaluate();
        await call.RequestStream.WriteAsync(new BatchEvaluateRequest { Parcels = { parcels } });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var results = call.ResponseStream.Current.Results;

        var model = ModelCompiler.Compile(ModelDocument.Parse(DefaultModel.Json) with { Version = results[0].Evaluation.ModelVersion });
        // Each result parsed whole, in order: a length counted short or long by the server would have broken the message.
        Assert.Equal(parcels.Select(p => p.ParcelId), results.Select(r => r.ParcelId));
        Assert.All(results, r =>
        {
            Assert.Equal(model.Vetoes.Length, r.Evaluation.UnknownVetoes.Count);
            Assert.Equal(ParcelText.MaxStreetLength, r.Evaluation.Street.Length);
            Assert.StartsWith("area_mu 99999.12 亩 differs from the outline's 15 亩", Assert.Single(r.Evaluation.Warnings));
        });
    }
}
