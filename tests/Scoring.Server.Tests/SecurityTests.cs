using Google.Rpc;
using Grpc.Core;
using Scoring.V1;
using static Scoring.Testing.SecuredServerFixture;

namespace Scoring.Server.Tests;

public sealed class SecurityTests(SecuredServerFixture server) : IClassFixture<SecuredServerFixture>
{
    private ScoringService.ScoringServiceClient Scoring => new(server.Channel);
    private ParcelService.ParcelServiceClient Cache => new(server.Channel);
    private ModelService.ModelServiceClient Models => new(server.Channel);

    private static Metadata Key(string key) => new() { { "x-api-key", key } };

    private static EvaluateParcelRequest Evaluate() => new() { Parcel = HandWorkedParcel.Input("SEC-1"), SkipHistory = true };

    private static UpdateWeightsRequest DryRun() => new()
    {
        DryRun = true,
        Weights = new WeightTable { Weights = { new[] { ("population", 0.05), ("land", 0.25), ("enterprise", 0.16), ("industry", 0.11), ("economy", 0.32), ("energy", 0.11) }
            .Select(w => new Weight { Group = "elements", Code = w.Item1, Weight_ = w.Item2 }) } },
    };

    private static async Task<StatusCode> Refusal(Func<Task> call) => (await Assert.ThrowsAsync<RpcException>(call)).StatusCode;

    [Fact]
    public async Task A_caller_without_a_key_or_with_a_wrong_key_is_UNAUTHENTICATED()
    {
        Assert.Equal(StatusCode.Unauthenticated, await Refusal(() => Scoring.EvaluateParcelAsync(Evaluate()).ResponseAsync));
        Assert.Equal(StatusCode.Unauthenticated, await Refusal(() => Scoring.EvaluateParcelAsync(Evaluate(), Key("not-a-key")).ResponseAsync));
        Assert.Equal(StatusCode.Unauthenticated, await Refusal(() => Models.ListModelsAsync(new ListModelsRequest()).ResponseAsync));
    }

    [Fact]
    public async Task A_reader_evaluates_and_reads_but_cannot_ingest_or_change_weights()
    {
        var e = (await Scoring.EvaluateParcelAsync(Evaluate(), Key(ReaderKey))).Evaluation;
        Assert.Equal(HandWorkedParcel.Score, e.Score, 9);
        await Models.ListModelsAsync(new ListModelsRequest(), Key(ReaderKey));

        Assert.Equal(StatusCode.PermissionDenied, await Refusal(() => Scoring.UpdateWeightsAsync(DryRun(), Key(ReaderKey)).ResponseAsync));
        Assert.Equal(StatusCode.PermissionDenied, await Refusal(() => Models.ActivateModelAsync(new ActivateModelRequest { Version = "1" }, Key(ReaderKey)).ResponseAsync));
        // The stream is refused before any message: reading its answer shows why (a write could race the refusal).
        using var upsert = Cache.UpsertParcels(Key(ReaderKey));
        Assert.Equal(StatusCode.PermissionDenied, await Refusal(() => upsert.ResponseStream.MoveNext()));
    }

    [Fact]
    public async Task A_writer_ingests_but_cannot_evaluate()
    {
        using var upsert = Cache.UpsertParcels(Key(WriterKey));
        await upsert.RequestStream.WriteAsync(new UpsertParcelsRequest { Source = "tax-bureau", AsOf = "2026-01-01", Parcels = { HandWorkedParcel.Input("SEC-W") } });
        Assert.True(await upsert.ResponseStream.MoveNext());
        Assert.Equal(1, upsert.ResponseStream.Current.Accepted);
        await upsert.RequestStream.CompleteAsync();

        Assert.Equal(StatusCode.PermissionDenied, await Refusal(() => Scoring.EvaluateParcelAsync(Evaluate(), Key(WriterKey)).ResponseAsync));
    }

    [Fact]
    public async Task An_admin_changes_weights_and_evaluates_and_is_named_in_the_audit()
    {
        var response = await Scoring.UpdateWeightsAsync(new UpdateWeightsRequest { Weights = DryRun().Weights, Note = "same weights" }, Key(AdminKey));
        Assert.NotEmpty(response.ModelVersion);
        await Scoring.EvaluateParcelAsync(Evaluate(), Key(AdminKey));

        var model = (await Models.GetModelAsync(new GetModelRequest { Version = response.ModelVersion }, Key(AdminKey))).Model;
        Assert.Equal("planning-admin", model.Author);
        var audit = await Models.ListAuditRecordsAsync(new ListAuditRecordsRequest(), Key(ReaderKey));
        Assert.Contains(audit.Records, r => r.Actor == "planning-admin" && r.Version == response.ModelVersion && r.Action == "update_weights");
    }

    [Fact]
    public async Task An_over_size_request_is_RESOURCE_EXHAUSTED_with_details()
    {
        var parcel = HandWorkedParcel.Input("SEC-BIG");
        parcel.Geometry = new string('x', MaxMessageBytes + 1000);
        var ex = await Assert.ThrowsAsync<RpcException>(() => Scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = parcel }, Key(ReaderKey)).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        var status = ex.GetRpcStatus();
        Assert.NotNull(status);
        Assert.Equal("MESSAGE_TOO_LARGE", status.GetDetail<ErrorInfo>().Reason);
        Assert.Contains($"{MaxMessageBytes} bytes", status.GetDetail<QuotaFailure>().Violations.Single().Description);
    }
}
