using Google.Rpc;
using Grpc.Core;
using Scoring.V1;

namespace Scoring.Server.Tests;

public sealed class ParcelServiceTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private ScoringService.ScoringServiceClient Scoring => new(server.Channel);
    private ParcelService.ParcelServiceClient Cache => new(server.Channel);

    private static readonly string[] EconomyCodes = ["total_output", "total_tax", "output_per_mu", "tax_per_mu", "net_profit", "total_assets", "debt_ratio"];

    /// <summary>Splits a full parcel into the feeds of three bureaus, each with part of the data.</summary>
    private static UpsertParcelsRequest[] Feeds(ParcelInput full, string asOf)
    {
        ParcelInput Part(Func<string, bool> keep, bool attributes) => new()
        {
            ParcelId = full.ParcelId,
            Level = attributes ? full.Level : Level.Unspecified,
            AreaMu = attributes ? full.AreaMu : 0,
            UnitId = attributes ? full.UnitId : "",
            Street = attributes ? full.Street : "",
            Indicators = { full.Indicators.Where(p => keep(p.Key)).ToDictionary() },
            Categories = { attributes ? full.Categories : new Dictionary<string, string>() },
            Vetoes = { attributes ? full.Vetoes : new Dictionary<string, bool>() },
        };
        return
        [
            new() { Source = "natural-resources-bureau", AsOf = asOf, Parcels = { Part(c => !EconomyCodes.Contains(c) && c is not ("water_per_output" or "power_per_output"), true) } },
            new() { Source = "tax-bureau", AsOf = asOf, Parcels = { Part(EconomyCodes.Contains, false) } },
            new() { Source = "power-company", AsOf = asOf, Parcels = { Part(c => c is "water_per_output" or "power_per_output", false) } },
        ];
    }

    private async Task<List<UpsertParcelsResponse>> Upsert(params UpsertParcelsRequest[] chunks)
    {
        using var call = Cache.UpsertParcels();
        var responses = new List<UpsertParcelsResponse>();
        foreach (var chunk in chunks)
        {
            await call.RequestStream.WriteAsync(chunk);
            Assert.True(await call.ResponseStream.MoveNext());
            responses.Add(call.ResponseStream.Current);
        }
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext());
        return responses;
    }

    private static string RecentDate(int daysAgo = 30) => DateTime.UtcNow.AddDays(-daysAgo).ToString("yyyy-MM-dd");

    [Fact]
    public async Task Partial_feeds_from_several_sources_evaluate_by_id_exactly_as_the_merged_data_inline()
    {
        var full = HandWorkedParcel.Input("CACHE-MERGE-1");
        var acks = await Upsert(Feeds(full, RecentDate()));
        Assert.All(acks, a => Assert.Empty(a.Errors));
        Assert.Equal(24 + 3 + 8, acks.Sum(a => a.ValuesWritten)); // 24 numeric + 3 categories + 8 vetoes

        var byId = (await Scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = new ParcelInput { ParcelId = full.ParcelId } })).Evaluation;
        var inline = (await Scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = full, SkipHistory = true })).Evaluation;

        Assert.Equal(HandWorkedParcel.Score, byId.Score, 9);
        Assert.Equal(inline.Score, byId.Score);
        Assert.Equal(inline.Classification, byId.Classification);
        Assert.Equal(inline.Elements, byId.Elements);
        Assert.Equal(inline.Indicators.Select(i => (i.Code, i.Utility, i.Weight)), byId.Indicators.Select(i => (i.Code, i.Utility, i.Weight)));
        var tax = byId.Indicators.Single(i => i.Code == "total_tax");
        Assert.Equal(ValueOrigin.Cache, tax.Origin);
        Assert.Equal("tax-bureau", tax.Source);
        Assert.Equal(RecentDate(), tax.AsOf);
        Assert.False(tax.Stale);
    }

    [Fact]
    public async Task Inline_values_win_over_cached_ones_per_indicator()
    {
        var full = HandWorkedParcel.Input("CACHE-OVERRIDE-1");
        await Upsert(Feeds(full, RecentDate()));

        // far 1.5 (utility 1) is cached; 1.0 inline gives utility 0.6: land drops by 0.44·0.4 = 0.176,
        // the score by 0.25·0.176 = 0.044 → 0.7363 − 0.044 = 0.6923.
        var request = new EvaluateParcelRequest { Parcel = new ParcelInput { ParcelId = full.ParcelId, Indicators = { ["far"] = 1.0 } } };
        var e = (await Scoring.EvaluateParcelAsync(request)).Evaluation;

        Assert.Equal(0.6923, e.Score, 9);
        Assert.Equal(ValueOrigin.Inline, e.Indicators.Single(i => i.Code == "far").Origin);
        Assert.Equal(ValueOrigin.Cache, e.Indicators.Single(i => i.Code == "building_density").Origin);
    }

    [Fact]
    public async Task An_older_as_of_never_replaces_a_newer_value()
    {
        var id = "CACHE-ASOF-1";
        ParcelInput Far(double v) => new() { ParcelId = id, Indicators = { ["far"] = v } };
        await Upsert(
            new UpsertParcelsRequest { Source = "survey", AsOf = "2025-06-30", Parcels = { Far(1.2) } },
            new UpsertParcelsRequest { Source = "old-survey", AsOf = "2024-12-31", Parcels = { Far(0.4) } });

        var parcel = (await Cache.GetParcelAsync(new GetParcelRequest { ParcelId = id })).Parcel;
        Assert.Equal(1.2, parcel.Attributes.Indicators["far"]);
        var far = parcel.Values.Single(v => v.Code == "far");
        Assert.Equal("survey", far.Source);
        Assert.Equal("2025-06-30", far.AsOf);

        var history = (await Cache.ListValueHistoryAsync(new ListValueHistoryRequest { ParcelId = id, Code = "far" })).Values;
        Assert.Equal([1.2, 0.4], history.Select(v => v.Number));
    }

    [Fact]
    public async Task A_bad_item_is_refused_alone_and_the_rest_of_the_chunk_is_stored()
    {
        var good1 = HandWorkedParcel.Input("CACHE-BAD-1");
        var bad = HandWorkedParcel.Input("CACHE-BAD-2");
        bad.Indicators["idle_ratio"] = 140;
        var good2 = HandWorkedParcel.Input("CACHE-BAD-3");
        var ack = (await Upsert(new UpsertParcelsRequest { Source = "test", AsOf = RecentDate(), Parcels = { good1, bad, good2 } })).Single();

        Assert.Equal(2, ack.Accepted);
        var error = Assert.Single(ack.Errors);
        Assert.Equal(1, error.Index);
        Assert.Equal("CACHE-BAD-2", error.ParcelId);
        Assert.Equal((int)Code.InvalidArgument, error.Status.Code);
        var field = error.Status.Details.Single(d => d.Is(BadRequest.Descriptor)).Unpack<BadRequest>().FieldViolations.Single();
        Assert.Equal("parcels[1].indicators[\"idle_ratio\"]", field.Field);

        await Cache.GetParcelAsync(new GetParcelRequest { ParcelId = "CACHE-BAD-3" });
        var ex = await Assert.ThrowsAsync<RpcException>(() => Cache.GetParcelAsync(new GetParcelRequest { ParcelId = "CACHE-BAD-2" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task A_chunk_without_source_or_date_is_refused_and_the_stream_goes_on()
    {
        var acks = await Upsert(
            new UpsertParcelsRequest { AsOf = "2025-13-01", Parcels = { HandWorkedParcel.Input("CACHE-CHUNK-1") } },
            new UpsertParcelsRequest { Source = "ok", AsOf = RecentDate(), Parcels = { HandWorkedParcel.Input("CACHE-CHUNK-2") } });

        var refused = Assert.Single(acks[0].Errors);
        Assert.Equal(-1, refused.Index);
        var fields = refused.Status.Details.Single(d => d.Is(BadRequest.Descriptor)).Unpack<BadRequest>().FieldViolations.Select(f => f.Field);
        Assert.Equal(["source", "as_of"], fields);
        Assert.Equal(0, acks[0].Accepted);
        Assert.Equal(1, acks[1].Accepted);
    }

    [Fact]
    public async Task Unknown_id_without_inline_data_is_NOT_FOUND()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            Scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = new ParcelInput { ParcelId = "NO-SUCH-PARCEL" } }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.Equal("PARCEL_NOT_FOUND", ex.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
    }

    [Fact]
    public async Task Unknown_id_with_attributes_but_no_values_is_INSUFFICIENT_DATA()
    {
        // Nothing measured: completeness 0 < 0.7; the score of no data is 0.
        var e = (await Scoring.EvaluateParcelAsync(new EvaluateParcelRequest
        {
            Parcel = new ParcelInput { ParcelId = "NO-DATA-1", Level = Level.Scattered, AreaMu = 12 },
        })).Evaluation;
        Assert.Equal(Classification.InsufficientData, e.Classification);
        Assert.Equal(0.0, e.Completeness);
        Assert.Equal(0.0, e.Score);
        Assert.Equal(8, e.UnknownVetoes.Count);
    }

    [Fact]
    public async Task A_value_older_than_the_maximum_age_is_flagged_stale()
    {
        var full = HandWorkedParcel.Input("CACHE-STALE-1");
        await Upsert(Feeds(full, RecentDate()));
        // The default model's maximum age is 1095 days (3 years): 1100 days ago is stale, 1000 is not.
        // An old census value for a parcel with recent data does not replace it (older as_of).
        await Upsert(new UpsertParcelsRequest { Source = "old-census", AsOf = RecentDate(1100), Parcels = { new ParcelInput { ParcelId = full.ParcelId, Indicators = { ["talent_count"] = 100 } } } });
        await Upsert(new UpsertParcelsRequest { Source = "old-census", AsOf = RecentDate(1100), Parcels = { new ParcelInput { ParcelId = "CACHE-STALE-2", Indicators = { ["talent_count"] = 100 }, Categories = { ["enterprise_type"] = "high_tech" } } } });
        await Upsert(new UpsertParcelsRequest { Source = "census", AsOf = RecentDate(1000), Parcels = { new ParcelInput { ParcelId = "CACHE-STALE-2", Indicators = { ["jobs_per_mu"] = 8 } } } });

        var e = (await Scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = new ParcelInput { ParcelId = "CACHE-STALE-2" } })).Evaluation;
        Assert.True(e.Indicators.Single(i => i.Code == "talent_count").Stale);
        Assert.True(e.Indicators.Single(i => i.Code == "enterprise_type").Stale);
        Assert.False(e.Indicators.Single(i => i.Code == "jobs_per_mu").Stale);
        var recent = (await Scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = new ParcelInput { ParcelId = full.ParcelId } })).Evaluation;
        Assert.False(recent.Indicators.Single(i => i.Code == "talent_count").Stale);
    }

    [Fact]
    public async Task Evaluations_are_recorded_unless_the_request_is_a_what_if()
    {
        var full = HandWorkedParcel.Input("CACHE-HISTORY-1");
        await Upsert(Feeds(full, RecentDate()));
        var byId = new EvaluateParcelRequest { Parcel = new ParcelInput { ParcelId = full.ParcelId } };
        await Scoring.EvaluateParcelAsync(byId);
        await Scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = byId.Parcel, SkipHistory = true });
        await Scoring.EvaluateParcelAsync(byId);

        var page = await Cache.ListEvaluationsAsync(new ListEvaluationsRequest { ParcelId = full.ParcelId, PageSize = 1 });
        Assert.Single(page.Evaluations);
        Assert.NotEmpty(page.NextPageToken);
        var rest = await Cache.ListEvaluationsAsync(new ListEvaluationsRequest { ParcelId = full.ParcelId, PageSize = 10, PageToken = page.NextPageToken });
        Assert.Single(rest.Evaluations);
        Assert.Empty(rest.NextPageToken);
        var record = page.Evaluations[0];
        Assert.Equal(HandWorkedParcel.Score, record.Score, 9);
        Assert.Equal("1", record.ModelVersion);
        Assert.Equal(Classification.Efficient, record.Classification);
        using var inputs = System.Text.Json.JsonDocument.Parse(record.InputsJson);
        var tax = inputs.RootElement.GetProperty("indicators").GetProperty("total_tax");
        Assert.Equal(2000, tax.GetProperty("value").GetDouble());
        Assert.Equal("cache", tax.GetProperty("origin").GetString());
        Assert.Equal("tax-bureau", tax.GetProperty("source").GetString());
        Assert.Equal(RecentDate(), tax.GetProperty("as_of").GetString());
        Assert.True(inputs.RootElement.GetProperty("vetoes").GetProperty("safety").GetProperty("value").GetBoolean());
    }

    [Fact]
    public async Task Parcels_are_listed_by_unit_in_pages()
    {
        var chunk = new UpsertParcelsRequest { Source = "registry", AsOf = RecentDate() };
        for (var i = 0; i < 7; i++)
            chunk.Parcels.Add(new ParcelInput { ParcelId = $"LIST-{i}", UnitId = "list-unit", Street = "汤山街道", Level = Level.Community, AreaMu = 10 + i });
        chunk.Units.Add(new Scoring.V1.ManagementUnit { UnitId = "list-unit", Name = "汤山工业社区", Level = Level.Community, TotalAreaMu = 900, IndustrialAreaMu = 450 });
        var ack = (await Upsert(chunk)).Single();
        Assert.Equal(7, ack.Accepted);
        Assert.Equal(1, ack.UnitsAccepted);

        var seen = new List<string>();
        var token = "";
        do
        {
            var page = await Cache.ListParcelsAsync(new ListParcelsRequest { UnitId = "list-unit", PageSize = 3, PageToken = token });
            seen.AddRange(page.Parcels.Select(p => p.Attributes.ParcelId));
            token = page.NextPageToken;
        } while (token.Length > 0);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"LIST-{i}"), seen);

        var units = await Cache.ListUnitsAsync(new ListUnitsRequest());
        var unit = units.Units.Single(u => u.UnitId == "list-unit");
        Assert.Equal(450, unit.IndustrialAreaMu);
    }

    [Fact]
    public async Task Units_are_listed_in_pages_and_a_token_that_is_not_ours_is_INVALID_ARGUMENT()
    {
        var chunk = new UpsertParcelsRequest { Source = "registry", AsOf = RecentDate() };
        for (var i = 0; i < 5; i++) chunk.Units.Add(new Scoring.V1.ManagementUnit { UnitId = $"page-unit-{i}", Level = Level.Park });
        chunk.Parcels.Add(new ParcelInput { ParcelId = "PAGE-UNIT-P1", UnitId = "page-unit-0" });
        chunk.Parcels.Add(new ParcelInput { ParcelId = "PAGE-UNIT-P2", UnitId = "page-unit-0" });
        Assert.Equal(5, (await Upsert(chunk)).Single().UnitsAccepted);

        var seen = new List<string>();
        var token = "";
        do
        {
            var page = await Cache.ListUnitsAsync(new ListUnitsRequest { PageSize = 2, PageToken = token });
            Assert.True(page.Units.Count <= 2);
            seen.AddRange(page.Units.Select(u => u.UnitId).Where(id => id.StartsWith("page-unit-", StringComparison.Ordinal)));
            token = page.NextPageToken;
        } while (token.Length > 0);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"page-unit-{i}"), seen);

        var parcelsToken = (await Cache.ListParcelsAsync(new ListParcelsRequest { UnitId = "page-unit-0", PageSize = 1 })).NextPageToken;
        Assert.NotEmpty(parcelsToken);
        foreach (var bad in new[] { "!!!", parcelsToken })
        {
            var e = await Assert.ThrowsAsync<RpcException>(async () => await Cache.ListUnitsAsync(new ListUnitsRequest { PageToken = bad }));
            Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
            Assert.Equal("page_token", e.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations.Single().Field);
        }
    }

    [Fact]
    public async Task Sixteen_concurrent_clients_writing_and_evaluating_see_no_errors()
    {
        const int clients = 16;
        var deadline = DateTime.UtcNow.AddSeconds(3);
        var written = new int[clients];
        var evaluated = new int[clients];
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var n = 0;
            while (DateTime.UtcNow < deadline)
            {
                var id = $"LOAD-{c}-{n++ % 20}";
                var ack = (await Upsert(new UpsertParcelsRequest { Source = $"client-{c}", AsOf = RecentDate(), Parcels = { HandWorkedParcel.Input(id) } })).Single();
                written[c] += ack.Accepted;
                var e = (await Scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = new ParcelInput { ParcelId = id } })).Evaluation;
                Assert.Equal(HandWorkedParcel.Score, e.Score, 9);
                evaluated[c]++;
            }
        })));

        Assert.All(written, w => Assert.True(w > 0));
        Assert.Equal(written, evaluated);
        for (var c = 0; c < clients; c++)
        {
            var history = await Cache.ListEvaluationsAsync(new ListEvaluationsRequest { ParcelId = $"LOAD-{c}-0", PageSize = 1000 });
            // Parcel n % 20 == 0 was evaluated on rounds 0, 20, 40, …: ceil(rounds / 20) times.
            Assert.Equal((evaluated[c] + 19) / 20, history.Evaluations.Count);
        }
    }
}
