using Microsoft.AspNetCore.Authorization;
using Scoring.Server.Security;
using Grpc.Core;
using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using Scoring.Server.Models;
using Scoring.Storage.Models;
using Scoring.V1;

namespace Scoring.Server.Grpc;

/// <summary>scoring.v1.ModelService: the life cycle of model versions.</summary>
internal sealed partial class ModelGrpcService(ModelRegistry registry, Identification.ImpactAnalysis impact) : ModelService.ModelServiceBase
{
    [Authorize(Policy = Roles.Reader)]
    public override async Task<GetModelResponse> GetModel(GetModelRequest request, ServerCallContext context)
    {
        var stored = await Find(request.Version, context.CancellationToken);
        return new GetModelResponse { Model = await ToProtoAsync(stored, context.CancellationToken) };
    }

    [Authorize(Policy = Roles.Reader)]
    public override async Task<ListModelsResponse> ListModels(ListModelsRequest request, ServerCallContext context)
    {
        var page = await RichErrors.ListPage(() => registry.Store.ListAsync(request.PageSize, Empty(request.PageToken), context.CancellationToken));
        var labels = await registry.LabelsByVersionAsync(context.CancellationToken);
        return new ListModelsResponse { Models = { page.Models.Select(m => ToProto(m, labels)) }, NextPageToken = page.NextPageToken ?? "" };
    }

    [Authorize(Policy = Roles.Admin)]
    public override async Task<ActivateModelResponse> ActivateModel(ActivateModelRequest request, ServerCallContext context)
    {
        RichErrors.RequireText(("note", request.Note, ParcelText.MaxNoteLength, true));
        var version = (request.Version.Length == 0 ? null : ModelRegistry.Number(await registry.VersionOfAsync(request.Version, context.CancellationToken) ?? ""))
            ?? throw RichErrors.UnknownModel(request.Version).ToRpcException();
        try
        {
            var result = await registry.ActivateAsync(version, context.CallerName(), request.Note, Empty(request.ExpectedActiveVersion), context.CancellationToken);
            return new ActivateModelResponse { Model = await ToProtoAsync(result.Model, context.CancellationToken) };
        }
        catch (ModelVersionNotFoundException)
        {
            throw RichErrors.UnknownModel(request.Version).ToRpcException();
        }
        catch (ActiveVersionChangedException e)
        {
            throw ModelMapping.ActiveChanged(e.ExpectedVersion, e.ActiveVersion is { } v ? ModelRegistry.Key(v) : "").ToRpcException();
        }
    }

    [Authorize(Policy = Roles.Reader)]
    public override async Task<ExportModelResponse> ExportModel(ExportModelRequest request, ServerCallContext context)
    {
        var stored = await Find(request.Version, context.CancellationToken);
        return new ExportModelResponse { DocumentJson = stored.DocumentJson, Version = ModelRegistry.Key(stored.Version) };
    }

    [Authorize(Policy = Roles.Admin)]
    public override async Task<CreateModelResponse> CreateModel(CreateModelRequest request, ServerCallContext context)
    {
        var requestId = RequestIds.Identify(request, request.RequestId, r => r.RequestId = "");
        RichErrors.RequireText(("note", request.Note, ParcelText.MaxNoteLength, true));
        ModelDocument document;
        ScoringModel compiled;
        try
        {
            document = ModelDocument.Parse(request.DocumentJson);
            compiled = ModelRegistry.Validate(document);
        }
        catch (ModelValidationException e)
        {
            throw RichErrors.InvalidArgument([.. e.Errors.Select(x => new FieldViolation($"document_json.{x.Path}", x.Message))], RichErrors.Reasons.InvalidModel).ToRpcException();
        }
        int? parent = null;
        if (request.ParentVersion.Length > 0)
            parent = (await Find(request.ParentVersion, context.CancellationToken)).Version;
        if (request.ValidateOnly)
        {
            var validated = new V1.Model { ModelId = document.Id, Name = document.Name, Threshold = document.Threshold, ReviewBand = document.ReviewBand, MinCompleteness = document.MinCompleteness, Weights = { ModelWeights.All(document).Select(ModelMapping.ToProto) } };
            ModelMapping.AddDefinitions(validated, compiled);
            return new CreateModelResponse { Model = validated };
        }
        try
        {
            var added = await registry.AddAsync(new NewModelVersion
            {
                Document = document, ParentVersion = parent, Author = context.CallerName(), Note = request.Note, Action = AuditActions.CreateModel,
                Activate = request.Activate, Request = requestId,
            }, context.CancellationToken);
            return new CreateModelResponse { Model = await ToProtoAsync(added.Stored, context.CancellationToken) };
        }
        catch (RequestIdReusedException e)
        {
            throw RequestIds.Reused(e.RequestId).ToRpcException();
        }
    }

    [Authorize(Policy = Roles.Reader)]
    public override async Task<ListAuditRecordsResponse> ListAuditRecords(ListAuditRecordsRequest request, ServerCallContext context)
    {
        var page = await RichErrors.ListPage(() => registry.Store.ListAuditAsync(request.PageSize, Empty(request.PageToken), context.CancellationToken));
        return new ListAuditRecordsResponse
        {
            Records =
            {
                page.Records.Select(r => new V1.AuditRecord
                {
                    Id = r.Id,
                    Time = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(r.At),
                    Actor = r.Actor,
                    Action = r.Action,
                    Version = ModelRegistry.Key(r.Version),
                    PreviousVersion = r.PreviousVersion is { } p ? ModelRegistry.Key(p) : "",
                    Note = r.Note,
                    Label = ModelLabels.FromAuditDetails(r.DetailsJson) ?? "",
                }),
            },
            NextPageToken = page.NextPageToken ?? "",
        };
    }

    [Authorize(Policy = Roles.Reader)]
    public override async Task<GetLabelsResponse> GetLabels(GetLabelsRequest request, ServerCallContext context)
    {
        return LabelMapping.ToLabels(await registry.ResolveOrRefuseAsync(request.ModelVersion, context.CancellationToken));
    }

    private V1.Model ToProto(StoredModel stored, ILookup<int, string> labels)
    {
        var model = ModelMapping.ToProto(stored, registry.Compiled(stored), registry.IsActive(stored));
        model.Labels.AddRange(labels[stored.Version]);
        return model;
    }

    private async Task<V1.Model> ToProtoAsync(StoredModel stored, CancellationToken token) =>
        ToProto(stored, await registry.LabelsByVersionAsync(token));

    private async Task<StoredModel> Find(string version, CancellationToken token) =>
        await registry.FindAsync(version, token) ?? throw RichErrors.UnknownModel(version.Length == 0 ? registry.Catalog.Active.Version : version).ToRpcException();

    private static string? Empty(string s) => s.Length == 0 ? null : s;
}
