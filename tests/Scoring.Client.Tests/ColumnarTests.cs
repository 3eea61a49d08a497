using System.Collections.Concurrent;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Scoring.V1;

namespace Scoring.Client.Tests;

public sealed class ColumnarTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly string[] Percentages = ["building_density", "green_ratio", "idle_ratio", "chain_efficiency"];

    private static readonly Dictionary<string, string[]> CategoryKeys = new()
    {
        ["enterprise_type"] = ["high_tech", "specialized", "above_scale", "below_scale", "non_industrial", "none"],
        ["registration_status"] = ["active", "relocated", "suspended", "revoked", "deregistered"],
        ["industry_potential"] = ["leading", "encouraged", "restricted", "eliminated"],
    };

    /// <summary>Parcel numbers of <see cref="District"/> that the server refuses, and why.</summary>
    private const int OutOfRange = 137, NegativeArea = 251, NotANumber = 199, EmptyCategory = 313, IdOnly = 77, BadIndustryCode = 290;

    /// <summary>
    /// A seeded district: values spread around the on-curve parcel, some missing (one at a time, a whole element,
    /// every category, every veto), vetoes unanswered or failed, the four flags set either way or not at all,
    /// levels, industry codes and units mixed, and a few parcels the server refuses or cannot find.
    /// </summary>
    private static List<ParcelInput> District(int count, string prefix)
    {
        var random = new Random(20261128);
        var parcels = new List<ParcelInput>(count);
        for (var n = 0; n < count; n++)
        {
            var id = $"{prefix}{n:D4}";
            if (n == IdOnly)
            {
                parcels.Add(new ParcelInput { ParcelId = id });
                continue;
            }
            var p = TestParcels.OnCurvePoints(id);
            p.Level = (Level)random.Next(0, 4);
            p.AreaMu = Math.Round(random.NextDouble() * 300, 2);
            p.IndustryCode = (n % 4) switch { 0 => "", 1 => "3911", 2 => "C2614", _ => "34" };
            p.UnitId = n % 3 == 0 ? "" : $"unit-{n % 5}";
            p.Street = n % 2 == 0 ? "秣陵街道" : "";
            foreach (var code in p.Indicators.Keys.ToList())
            {
                if (random.NextDouble() < 0.12) p.Indicators.Remove(code);
                else
                {
                    var value = p.Indicators[code] * (0.2 + 1.6 * random.NextDouble());
                    p.Indicators[code] = Percentages.Contains(code) ? Math.Min(value, 100) : value;
                }
            }
            if (n % 9 == 0) foreach (var code in DefaultModelCodes.EnergyIndicators) p.Indicators.Remove(code);
            foreach (var (code, keys) in CategoryKeys)
                if (random.NextDouble() < 0.1) p.Categories.Remove(code);
                else p.Categories[code] = keys[random.Next(keys.Length)];
            if (n % 23 == 0) p.Categories.Clear();
            foreach (var veto in DefaultModelCodes.Vetoes)
            {
                var roll = random.NextDouble();
                if (roll < 0.08) p.Vetoes.Remove(veto);
                else if (roll < 0.11) p.Vetoes[veto] = false;
            }
            if (n % 31 == 0) p.Vetoes.Clear();
            if (n % 41 == 0) p.Indicators.Clear();
            if (random.Next(3) is var a && a < 2) p.InsideDevelopmentBoundary = a == 0;
            if (random.Next(8) is var b && b < 2) p.InEcologicalRedLine = b == 0;
            if (random.Next(8) is var c && c < 2) p.RedevelopmentUnderway = c == 0;
            if (random.Next(8) is var d && d < 2) p.LocallyReported = d == 0;
            switch (n)
            {
                case OutOfRange: p.Indicators["green_ratio"] = -5; break;
                case NegativeArea: p.AreaMu = -1; break;
                case NotANumber: p.Indicators["far"] = double.NaN; break;
                case EmptyCategory: p.Categories["enterprise_type"] = ""; break;
                case BadIndustryCode: p.IndustryCode = "39-11"; break;
            }
            parcels.Add(p);
        }
        return parcels;
    }

    private async Task<List<BatchResult>> EvaluateAsync(IEnumerable<ParcelInput> parcels, BatchOptions options)
    {
        using var client = new ScoringClient(server.Address);
        return await EvaluateAsync(client, parcels, options);
    }

    private static async Task<List<BatchResult>> EvaluateAsync(ScoringClient client, IEnumerable<ParcelInput> parcels, BatchOptions options)
    {
        var results = new List<BatchResult>();
        await foreach (var r in client.EvaluateManyAsync(parcels, options)) results.Add(r);
        return results;
    }

    /// <summary>A client over the fixture's channel whose BatchEvaluate requests <paramref name="capture"/> keeps.</summary>
    private ScoringClient Capturing(RequestCapture capture) =>
        new(new ScoringService.ScoringServiceClient(server.Channel.Intercept(capture)), new ParcelService.ParcelServiceClient(server.Channel),
            new ModelService.ModelServiceClient(server.Channel), new ReportService.ReportServiceClient(server.Channel));

    [Theory]
    [InlineData(EvaluationView.Basic, 64)]
    [InlineData(EvaluationView.Full, 64)]
    [InlineData(EvaluationView.Basic, 1000)]
    [InlineData(EvaluationView.Basic, 1)]
    public async Task Columnar_chunks_give_exactly_the_evaluations_of_map_form_and_the_refusals_in_place(EvaluationView view, int chunk)
    {
        const int count = 400;
        // Ids of their own per case, so that nothing another case recorded could be found in the cache.
        var parcels = District(count, $"COL-{view}-{chunk}-");

        var maps = await EvaluateAsync(parcels, new BatchOptions { ChunkSize = chunk, View = view });
        var columns = await EvaluateAsync(parcels, new BatchOptions { ChunkSize = chunk, View = view, Columnar = true });

        Assert.Equal(count, columns.Count);
        Assert.Equal(parcels.Select(p => p.ParcelId), columns.Select(r => r.ParcelId));
        int[] refused = [OutOfRange, NegativeArea, NotANumber, EmptyCategory, BadIndustryCode];
        for (var n = 0; n < count; n++)
        {
            var (m, c) = (maps[n], columns[n]);
            Assert.Equal(m.ParcelId, c.ParcelId);
            if (n == IdOnly)
            {
                // Nothing but an id: still looked up in the cache, which does not hold it.
                Assert.Equal((int)Code.NotFound, c.Error.Code);
                Assert.Equal(m.Error, c.Error);
            }
            else if (refused.Contains(n))
            {
                Assert.Equal(BatchResult.OutcomeOneofCase.Error, m.OutcomeCase);
                Assert.Equal(BatchResult.OutcomeOneofCase.Error, c.OutcomeCase);
                Assert.Equal((int)Code.InvalidArgument, c.Error.Code);
                var field = Assert.Single(c.Error.GetDetail<BadRequest>().FieldViolations).Field;
                // NaN and "" cannot be said in a row (they mean "no value" there), so those parcels went as maps.
                var asMaps = n is NotANumber or EmptyCategory;
                Assert.True(field.StartsWith(asMaps ? "parcels[" : "columns.rows[", StringComparison.Ordinal), $"parcel {n}: {field}");
            }
            else
            {
                Assert.True(m.OutcomeCase == BatchResult.OutcomeOneofCase.Evaluation, $"parcel {n}: {m}");
                Assert.Equal(m.Evaluation, c.Evaluation);
            }
        }
        // The district covers what it claims to.
        var evaluations = columns.Where(r => r.OutcomeCase == BatchResult.OutcomeOneofCase.Evaluation).Select(r => r.Evaluation).ToList();
        Assert.Equal(count - 6, evaluations.Count);
        Assert.Contains(evaluations, e => e.Classification == Classification.InefficientVeto);
        Assert.Contains(evaluations, e => e.Classification == Classification.InsufficientData);
        Assert.Contains(evaluations, e => e.Classification == Classification.Review && e.UnknownVetoes.Count > 0);
        Assert.Contains(evaluations, e => e.Disposition == Disposition.EcologicalClearance);
        Assert.Contains(evaluations, e => e.Disposition == Disposition.RedevelopmentUnderway);
        Assert.Contains(evaluations, e => e.Disposition == Disposition.LocallyReported);
        Assert.Contains(evaluations, e => e.Elements.Any(el => el.Missing));
    }

    [Fact]
    public async Task A_chunk_goes_as_one_block_of_its_codes_in_model_order_with_rows_aligned_and_answers_in_input_order()
    {
        var capture = new RequestCapture();
        ParcelInput[] parcels =
        [
            new() { ParcelId = "ROW-A", Level = Level.Park, AreaMu = 12.5, IndustryCode = "3911", UnitId = "park-a", Street = "秣陵街道",
                Indicators = { ["tax_per_mu"] = 6, ["far"] = 1.5 }, Categories = { ["enterprise_type"] = "above_scale" }, Vetoes = { ["safety"] = true } },
            new() { ParcelId = "ROW-B", InEcologicalRedLine = true, LocallyReported = false,
                Indicators = { ["green_ratio"] = 30, ["far"] = 2 }, Vetoes = { ["safety"] = true, ["nimby"] = false } },
            new() { ParcelId = "ROW-C" },                                      // nothing but an id: as a map
            new() { ParcelId = "ROW-D", Indicators = { ["far"] = double.NaN } }, // NaN would read as "no value": as a map
            new() { ParcelId = "ROW-E", Level = Level.Scattered },
        ];

        var results = await EvaluateAsync(Capturing(capture), parcels, new BatchOptions { Columnar = true, ModelVersion = "1" });

        var request = Assert.Single(capture.Requests);
        Assert.Equal("1", request.ModelVersion);
        Assert.Equal(["ROW-C", "ROW-D"], request.Parcels.Select(p => p.ParcelId));
        var columns = request.Columns;
        Assert.Equal(["far", "green_ratio", "tax_per_mu"], columns.IndicatorCodes);
        Assert.Equal(["enterprise_type"], columns.CategoryCodes);
        Assert.Equal(["safety", "nimby"], columns.VetoCodes); // the model lists safety before nimby
        Assert.Equal(["ROW-A", "ROW-B", "ROW-E"], columns.Rows.Select(r => r.ParcelId));
        var (a, b, e) = (columns.Rows[0], columns.Rows[1], columns.Rows[2]);
        Assert.Equal([1.5, double.NaN, 6], a.Values);
        Assert.Equal(["above_scale"], a.Categories);
        Assert.Equal([VetoAnswer.Met, VetoAnswer.Unspecified], a.Vetoes);
        Assert.Equal((Level.Park, 12.5, "3911", "park-a", "秣陵街道"), (a.Level, a.AreaMu, a.IndustryCode, a.UnitId, a.Street));
        Assert.False(a.HasInEcologicalRedLine || a.HasLocallyReported || a.HasInsideDevelopmentBoundary || a.HasRedevelopmentUnderway);
        Assert.Equal([2, 30, double.NaN], b.Values);
        Assert.Empty(b.Categories); // none of its own: "no values at all"
        Assert.Equal([VetoAnswer.Met, VetoAnswer.Failed], b.Vetoes);
        Assert.True(b.HasInEcologicalRedLine && b.InEcologicalRedLine);
        Assert.True(b.HasLocallyReported && !b.LocallyReported);
        Assert.False(b.HasInsideDevelopmentBoundary || b.HasRedevelopmentUnderway);
        Assert.Empty(e.Values);
        Assert.Empty(e.Vetoes);

        // The server answered the maps first; the caller gets input order.
        Assert.Equal(["ROW-A", "ROW-B", "ROW-C", "ROW-D", "ROW-E"], results.Select(r => r.ParcelId));
        Assert.Equal(BatchResult.OutcomeOneofCase.Evaluation, results[0].OutcomeCase);
        Assert.Equal(Classification.InefficientVeto, results[1].Evaluation.Classification);
        Assert.Equal(Disposition.EcologicalClearance, results[1].Evaluation.Disposition);
        Assert.Equal((int)Code.NotFound, results[2].Error.Code);
        Assert.Equal("parcels[1].indicators[\"far\"]", Assert.Single(results[3].Error.GetDetail<BadRequest>().FieldViolations).Field);
        Assert.Equal(Classification.InsufficientData, results[4].Evaluation.Classification);
    }

    [Fact]
    public async Task A_chunk_of_nothing_but_ids_goes_as_maps_and_each_chunk_has_its_own_codes()
    {
        var capture = new RequestCapture();
        ParcelInput[] parcels =
        [
            new() { ParcelId = "IDS-1" }, new() { ParcelId = "IDS-2" },
            TestParcels.OnCurvePoints("IDS-3"), new() { ParcelId = "IDS-4", Vetoes = { ["safety"] = false } },
        ];

        var results = await EvaluateAsync(Capturing(capture), parcels, new BatchOptions { Columnar = true, ChunkSize = 2 });

        var requests = capture.Requests.ToList();
        Assert.Equal(2, requests.Count);
        Assert.Equal(["IDS-1", "IDS-2"], requests[0].Parcels.Select(p => p.ParcelId));
        Assert.Null(requests[0].Columns);
        Assert.Empty(requests[1].Parcels);
        // The model's codes in model order (default-model.json), as the active model was pinned for the stream.
        Assert.Equal("1", requests[0].ModelVersion);
        Assert.Equal(ModelDefinitionsTests.NumericCodes, requests[1].Columns.IndicatorCodes);
        Assert.Equal(["enterprise_type", "registration_status", "industry_potential"], requests[1].Columns.CategoryCodes);
        Assert.Equal(DefaultModelCodes.Vetoes, requests[1].Columns.VetoCodes);
        Assert.Empty(requests[1].Columns.Rows[1].Values);
        Assert.Equal(VetoAnswer.Failed, requests[1].Columns.Rows[1].Vetoes[requests[1].Columns.VetoCodes.IndexOf("safety")]);

        Assert.Equal(["IDS-1", "IDS-2", "IDS-3", "IDS-4"], results.Select(r => r.ParcelId));
        Assert.All(results.Take(2), r => Assert.Equal((int)Code.NotFound, r.Error.Code));
        Assert.Equal(HandWorkedParcel.Score, results[2].Evaluation.Score, 9);
        Assert.Equal(Classification.InefficientVeto, results[3].Evaluation.Classification);
    }

    [Fact]
    public async Task A_parcel_with_a_code_the_model_does_not_know_goes_as_a_map_and_only_it_is_refused()
    {
        var capture = new RequestCapture();
        var stray = TestParcels.OnCurvePoints("STRAY-2");
        stray.Indicators["not_a_code"] = 1;
        ParcelInput[] parcels = [TestParcels.OnCurvePoints("STRAY-1"), stray, TestParcels.OnCurvePoints("STRAY-3")];

        var results = await EvaluateAsync(Capturing(capture), parcels, new BatchOptions { Columnar = true });

        // One chunk: the stray parcel as a map, the other two as rows of the model's codes only.
        var request = Assert.Single(capture.Requests);
        Assert.Equal(["STRAY-2"], request.Parcels.Select(p => p.ParcelId));
        Assert.Equal(["STRAY-1", "STRAY-3"], request.Columns.Rows.Select(r => r.ParcelId));
        Assert.Equal(ModelDefinitionsTests.NumericCodes, request.Columns.IndicatorCodes);

        Assert.Equal(["STRAY-1", "STRAY-2", "STRAY-3"], results.Select(r => r.ParcelId));
        foreach (var evaluated in new[] { results[0], results[2] })
        {
            Assert.Equal(HandWorkedParcel.Score, evaluated.Evaluation.Score, 9);
            Assert.Equal(Classification.Efficient, evaluated.Evaluation.Classification);
        }
        Assert.Equal((int)Code.InvalidArgument, results[1].Error.Code);
        var violation = Assert.Single(results[1].Error.GetDetail<BadRequest>().FieldViolations);
        Assert.Equal("parcels[0].indicators[\"not_a_code\"]", violation.Field);
        Assert.StartsWith("unknown indicator 'not_a_code'", violation.Description);
    }

    [Theory]
    [InlineData("category in indicators", "parcels[0].indicators[\"enterprise_type\"]")]
    [InlineData("number in categories", "parcels[0].categories[\"far\"]")]
    [InlineData("unknown veto", "parcels[0].vetoes[\"not_a_veto\"]")]
    public async Task A_code_of_the_wrong_kind_or_an_unknown_veto_refuses_only_its_parcel(string mistake, string field)
    {
        var stray = TestParcels.OnCurvePoints("KIND-2");
        switch (mistake)
        {
            case "category in indicators": stray.Indicators["enterprise_type"] = 1; break;
            case "number in categories": stray.Categories["far"] = "1.5"; break;
            default: stray.Vetoes["not_a_veto"] = true; break;
        }
        ParcelInput[] parcels = [TestParcels.OnCurvePoints("KIND-1"), stray, TestParcels.OnCurvePoints("KIND-3")];

        var results = await EvaluateAsync(parcels, new BatchOptions { Columnar = true });

        Assert.Equal(HandWorkedParcel.Score, results[0].Evaluation.Score, 9);
        Assert.Equal(field, Assert.Single(results[1].Error.GetDetail<BadRequest>().FieldViolations).Field);
        Assert.Equal(HandWorkedParcel.Score, results[2].Evaluation.Score, 9);
    }

    /// <summary>Keeps every BatchEvaluate request the client writes.</summary>
    private sealed class RequestCapture : Interceptor
    {
        public ConcurrentQueue<BatchEvaluateRequest> Requests { get; } = new();

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
            ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation)
        {
            var call = continuation(context);
            var writer = new Writer<TRequest>(call.RequestStream, r => Requests.Enqueue(((BatchEvaluateRequest)(object)r!).Clone()));
            return new AsyncDuplexStreamingCall<TRequest, TResponse>(writer, call.ResponseStream, call.ResponseHeadersAsync,
                call.GetStatus, call.GetTrailers, call.Dispose);
        }

        private sealed class Writer<T>(IClientStreamWriter<T> inner, Action<T> seen) : IClientStreamWriter<T>
        {
            public WriteOptions? WriteOptions { get => inner.WriteOptions; set => inner.WriteOptions = value; }

            public Task CompleteAsync() => inner.CompleteAsync();

            public Task WriteAsync(T message)
            {
                seen(message);
                return inner.WriteAsync(message);
            }

            public Task WriteAsync(T message, CancellationToken cancellationToken)
            {
                seen(message);
                return inner.WriteAsync(message, cancellationToken);
            }
        }
    }
}
