using Google.Rpc;
using Grpc.Core;
using Scoring.V1;

namespace Scoring.Server.Tests;

/// <summary>
/// ModelService.SetModelLabel and CompareModels over the hand-counted district of <see cref="ComparedDistrict"/>, whose
/// remarks work out every parcel's score, classification and disposition under versions A and B.
/// </summary>
public sealed class ModelVersionsTests(ComparedDistrict district) : IClassFixture<ComparedDistrict>
{
    private ModelService.ModelServiceClient Models => new(district.Channel);
    private ScoringService.ScoringServiceClient Scoring => new(district.Channel);

    private static readonly ParcelSelection District = new() { UnitId = ComparedDistrict.Unit };

    private Task<CompareModelsResponse> CompareAsync(string from, string to, ParcelSelection? selection = null, int pageSize = 0, string token = "") =>
        Models.CompareModelsAsync(new CompareModelsRequest
        {
            BaseVersion = from, CandidateVersion = to, Selection = selection ?? District, PageSize = pageSize, PageToken = token,
        }).ResponseAsync;

    private static (Classification, Classification, int, double) Cell(ClassificationTransition t) => (t.From, t.To, t.Count, Math.Round(t.AreaMu, 9));
    private static (Disposition, Disposition, int, double) Cell(DispositionTransition t) => (t.From, t.To, t.Count, Math.Round(t.AreaMu, 9));

    [Fact]
    public async Task Comparing_A_with_B_gives_the_hand_counted_transitions_changed_parcels_and_street_areas()
    {
        var r = await CompareAsync(district.VersionA, district.VersionB);

        Assert.Equal((district.VersionA, district.VersionB, 8, 0), (r.BaseVersion, r.CandidateVersion, r.ParcelCount, r.SkippedCount));
        // E→E: CMP-3 30 + CMP-8 15; E→IS: CMP-2 20 + CMP-6 12; IS→E: CMP-1 10; IS→R: CMP-5 8; IS→IS: CMP-4 5; veto: CMP-7 7.
        Assert.Equal(
        [
            (Classification.Efficient, Classification.Efficient, 2, 45.0),
            (Classification.Efficient, Classification.InefficientScore, 2, 32.0),
            (Classification.InefficientScore, Classification.Efficient, 1, 10.0),
            (Classification.InefficientScore, Classification.Review, 1, 8.0),
            (Classification.InefficientScore, Classification.InefficientScore, 1, 5.0),
            (Classification.InefficientVeto, Classification.InefficientVeto, 1, 7.0),
        ], r.ClassificationTransitions.Select(Cell));
        // R→R: CMP-3 30; R→II: CMP-2 20; II→R: CMP-1 10 + CMP-5 8; II→II: CMP-4 5 + CMP-7 7; reported CMP-6 12; red line CMP-8 15.
        Assert.Equal(
        [
            (Disposition.Retained, Disposition.Retained, 1, 30.0),
            (Disposition.Retained, Disposition.IdentifiedInefficient, 1, 20.0),
            (Disposition.IdentifiedInefficient, Disposition.Retained, 2, 18.0),
            (Disposition.IdentifiedInefficient, Disposition.IdentifiedInefficient, 2, 12.0),
            (Disposition.LocallyReported, Disposition.LocallyReported, 1, 12.0),
            (Disposition.EcologicalClearance, Disposition.EcologicalClearance, 1, 15.0),
        ], r.DispositionTransitions.Select(Cell));
        // Changed: CMP-1, CMP-2, CMP-5 (classification and disposition), CMP-6 (classification only; still reported).
        Assert.Equal(4, r.ChangedCount);
        Assert.Equal(
        [
            ("CMP-1", "dongshan", 10.0, 0.55, 0.76, Classification.InefficientScore, Classification.Efficient, Disposition.IdentifiedInefficient, Disposition.Retained),
            ("CMP-2", "dongshan", 20.0, 0.70, 0.52, Classification.Efficient, Classification.InefficientScore, Disposition.Retained, Disposition.IdentifiedInefficient),
            ("CMP-5", "moling", 8.0, 0.55, 0.64, Classification.InefficientScore, Classification.Review, Disposition.IdentifiedInefficient, Disposition.Retained),
            ("CMP-6", "dongshan", 12.0, 0.70, 0.58, Classification.Efficient, Classification.InefficientScore, Disposition.LocallyReported, Disposition.LocallyReported),
        ], r.ChangedParcels.Select(c => (c.ParcelId, c.Street, c.AreaMu, Math.Round(c.BaseScore, 9), Math.Round(c.CandidateScore, 9),
            c.BaseClassification, c.CandidateClassification, c.BaseDisposition, c.CandidateDisposition)));
        Assert.Equal("", r.NextPageToken);
        // dongshan: A inefficient CMP-1 10; B CMP-2 20 + CMP-6 12 = 32. moling: A CMP-4 5 + CMP-5 8 + CMP-7 7 = 20; B 5 + 7 = 12.
        Assert.Equal(
        [
            ("dongshan", 4, 10.0, 32.0, 22.0),
            ("moling", 4, 20.0, 12.0, -8.0),
        ], r.Streets.Select(s => (s.Street, s.ParcelCount, Math.Round(s.BaseInefficientAreaMu, 9), Math.Round(s.CandidateInefficientAreaMu, 9),
            Math.Round(s.DeltaAreaMu, 9))));
    }

    [Fact]
    public async Task A_street_selection_compares_its_parcels_only()
    {
        var r = await CompareAsync(district.VersionA, district.VersionB, new ParcelSelection { UnitId = ComparedDistrict.Unit, Street = "moling" });

        Assert.Equal((4, 1), (r.ParcelCount, r.ChangedCount));
        Assert.Equal(["CMP-5"], r.ChangedParcels.Select(c => c.ParcelId));
        Assert.Equal([("moling", 20.0, 12.0)], r.Streets.Select(s => (s.Street, Math.Round(s.BaseInefficientAreaMu, 9), Math.Round(s.CandidateInefficientAreaMu, 9))));

        var two = await CompareAsync(district.VersionA, district.VersionB, new ParcelSelection { ParcelIds = { "CMP-1", "CMP-3" } });
        Assert.Equal((2, 1), (two.ParcelCount, two.ChangedCount));
    }

    [Fact]
    public async Task Changed_parcels_come_in_pages_and_a_token_of_another_comparison_is_refused()
    {
        var first = await CompareAsync(district.VersionA, district.VersionB, pageSize: 3);
        Assert.Equal(["CMP-1", "CMP-2", "CMP-5"], first.ChangedParcels.Select(c => c.ParcelId));
        Assert.NotEqual("", first.NextPageToken);
        Assert.Equal(4, first.ChangedCount);

        var second = await CompareAsync(district.VersionA, district.VersionB, pageSize: 3, token: first.NextPageToken);
        Assert.Equal(["CMP-6"], second.ChangedParcels.Select(c => c.ParcelId));
        Assert.Equal("", second.NextPageToken);
        // The tables cover the whole selection on every page.
        Assert.Equal(6, second.ClassificationTransitions.Count);

        var other = await Assert.ThrowsAsync<RpcException>(() => CompareAsync(district.VersionB, district.VersionA, pageSize: 3, token: first.NextPageToken));
        Assert.Equal(StatusCode.InvalidArgument, other.StatusCode);
        Assert.Equal("page_token", other.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Single().Field);
    }

    [Fact]
    public async Task Comparing_writes_no_evaluation_and_no_audit_record()
    {
        var auditBefore = (await Models.ListAuditRecordsAsync(new ListAuditRecordsRequest { PageSize = 1 })).Records.Single().Id;

        await CompareAsync(district.VersionA, district.VersionB);

        Assert.Equal(auditBefore, (await Models.ListAuditRecordsAsync(new ListAuditRecordsRequest { PageSize = 1 })).Records.Single().Id);
        var history = await new ParcelService.ParcelServiceClient(district.Channel).ListEvaluationsAsync(new ListEvaluationsRequest { ParcelId = "CMP-1" });
        Assert.Empty(history.Evaluations);
    }

    [Fact]
    public async Task A_label_resolves_to_its_version_in_EvaluateParcel_BatchEvaluate_and_CompareModels()
    {
        await Models.SetModelLabelAsync(new SetModelLabelRequest { Label = "lbl-official", Version = district.VersionA, Note = "round 1" });
        await Models.SetModelLabelAsync(new SetModelLabelRequest { Label = "lbl-candidate", Version = district.VersionB });
        // CMP-1's values inline: A 0.55, B 0.76.
        var parcel = ComparedDistrict.Parcel("LBL-1", "dongshan", 10, 0.9, 2);

        var single = (await Scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = parcel, ModelVersion = "lbl-candidate", SkipHistory = true })).Evaluation;
        Assert.Equal((district.VersionB, 0.76, Classification.Efficient), (single.ModelVersion, Math.Round(single.Score, 9), single.Classification));

        using var call = Scoring.BatchEvaluate();
        await call.RequestStream.WriteAsync(new BatchEvaluateRequest { ModelVersion = "lbl-official", Parcels = { parcel, ComparedDistrict.Parcel("LBL-2", "moling", 8, 0.7, 4) } });
        await call.RequestStream.CompleteAsync();
        var results = new List<BatchResult>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None)) results.AddRange(call.ResponseStream.Current.Results);
        Assert.Equal([(district.VersionA, 0.55), (district.VersionA, 0.55)], results.Select(x => (x.Evaluation.ModelVersion, Math.Round(x.Evaluation.Score, 9))));

        var compared = await CompareAsync("lbl-official", "lbl-candidate");
        Assert.Equal((district.VersionA, district.VersionB, 4), (compared.BaseVersion, compared.CandidateVersion, compared.ChangedCount));

        var model = (await Models.GetModelAsync(new GetModelRequest { Version = "lbl-candidate" })).Model;
        Assert.Equal(district.VersionB, model.Version);
        Assert.Contains("lbl-candidate", model.Labels);
        var listed = (await Models.ListModelsAsync(new ListModelsRequest())).Models.Single(m => m.Version == district.VersionA);
        Assert.Contains("lbl-official", listed.Labels);
    }

    [Fact]
    public async Task A_label_resolves_in_EvaluateStored_and_filters_ListEvaluations_by_its_version()
    {
        await Models.SetModelLabelAsync(new SetModelLabelRequest { Label = "lbl-stored", Version = district.VersionB });
        var cache = new ParcelService.ParcelServiceClient(district.Channel);

        using var stored = cache.EvaluateStored(new EvaluateStoredRequest { ModelVersion = "lbl-stored", UnitId = ComparedDistrict.Unit, Street = "moling" });
        var results = new List<BatchResult>();
        while (await stored.ResponseStream.MoveNext(CancellationToken.None)) results.AddRange(stored.ResponseStream.Current.Results);
        // Under B: CMP-3 1.00, CMP-4 0.18, CMP-5 0.64, CMP-7 1.00 (veto).
        Assert.Equal([("CMP-3", 1.0), ("CMP-4", 0.18), ("CMP-5", 0.64), ("CMP-7", 1.0)], results.Select(r => (r.ParcelId, Math.Round(r.Evaluation.Score, 9))));
        Assert.All(results, r => Assert.Equal(district.VersionB, r.Evaluation.ModelVersion));

        var parcel = ComparedDistrict.Parcel("LBL-H1", "dongshan", 10, 0.9, 2);
        await Scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = parcel, ModelVersion = district.VersionA });
        await Scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = parcel, ModelVersion = "lbl-stored" });
        // A recorded evaluation is committed before its answer is sent.
        var listed = await cache.ListEvaluationsAsync(new ListEvaluationsRequest { ParcelId = "LBL-H1", ModelVersion = "lbl-stored" });
        Assert.Equal([(district.VersionB, 0.76)], listed.Evaluations.Select(e => (e.ModelVersion, Math.Round(e.Score, 9))));
    }

    [Fact]
    public async Task Moving_and_removing_a_label_is_audited_and_the_label_follows()
    {
        var set = await Models.SetModelLabelAsync(new SetModelLabelRequest { Label = "lbl-moving", Version = district.VersionA, Note = "first" });
        Assert.Equal(("lbl-moving", district.VersionA, "", true), (set.Label, set.Version, set.PreviousVersion, set.Changed));
        var again = await Models.SetModelLabelAsync(new SetModelLabelRequest { Label = "lbl-moving", Version = district.VersionA });
        Assert.False(again.Changed);

        var moved = await Models.SetModelLabelAsync(new SetModelLabelRequest { Label = "lbl-moving", Version = district.VersionB, Note = "promoted" });
        Assert.Equal((district.VersionB, district.VersionA, true), (moved.Version, moved.PreviousVersion, moved.Changed));
        var parcel = ComparedDistrict.Parcel("LBL-3", "dongshan", 10, 0.9, 2);
        Assert.Equal(district.VersionB, (await Scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = parcel, ModelVersion = "lbl-moving", SkipHistory = true })).Evaluation.ModelVersion);

        var removed = await Models.SetModelLabelAsync(new SetModelLabelRequest { Label = "lbl-moving", Version = "", Note = "withdrawn" });
        Assert.Equal(("", district.VersionB, true), (removed.Version, removed.PreviousVersion, removed.Changed));
        var gone = await Assert.ThrowsAsync<RpcException>(() => Scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = parcel, ModelVersion = "lbl-moving" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);

        // Newest first: removal, move (B from A), set (A); the unchanged second call wrote nothing.
        var audit = (await Models.ListAuditRecordsAsync(new ListAuditRecordsRequest { PageSize = 50 })).Records.Where(a => a.Label == "lbl-moving").ToList();
        Assert.Equal(
        [
            ("remove_model_label", district.VersionB, "", "withdrawn"),
            ("set_model_label", district.VersionB, district.VersionA, "promoted"),
            ("set_model_label", district.VersionA, "", "first"),
        ], audit.Select(a => (a.Action, a.Version, a.PreviousVersion, a.Note)));
    }

    [Theory]
    [InlineData("", "is required")]
    [InlineData("Official", "must start with a lower-case letter or a digit")]
    [InlineData("offiCial", "may hold only lower-case letters")]
    [InlineData("-candidate", "must start with a lower-case letter or a digit")]
    [InlineData("42", "is all digits")]
    [InlineData("round 2024", "may hold only lower-case letters")]
    public async Task A_badly_spelled_label_is_INVALID_ARGUMENT_naming_the_label(string label, string reason)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => Models.SetModelLabelAsync(new SetModelLabelRequest { Label = label, Version = district.VersionA }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        var violation = e.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Single();
        Assert.Equal("label", violation.Field);
        Assert.StartsWith(reason, violation.Description);
    }

    [Fact]
    public async Task A_label_of_65_characters_is_refused_and_one_of_64_accepted()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => Models.SetModelLabelAsync(new SetModelLabelRequest { Label = new string('a', 65), Version = district.VersionA }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);

        var ok = await Models.SetModelLabelAsync(new SetModelLabelRequest { Label = "2024-round." + new string('x', 53), Version = district.VersionA });
        Assert.Equal(64, ok.Label.Length);
    }

    [Fact]
    public async Task Unknown_versions_labels_and_a_missing_candidate_are_refused()
    {
        var version = await Assert.ThrowsAsync<RpcException>(() => Models.SetModelLabelAsync(new SetModelLabelRequest { Label = "lbl-x", Version = "999" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, version.StatusCode);
        var label = await Assert.ThrowsAsync<RpcException>(() => Models.SetModelLabelAsync(new SetModelLabelRequest { Label = "lbl-never-set", Version = "" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, label.StatusCode);
        var compare = await Assert.ThrowsAsync<RpcException>(() => CompareAsync("no-such-label", district.VersionB));
        Assert.Equal(StatusCode.NotFound, compare.StatusCode);

        var missing = await Assert.ThrowsAsync<RpcException>(() => Models.CompareModelsAsync(new CompareModelsRequest { Selection = new ParcelSelection { Level = (Level)9 } }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, missing.StatusCode);
        Assert.Equal(["candidate_version", "selection.level"], missing.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field));
    }
}

/// <summary>SetModelLabel is an admin action, recorded under the caller's name; CompareModels is a read.</summary>
public sealed class ModelLabelSecurityTests(SecuredServerFixture server) : IClassFixture<SecuredServerFixture>
{
    private ModelService.ModelServiceClient Models => new(server.Channel);

    private static Metadata Key(string key) => new() { { "x-api-key", key } };

    [Fact]
    public async Task A_reader_or_writer_may_not_set_a_label_an_admin_may_and_is_named_in_the_audit()
    {
        foreach (var key in new[] { SecuredServerFixture.ReaderKey, SecuredServerFixture.WriterKey })
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => Models.SetModelLabelAsync(new SetModelLabelRequest { Label = "official", Version = "1" }, Key(key)).ResponseAsync);
            Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        }

        await Models.SetModelLabelAsync(new SetModelLabelRequest { Label = "official", Version = "1", Note = "the paper's weights" }, Key(SecuredServerFixture.AdminKey));

        var record = (await Models.ListAuditRecordsAsync(new ListAuditRecordsRequest { PageSize = 1 }, Key(SecuredServerFixture.ReaderKey))).Records.Single();
        Assert.Equal(("planning-admin", "set_model_label", "official", "1", "the paper's weights"), (record.Actor, record.Action, record.Label, record.Version, record.Note));
        var compared = await Models.CompareModelsAsync(new CompareModelsRequest { BaseVersion = "official", CandidateVersion = "1" }, Key(SecuredServerFixture.ReaderKey));
        Assert.Equal(0, compared.ChangedCount);
    }
}
