using System.Net;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Scoring.V1;
using static Scoring.Testing.SecuredServerFixture;

namespace Scoring.Server.Tests;

/// <summary>
/// Labels for people (issue 17, part 3): GetLabels over gRPC and REST, and the classification and disposition labels of
/// EvaluateParcel in the language the caller asks for, on a real Kestrel server with API keys.
/// </summary>
public sealed class LabelsTests(SecuredServerFixture server) : IClassFixture<SecuredServerFixture>
{
    private static Metadata Key(string key) => new() { { "x-api-key", key } };

    private ModelService.ModelServiceClient Models => new(server.Channel);

    // Every enum of the contract, read from the SDK's generated descriptors (not from the server's).
    private static IReadOnlyList<EnumDescriptor> ContractEnums() =>
    [
        .. typeof(ParcelInput).Assembly.GetTypes()
            .Where(t => t.Namespace == "Scoring.V1" && t.Name.EndsWith("Reflection", StringComparison.Ordinal))
            .Select(t => t.GetProperty("Descriptor")?.GetValue(null)).OfType<FileDescriptor>()
            .Where(f => f.Package == "scoring.v1")
            .SelectMany(f => f.EnumTypes),
    ];

    [Fact]
    public async Task GetLabels_names_every_value_of_every_contract_enum_in_Chinese_and_English()
    {
        var labels = await Models.GetLabelsAsync(new GetLabelsRequest(), Key(ReaderKey));

        var expected = ContractEnums().SelectMany(e => e.Values.Select(v => (Enum: e.FullName, v.Name, v.Number))).OrderBy(x => x).ToList();
        var answered = labels.Enums.SelectMany(e => e.Values.Select(v => (Enum: e.Name, v.Name, v.Number))).OrderBy(x => x).ToList();
        Assert.Equal(expected, answered);
        // The enums counted by hand in protos/scoring/v1 when labels were added; more may come, none may go.
        Assert.Superset(new HashSet<string>
        {
            "scoring.v1.Classification", "scoring.v1.Disposition", "scoring.v1.ValueOrigin", "scoring.v1.EvaluationView",
            "scoring.v1.LayerKind", "scoring.v1.IndicatorKind", "scoring.v1.Level", "scoring.v1.ValueKind", "scoring.v1.VetoAnswer",
            "scoring.v1.ClearanceZone", "scoring.v1.RedevelopmentMode",
        }, labels.Enums.Select(e => e.Name).ToHashSet());
        Assert.All(labels.Enums.SelectMany(e => e.Values), v =>
        {
            Assert.False(string.IsNullOrWhiteSpace(v.Zh), $"{v.Name} has no Chinese name");
            Assert.False(string.IsNullOrWhiteSpace(v.En), $"{v.Name} has no English name");
            Assert.Contains(v.Zh, c => c >= '\u4e00' && c <= '\u9fff');
            Assert.DoesNotContain(v.En, c => c >= '\u4e00' && c <= '\u9fff');
        });
        // Values in declaration order, as the proto declares them.
        Assert.Equal(["CLASSIFICATION_UNSPECIFIED", "CLASSIFICATION_EFFICIENT", "CLASSIFICATION_REVIEW", "CLASSIFICATION_INEFFICIENT_SCORE",
            "CLASSIFICATION_INEFFICIENT_VETO", "CLASSIFICATION_INSUFFICIENT_DATA"], Values(labels, "scoring.v1.Classification").Select(v => v.Name));
    }

    [Fact]
    public async Task GetLabels_gives_the_papers_terms_for_verdicts_and_the_six_elements()
    {
        var labels = await Models.GetLabelsAsync(new GetLabelsRequest(), Key(ReaderKey));

        Assert.Equal("1", labels.ModelVersion);
        // The paper's second criterion (综合权重值低于0.6) and first (未能通过"一票否决"), as the console client has always written them.
        Assert.Equal(("低效(评分)", "Inefficient (score)"), Names(labels, "scoring.v1.Classification", "CLASSIFICATION_INEFFICIENT_SCORE"));
        Assert.Equal(("低效(否决)", "Inefficient (veto)"), Names(labels, "scoring.v1.Classification", "CLASSIFICATION_INEFFICIENT_VETO"));
        // The legend of the paper's Figure 3.
        Assert.Equal(["未指定", "现状保留", "低效认定", "地方上报", "生态清退", "正在推进"], Values(labels, "scoring.v1.Disposition").Select(v => v.Zh));
        Assert.Equal(("工业园区", "Industrial park"), Names(labels, "scoring.v1.Level", "LEVEL_PARK"));
        Assert.Equal(("必须清退区", "Must be cleared"), Names(labels, "scoring.v1.ClearanceZone", "CLEARANCE_ZONE_MUST"));

        // 人—地—企—产—财—能: the paper's element names (人口就业、土地利用、企业底数、产业集聚、经济效益、能源消耗), in model order.
        Assert.Equal(
        [
            ("population", "人口就业", "Population and employment"), ("land", "土地利用", "Land use"),
            ("enterprise", "企业底数", "Enterprise base"), ("industry", "产业集聚", "Industrial agglomeration"),
            ("economy", "经济效益", "Economic returns"), ("energy", "能源消耗", "Energy consumption"),
        ], labels.Elements.Select(e => (e.Code, e.Zh, e.En)));

        // Table 1's 27 indicators and the 8 veto checks, each with an English name that is not its code.
        Assert.Equal(27, labels.Indicators.Count);
        Assert.Equal(8, labels.Vetoes.Count);
        Assert.All(labels.Indicators.Concat(labels.Vetoes), l => Assert.True(l.Zh.Length > 0 && l.En.Length > 0 && l.En != l.Code, l.Code));
        Assert.Contains(labels.Indicators, l => (l.Code, l.Zh, l.En) == ("far", "容积率", "Floor area ratio"));
        Assert.Contains(labels.Vetoes, l => (l.Code, l.Zh, l.En) == ("legal_land_certificate", "是否有合法的工业用地证", "Holds a legal industrial land certificate"));

        // The default rules offer all eight modes of section 4.2.2, in the order of their first rule.
        Assert.Equal(["ecological_restoration", "capacity_upgrade", "high_standard_factory", "research", "contiguous_renewal",
            "commercial_office", "residential", "supporting"], labels.Modes.Select(m => m.Code));
        Assert.Contains(labels.Modes, m => (m.Code, m.Zh, m.En) == ("high_standard_factory", "工改高标准厂房", "Industrial to high-standard factories"));
        Assert.Contains(labels.Modes, m => (m.Code, m.Zh) == ("capacity_upgrade", "增容技改"));
    }

    [Fact]
    public async Task GetLabels_needs_a_reader_and_names_an_unknown_version_as_not_found()
    {
        var anonymous = await Assert.ThrowsAsync<RpcException>(() => Models.GetLabelsAsync(new GetLabelsRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);

        var unknown = await Assert.ThrowsAsync<RpcException>(() => Models.GetLabelsAsync(new GetLabelsRequest { ModelVersion = "999" }, Key(ReaderKey)).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);

        var explicitVersion = await Models.GetLabelsAsync(new GetLabelsRequest { ModelVersion = "1" }, Key(ReaderKey));
        Assert.Equal("1", explicitVersion.ModelVersion);
    }

    [Fact]
    public async Task GET_v1_labels_over_REST_returns_the_same_names()
    {
        using var http = new HttpClient { BaseAddress = server.RestAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/v1/labels")).StatusCode);

        http.DefaultRequestHeaders.Add("x-api-key", ReaderKey);
        using var response = await http.GetAsync("/v1/labels?modelVersion=1");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;

        Assert.Equal("1", root.GetProperty("modelVersion").GetString());
        var disposition = root.GetProperty("enums").EnumerateArray().Single(e => e.GetProperty("name").GetString() == "scoring.v1.Disposition");
        var retained = disposition.GetProperty("values").EnumerateArray().Single(v => v.GetProperty("name").GetString() == "DISPOSITION_RETAINED");
        Assert.Equal((1, "现状保留", "Retained as it is"),
            (retained.GetProperty("number").GetInt32(), retained.GetProperty("zh").GetString(), retained.GetProperty("en").GetString()));
        var land = root.GetProperty("elements")[1];
        Assert.Equal(("land", "土地利用", "Land use"), (land.GetProperty("code").GetString(), land.GetProperty("zh").GetString(), land.GetProperty("en").GetString()));

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/v1/labels?modelVersion=999")).StatusCode);
    }

    // The README's parcel: every veto met and 0.7363 ≥ 0.6 + 0.05, so EFFICIENT (非低效); no flag set, so RETAINED (现状保留).
    [Theory]
    [InlineData("zh", "非低效", "现状保留")]
    [InlineData("zh-CN", "非低效", "现状保留")]
    [InlineData("zh-CN,zh;q=0.9,en;q=0.8", "非低效", "现状保留")]
    [InlineData("en", "Efficient", "Retained as it is")]
    [InlineData("en-GB", "Efficient", "Retained as it is")]
    [InlineData("fr-FR, en;q=0.5, zh;q=0.3", "Efficient", "Retained as it is")]
    public async Task REST_EvaluateParcel_labels_the_verdict_in_the_language_asked_for(string acceptLanguage, string classification, string disposition)
    {
        var (status, evaluation) = await EvaluateOverRest("LBL-" + acceptLanguage.Length, acceptLanguage);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("CLASSIFICATION_EFFICIENT", evaluation.GetProperty("classification").GetString());
        Assert.Equal("DISPOSITION_RETAINED", evaluation.GetProperty("disposition").GetString());
        Assert.Equal(classification, evaluation.GetProperty("classificationLabel").GetString());
        Assert.Equal(disposition, evaluation.GetProperty("dispositionLabel").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("fr")]
    [InlineData("*")]
    public async Task REST_EvaluateParcel_without_a_language_it_knows_carries_no_labels(string? acceptLanguage)
    {
        var (status, evaluation) = await EvaluateOverRest("LBL-NONE", acceptLanguage);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("CLASSIFICATION_EFFICIENT", evaluation.GetProperty("classification").GetString());
        Assert.False(evaluation.TryGetProperty("classificationLabel", out _));
        Assert.False(evaluation.TryGetProperty("dispositionLabel", out _));
    }

    [Fact]
    public async Task gRPC_accept_language_metadata_labels_the_verdict_and_no_metadata_leaves_the_answer_as_it_was()
    {
        var scoring = new ScoringService.ScoringServiceClient(server.Channel);
        var request = new EvaluateParcelRequest { Parcel = HandWorkedParcel.Input("LBL-GRPC"), SkipHistory = true };

        var zh = (await scoring.EvaluateParcelAsync(request, new Metadata { { "x-api-key", ReaderKey }, { "accept-language", "zh" } })).Evaluation;
        Assert.Equal(("非低效", "现状保留"), (zh.ClassificationLabel, zh.DispositionLabel));

        var plain = (await scoring.EvaluateParcelAsync(request, Key(ReaderKey))).Evaluation;
        Assert.False(plain.HasClassificationLabel);
        Assert.False(plain.HasDispositionLabel);
        // The labels are all the difference: the same evaluation, two strings more on the wire.
        var stripped = zh.Clone();
        stripped.ClearClassificationLabel();
        stripped.ClearDispositionLabel();
        Assert.Equal(plain, stripped);
        // Fields 21 and 22 take a two-byte tag and a one-byte length each: 3 + 9 bytes (非低效) and 3 + 12 bytes (现状保留).
        Assert.Equal(plain.CalculateSize() + 3 + 9 + 3 + 12, zh.CalculateSize());
    }

    [Fact]
    public async Task REST_ListEvaluations_labels_each_record_in_the_language_asked_for()
    {
        await new ScoringService.ScoringServiceClient(server.Channel).EvaluateParcelAsync(
            new EvaluateParcelRequest { Parcel = HandWorkedParcel.Input("LBL-HIST") }, Key(ReaderKey));
        using var http = new HttpClient { BaseAddress = server.RestAddress };
        http.DefaultRequestHeaders.Add("x-api-key", ReaderKey);

        async Task<JsonElement> Record(string? acceptLanguage)
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, "/v1/parcels/LBL-HIST/evaluations");
            if (acceptLanguage is not null) message.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
            using var response = await http.SendAsync(message);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, body);
            using var json = JsonDocument.Parse(body);
            return json.RootElement.GetProperty("evaluations").EnumerateArray().Single().Clone();
        }

        var en = await Record("en-US,en;q=0.9");
        Assert.Equal(("CLASSIFICATION_EFFICIENT", "Efficient", "Retained as it is"),
            (en.GetProperty("classification").GetString(), en.GetProperty("classificationLabel").GetString(), en.GetProperty("dispositionLabel").GetString()));
        var zh = await Record("zh");
        Assert.Equal(("非低效", "现状保留"), (zh.GetProperty("classificationLabel").GetString(), zh.GetProperty("dispositionLabel").GetString()));
        var plain = await Record(null);
        Assert.False(plain.TryGetProperty("classificationLabel", out _));
        Assert.False(plain.TryGetProperty("dispositionLabel", out _));
    }

    private async Task<(HttpStatusCode Status, JsonElement Evaluation)> EvaluateOverRest(string parcelId, string? acceptLanguage)
    {
        using var http = new HttpClient { BaseAddress = server.RestAddress };
        var request = new EvaluateParcelRequest { Parcel = HandWorkedParcel.Input(parcelId), SkipHistory = true };
        using var message = new HttpRequestMessage(HttpMethod.Post, "/v1/parcels:evaluate")
        {
            Content = new StringContent(JsonFormatter.Default.Format(request), Encoding.UTF8, "application/json"),
        };
        message.Headers.Add("x-api-key", ReaderKey);
        if (acceptLanguage is not null) message.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        using var response = await http.SendAsync(message);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using var json = JsonDocument.Parse(body);
        return (response.StatusCode, json.RootElement.GetProperty("evaluation").Clone());
    }

    private static IReadOnlyList<EnumValueLabel> Values(GetLabelsResponse labels, string enumName) =>
        [.. labels.Enums.Single(e => e.Name == enumName).Values];

    private static (string Zh, string En) Names(GetLabelsResponse labels, string enumName, string value) =>
        Values(labels, enumName).Single(v => v.Name == value) is var v ? (v.Zh, v.En) : default;
}
