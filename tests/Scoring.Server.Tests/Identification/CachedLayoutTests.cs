using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using Scoring.Storage;
using Scoring.Storage.Parcels;

namespace Scoring.Server.Tests.Identification;

/// <summary>Cached parcels laid out for the engine straight from their packed rows, in model order.</summary>
public sealed class CachedLayoutTests : IAsyncLifetime
{
    private static readonly ScoringModel Model = ApplicationLayer.DefaultModel;
    private static readonly DateOnly June = new(2025, 6, 30);
    private readonly ApplicationLayer _app = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Each_stored_value_lands_in_its_model_column_and_codes_the_model_does_not_know_as_that_kind_are_left_out()
    {
        await _app.Parcels.UpsertAsync("census", June, [new ParcelWrite("P1")
        {
            Level = 1,
            Indicators = new Dictionary<string, double> { ["far"] = 0.9, ["retired_indicator"] = 5, ["enterprise_type"] = 3 },
            Categories = new Dictionary<string, string> { ["enterprise_type"] = "above_scale", ["registration_status"] = "relocated", ["far"] = "high" },
            Vetoes = new Dictionary<string, bool> { ["nimby"] = false, ["retired_veto"] = true },
        }]);
        var layout = new CachedLayout(Model);

        var facts = (await _app.Parcels.GetAsync("P1"))!.ToFacts(layout);

        var row = facts.Row!.Value;
        var numbers = row.Values.ToArray();
        Assert.Equal(Model.NumericCodes.Length, numbers.Length);
        Assert.Equal(0.9, numbers[Model.NumericCodes.IndexOf("far")]);
        Assert.Equal(Model.NumericCodes.Length - 1, numbers.Count(double.IsNaN));
        var keys = row.Categories.ToArray();
        Assert.Equal("above_scale", keys[Model.CategoricalCodes.IndexOf("enterprise_type")]);
        Assert.Equal("relocated", keys[Model.CategoricalCodes.IndexOf("registration_status")]);
        Assert.Equal(Model.CategoricalCodes.Length - 2, keys.Count(k => k is null));
        // A key the model knows is the model's own string: laying out a parcel builds no string per value.
        Assert.Same(Model.IndicatorsByCode["enterprise_type"].Categories!.Keys[2], keys[Model.CategoricalCodes.IndexOf("enterprise_type")]);
        var answers = row.Vetoes.ToArray();
        Assert.Equal(VetoAnswer.Failed, answers[Model.Vetoes.Single(v => v.Code == "nimby").Index]);
        Assert.Equal(Model.Vetoes.Length - 1, answers.Count(a => a == VetoAnswer.Unknown));
        Assert.Equal((1, "P1"), (facts.Level, facts.ParcelId));
    }

    [Fact]
    public async Task Laid_under_a_given_parcel_the_given_values_win_and_the_cached_ones_fill_the_rest_as_the_unpacked_maps_do()
    {
        await _app.Parcels.UpsertAsync("census", June, [new ParcelWrite("P1")
        {
            Indicators = new Dictionary<string, double> { ["far"] = 0.9, ["building_density"] = 40 },
            Categories = new Dictionary<string, string> { ["registration_status"] = "relocated" },
            Vetoes = new Dictionary<string, bool> { ["nimby"] = false },
        }]);
        var cached = (await _app.Parcels.GetAsync("P1"))!;
        var given = new ParcelFacts { ParcelId = "P1", Indicators = new Dictionary<string, double> { ["far"] = 1.5 } };
        var fromRow = new ParcelVector(Model, "");
        var fromMaps = new ParcelVector(Model, "");

        Assert.True(ParcelReader.ReadInto(Model, given, cached.ToFacts(new CachedLayout(Model)), fromRow, []));
        Assert.True(ParcelReader.ReadInto(Model, given, cached.ToFacts(), fromMaps, []));

        var far = Model.IndicatorsByCode["far"].Index;
        var density = Model.IndicatorsByCode["building_density"].Index;
        Assert.Equal((1.5, ValueOrigin.Inline), (fromRow.Values[far], fromRow.ValueOrigins[far]));
        Assert.Equal((40.0, ValueOrigin.Cache), (fromRow.Values[density], fromRow.ValueOrigins[density]));
        var status = Model.IndicatorsByCode["registration_status"];
        Assert.Equal((1.0, ValueOrigin.Cache), (fromRow.Values[status.Index], fromRow.ValueOrigins[status.Index])); // "relocated" is key 1
        Assert.Equal(fromMaps.Values, fromRow.Values);
        Assert.Equal(fromMaps.ValueOrigins, fromRow.ValueOrigins);
        Assert.Equal(fromMaps.Vetoes, fromRow.Vetoes);
        Assert.Equal(fromMaps.VetoOrigins, fromRow.VetoOrigins);
    }

    [Fact]
    public async Task A_reused_layout_keeps_nothing_of_the_parcel_before()
    {
        await _app.Parcels.UpsertAsync("census", June,
        [
            new ParcelWrite("P1") { Indicators = new Dictionary<string, double> { ["far"] = 0.9 }, Vetoes = new Dictionary<string, bool> { ["nimby"] = true } },
            new ParcelWrite("P2") { Categories = new Dictionary<string, string> { ["registration_status"] = "active" } },
        ]);
        var layout = new CachedLayout(Model);
        var cached = await _app.Parcels.GetManyAsync(["P1", "P2"]);

        cached["P1"].ToFacts(layout);
        var second = cached["P2"].ToFacts(layout).Row!.Value;

        Assert.All(second.Values.ToArray(), v => Assert.True(double.IsNaN(v)));
        Assert.All(second.Vetoes.ToArray(), a => Assert.Equal(VetoAnswer.Unknown, a));
        Assert.Equal("active", second.Categories.Span[Model.CategoricalCodes.IndexOf("registration_status")]);
    }

    [Fact]
    public async Task A_cached_value_outside_the_models_range_refuses_the_parcel_naming_the_code()
    {
        await _app.Parcels.UpsertAsync("census", June, [new ParcelWrite("P1") { Indicators = new Dictionary<string, double> { ["building_density"] = 130 } }]);

        var outcome = Assert.Single(await _app.EvaluateAsync(Model, false, new ParcelFacts { ParcelId = "P1" }));

        Assert.Equal([new FieldViolation("indicators[\"building_density\"]", "value 130 is outside the valid range [0, 100] (%)")], outcome.Violations);
    }

    [Fact]
    public async Task A_damaged_packed_row_is_a_storage_fault_not_a_crash()
    {
        await _app.Parcels.UpsertAsync("census", June, [new ParcelWrite("P1") { Indicators = new Dictionary<string, double> { ["far"] = 0.9 } }]);
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_app.DatabaseFile}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE parcels SET current_values = X'0101012A' WHERE id = 'P1';"; // one string, cut off
            await command.ExecuteNonQueryAsync();
        }
        var cached = (await _app.Parcels.GetAsync("P1"))!;

        Assert.Equal(StorageFault.Corrupt, Assert.Throws<StorageFaultException>(() => cached.ToFacts(new CachedLayout(Model))).Fault);
        Assert.Equal(StorageFault.Corrupt, Assert.Throws<StorageFaultException>(() => cached.Indicators).Fault);
    }
}
