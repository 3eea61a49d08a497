using Microsoft.AspNetCore.Authorization;
using Grpc.Core;
using Scoring.Engine.Evaluation;
using Scoring.Server.Identification;
using Scoring.Server.Models;
using Scoring.Server.Security;
using Scoring.Storage.Models;
using Scoring.Storage.Paging;
using Scoring.Storage.Parcels;
using Scoring.V1;

namespace Scoring.Server.Grpc;

// scoring.v1.ModelService, continued: labels for versions, and two versions side by side.
internal sealed partial class ModelGrpcService
{
    /// <summary>The most parcel ids a comparison's selection may name.</summary>
    public const int MaxSelectedParcels = 10_000;

    private const string ComparisonListing = "compare";

    [Authorize(Policy = Roles.Admin)]
    public override async Task<SetModelLabelResponse> SetModelLabel(SetModelLabelRequest request, ServerCallContext context)
    {
        var token = context.CancellationToken;
        if (ModelLabels.Problem(request.Label) is { } problem)
            throw RichErrors.InvalidArgument([new FieldViolation("label", problem)], RichErrors.Reasons.InvalidRequest).ToRpcException();
        RichErrors.RequireText(("note", request.Note, ParcelText.MaxNoteLength, true));
        int? version = null;
        if (request.Version.Length > 0)
            version = ModelRegistry.Number(await registry.VersionOfAsync(request.Version, token) ?? "") ?? throw RichErrors.UnknownModel(request.Version).ToRpcException();
        try
        {
            var change = await registry.SetLabelAsync(request.Label, version, context.CallerName(), request.Note, token);
            return new SetModelLabelResponse
            {
                Label = change.Label,
                Version = change.Version is { } v ? ModelRegistry.Key(v) : "",
                PreviousVersion = change.PreviousVersion is { } p ? ModelRegistry.Key(p) : "",
                Changed = change.Changed,
            };
        }
        catch (ModelVersionNotFoundException)
        {
            throw RichErrors.UnknownModel(request.Version).ToRpcException();
        }
        catch (ModelLabelNotFoundException)
        {
            throw RichErrors.UnknownModel(request.Label).ToRpcException();
        }
    }

    [Authorize(Policy = Roles.Reader)]
    public override async Task<CompareModelsResponse> CompareModels(CompareModelsRequest request, ServerCallContext context)
    {
        var token = context.CancellationToken;
        var selection = request.Selection ?? new ParcelSelection();
        var violations = new List<FieldViolation>();
        if (request.CandidateVersion.Length == 0) violations.Add(new("candidate_version", "is required"));
        if (!System.Enum.IsDefined(selection.Level)) violations.Add(new("selection.level", $"{(int)selection.Level} is not a Level value"));
        if (selection.ParcelIds.Count > MaxSelectedParcels)
            violations.Add(new("selection.parcel_ids", $"names {selection.ParcelIds.Count} parcels; at most {MaxSelectedParcels} are allowed"));
        if (request.PageSize < 0) violations.Add(new("page_size", $"must not be negative, got {request.PageSize}"));
        if (violations.Count > 0) throw RichErrors.InvalidArgument(violations, RichErrors.Reasons.InvalidRequest).ToRpcException();

        var from = await registry.ResolveOrRefuseAsync(request.BaseVersion, token);
        var to = await registry.ResolveOrRefuseAsync(request.CandidateVersion, token);
        // A token is good for the same two versions and the same selection: the position alone would page another comparison.
        var scope = selection.ToString();
        string? after = null;
        if (request.PageToken.Length > 0)
            after = await RichErrors.ListPage(() => Task.FromResult(AfterParcel(request.PageToken, from.Version, to.Version, scope)));
        var filter = new ParcelFilter(Empty(selection.UnitId), Empty(selection.Street), selection.Level == Level.Unspecified ? null : (int)selection.Level);
        var ids = selection.ParcelIds.Count > 0 ? selection.ParcelIds.ToHashSet(StringComparer.Ordinal) : null;
        var comparison = await impact.CompareAsync(from, to, filter, ids, after, PageToken.PageSize(request.PageSize), token);

        var response = new CompareModelsResponse
        {
            BaseVersion = from.Version,
            CandidateVersion = to.Version,
            ParcelCount = comparison.ParcelCount,
            SkippedCount = comparison.Skipped,
            ChangedCount = comparison.ChangedCount,
            ClassificationTransitions =
            {
                comparison.Classifications.Select(s => new ClassificationTransition
                    { From = (V1.Classification)(int)s.From, To = (V1.Classification)(int)s.To, Count = s.Count, AreaMu = s.AreaMu }),
            },
            DispositionTransitions =
            {
                comparison.Dispositions.Select(s => new DispositionTransition
                    { From = (V1.Disposition)(int)s.From, To = (V1.Disposition)(int)s.To, Count = s.Count, AreaMu = s.AreaMu }),
            },
            ChangedParcels =
            {
                comparison.Changed.Select(c => new ChangedParcel
                {
                    ParcelId = c.ParcelId, Street = c.Street, AreaMu = c.AreaMu, BaseScore = c.From.Score, CandidateScore = c.To.Score,
                    BaseClassification = (V1.Classification)(int)c.From.Classification, CandidateClassification = (V1.Classification)(int)c.To.Classification,
                    BaseDisposition = (V1.Disposition)(int)c.From.Disposition, CandidateDisposition = (V1.Disposition)(int)c.To.Disposition,
                }),
            },
            Streets =
            {
                comparison.Streets.Select(s => new StreetAreaChange
                {
                    Street = s.Street, ParcelCount = s.ParcelCount, BaseInefficientAreaMu = s.FromInefficientAreaMu,
                    CandidateInefficientAreaMu = s.ToInefficientAreaMu, DeltaAreaMu = s.DeltaAreaMu,
                }),
            },
            NextPageToken = comparison.MorePages ? PageToken.Encode(ComparisonListing, from.Version, to.Version, scope, comparison.Changed[^1].ParcelId) : "",
        };
        return response;
    }

    // The parcel id a comparison's page follows.
    private static string AfterParcel(string token, string from, string to, string scope)
    {
        var parts = PageToken.Decode(token, ComparisonListing, 4);
        if (parts[0] != from || parts[1] != to || parts[2] != scope)
            throw new InvalidPageTokenException("belongs to a comparison of other versions or another selection");
        return parts[3] ?? throw new InvalidPageTokenException("does not hold a position");
    }
}
