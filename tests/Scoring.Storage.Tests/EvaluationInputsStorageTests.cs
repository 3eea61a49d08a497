using Scoring.Storage.Evaluations;

namespace Scoring.Storage.Tests;

/// <summary>
/// SQLite only: a history row's inputs are kept as SQLite's binary JSON, which keeps a full parcel's row under half a
/// 4 KiB page; rows an earlier build kept as text read the same.
/// </summary>
public sealed class EvaluationInputsStorageTests : IDisposable
{
    // The inputs of a full parcel (24 numbers, 3 categories, 8 vetoes, each with its origin; the street escaped) as the
    // server records them: 1,943 characters of text.
    private const string FullParcel = """
        {"level":3,"area_mu":267.45,"industry_code":"2511","unit_id":"dongshan-community","street":"\u4E1C\u5C71\u8857\u9053","indicators":{"talent_count":{"value":15.672,"origin":"inline"},"jobs_per_mu":{"value":1.674,"origin":"inline"},"insured_count":{"value":231.921,"origin":"inline"},"turnover_rate":{"value":18.356,"origin":"inline"},"far":{"value":1.774,"origin":"inline"},"building_density":{"value":100,"origin":"inline"},"green_ratio":{"value":30.422,"origin":"inline"},"idle_ratio":{"value":25.271,"origin":"inline"},"patent_count":{"value":0.006,"origin":"inline"},"bidding_wins":{"value":1.115,"origin":"inline"},"investment_per_mu":{"value":436.623,"origin":"inline"},"chain_efficiency":{"value":38.914,"origin":"inline"},"total_output":{"value":2695.616,"origin":"inline"},"total_tax":{"value":1008.169,"origin":"inline"},"output_per_mu":{"value":470.739,"origin":"inline"},"tax_per_mu":{"value":0,"origin":"inline"},"net_profit":{"value":1406.533,"origin":"inline"},"total_assets":{"value":397.164,"origin":"inline"},"debt_ratio":{"value":59.236,"origin":"inline"},"water_per_output":{"value":9.501,"origin":"inline"},"power_per_output":{"value":139.001,"origin":"inline"},"wastewater_discharge":{"value":5148.922,"origin":"inline"},"solid_waste":{"value":99.048,"origin":"inline"},"wastewater_per_output":{"value":7.891,"origin":"inline"}},"categories":{"enterprise_type":{"value":"none","origin":"inline"},"registration_status":{"value":"revoked","origin":"inline"},"industry_potential":{"value":"encouraged","origin":"inline"}},"vetoes":{"legal_land_certificate":{"value":true,"origin":"inline"},"land_use_plan":{"value":true,"origin":"inline"},"spatial_plan":{"value":true,"origin":"inline"},"contract_performance":{"value":true,"origin":"inline"},"safety":{"value":true,"origin":"inline"},"environmental":{"value":true,"origin":"inline"},"nimby":{"value":true,"origin":"inline"},"construction":{"value":true,"origin":"inline"}}}
        """;

    private readonly TempDatabase _temp = new();

    public void Dispose() => _temp.Dispose();

    private static EvaluationRecord Full(int n) =>
        new EvaluationRecord($"unary-{n}", "1", 0.510624653818079, 3, 2, 1.0, FullParcel, default)
        {
            Level = 3, AreaMu = 267.45, UnitId = "dongshan-community", Street = "东山街道", ClearanceZone = 0, FailedVetoes = [],
            TopShortfalls = ["building_density", "tax_per_mu", "enterprise_type", "registration_status", "total_assets"],
            RedevelopmentModes = [],
        };

    [Fact]
    public async Task Json_inputs_are_kept_as_binary_json_and_text_that_is_not_json_as_text()
    {
        var store = new EvaluationStore(_temp.Open());

        await store.AppendAsync([Full(1), Full(2) with { InputsJson = "not JSON {" }]);

        Assert.Equal(1, _temp.Scalar("SELECT count(*) FROM evaluations WHERE parcel_id = 'unary-1' AND typeof(inputs_json) = 'blob';"));
        Assert.Equal(1, _temp.Scalar("SELECT count(*) FROM evaluations WHERE parcel_id = 'unary-2' AND typeof(inputs_json) = 'text';"));
        Assert.Equal(FullParcel, Assert.Single((await store.ListAsync("unary-1", 10, null)).Evaluations).Evaluation.InputsJson);
    }

    [Fact]
    public async Task Inputs_an_earlier_build_kept_as_text_read_back_as_they_were_written()
    {
        var database = _temp.Open();
        _temp.Execute($"""
            INSERT INTO evaluations (parcel_id, model_version, score, classification, disposition, completeness, inputs_json, evaluated_at)
            VALUES ('OLD', '1', 0.5, 1, 1, 1.0, '{FullParcel}', '2024-07-01T00:00:00.0000000Z');
            """);
        var store = new EvaluationStore(database);
        await store.AppendAsync([Full(1) with { ParcelId = "NEW" }]);

        Assert.Equal(1, _temp.Scalar("SELECT count(*) FROM evaluations WHERE parcel_id = 'OLD' AND typeof(inputs_json) = 'text';"));
        Assert.Equal(FullParcel, Assert.Single((await store.ListAsync("OLD", 10, null)).Evaluations).Evaluation.InputsJson);
        Assert.Equal(FullParcel, Assert.Single((await store.ListAsync("NEW", 10, null)).Evaluations).Evaluation.InputsJson);
    }

    [Fact]
    public async Task Full_parcels_recorded_one_at_a_time_fit_two_history_rows_to_a_page()
    {
        var database = _temp.Open();
        var store = new EvaluationStore(database);

        var before = _temp.Scalar("PRAGMA page_count;");

        // One record a commit, as recorded EvaluateParcel calls write them.
        for (var n = 0; n < 200; n++) await store.AppendAsync([Full(n)]);

        // As text, each row (about 2,150 bytes with its other columns) passed half of a 4 KiB page and took a leaf page of
        // its own: 200 leaf pages. Two rows a page is 100, and one interior page above them; the three indexes of 200
        // short entries (parcel id, model version, score, time: under 60 bytes each) take at most 3 pages each.
        Assert.Equal(4096, _temp.Scalar("PRAGMA page_size;"));
        Assert.InRange(_temp.Scalar("PRAGMA page_count;") - before, 101, 101 + 3 * 3);
    }
}
