using Microsoft.AspNetCore.Authorization;
using Scoring.Server.Security;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Scoring.Engine.Evaluation;
using Scoring.Server.Feed;
using Scoring.Storage.Evaluations;
using Scoring.Storage.Parcels;
using Scoring.Storage.Units;
using Scoring.V1;

namespace Scoring.Server.Grpc;

/// <summary>scoring.v1.ParcelService: the indicator cache's feed and reads.</summary>
internal sealed class ParcelGrpcService(ParcelFeed feed, IParcelStore parcels, IUnitStore units, IEvaluationStore history,
    Models.ModelRegistry registry, Identification.ParcelEvaluations evaluations, Identification.WeightDrawSource draws)
    : ParcelService.ParcelServiceBase
{
    /// <summary>Results per EvaluateStored response when the request does not say.</summary>
    public const int DefaultStoredChunk = 1000;

    [Authorize(Policy = Roles.Writer)]
    public override async Task UpsertParcels(IAsyncStreamReader<UpsertParcelsRequest> requestStream,
        IServerStreamWriter<UpsertParcelsResponse> responseStream, ServerCallContext context)
    {
        var token = context.CancellationToken;
        while (await requestStream.MoveNext(token))
        {
            var chunk = requestStream.Current;
            var result = await feed.UpsertAsync(chunk.Source, chunk.AsOf, [.. chunk.Parcels.Select(p => p.ToWrite())], [.. chunk.Units.Select(u => u.ToWrite())], token);
            var response = new UpsertParcelsResponse { Accepted = result.Accepted, ValuesWritten = result.ValuesWritten, UnitsAccepted = result.UnitsAccepted };
            // A chunk refused as a whole is index -1; the stream goes on with the next chunk. Ids are echoed as given,
            // cut to a length that keeps the reply bounded (an over-long id is itself refused).
            ReplySize.AddErrors(response, [.. result.Errors.Select(e => (
                new UpsertError { Index = e.Index, ParcelId = RichErrors.Clip(e.ParcelId ?? "", RichErrors.MaxEchoChars), UnitId = RichErrors.Clip(e.UnitId ?? "", RichErrors.MaxEchoChars) },
                e.Violations, e.IsParcel ? RichErrors.Reasons.InvalidParcel : RichErrors.Reasons.InvalidRequest))]);
            await responseStream.WriteAsync(response, token);
        }
    }

    [Authorize(Policy = Roles.Reader)]
    public override async Task<GetParcelResponse> GetParcel(GetParcelRequest request, ServerCallContext context)
    {
        RequireId(request.ParcelId, "parcel_id");
        var parcel = await parcels.GetAsync(request.ParcelId, cancellationToken: context.CancellationToken)
            ?? throw NotFound(request.ParcelId);
        return new GetParcelResponse { Parcel = parcel.ToProto() };
    }

    [Authorize(Policy = Roles.Reader)]
    public override async Task<ListParcelsResponse> ListParcels(ListParcelsRequest request, ServerCallContext context)
    {
        if (!System.Enum.IsDefined(request.Level))
            throw RichErrors.InvalidArgument([new("level", $"{(int)request.Level} is not a Level value")], RichErrors.Reasons.InvalidRequest).ToRpcException();
        var filter = new ParcelFilter(NullIfEmpty(request.UnitId), NullIfEmpty(request.Street), request.Level == Level.Unspecified ? null : (int)request.Level);
        var page = await RichErrors.ListPage(() => parcels.ListAsync(filter, request.PageSize, NullIfEmpty(request.PageToken), context.CancellationToken));
        return new ListParcelsResponse { Parcels = { page.Parcels.Select(p => p.ToProto()) }, NextPageToken = page.NextPageToken ?? "" };
    }

    [Authorize(Policy = Roles.Reader)]
    public override async Task<ListEvaluationsResponse> ListEvaluations(ListEvaluationsRequest request, ServerCallContext context)
    {
        var token = context.CancellationToken;
        if (request.ModelVersion.Length > 0)
        {
            // A label filters by the version it names.
            request = request.Clone();
            request.ModelVersion = await registry.VersionOfAsync(request.ModelVersion, token) ?? throw RichErrors.UnknownModel(request.ModelVersion).ToRpcException();
        }
        var page = ParcelMapping.ToFilter(request) is { } filter
            ? await RichErrors.ListPage(() => history.ListAsync(filter, request.PageSize, NullIfEmpty(request.PageToken), token))
            : await RichErrors.ListPage(() => history.ListAsync(request.ParcelId, request.PageSize, NullIfEmpty(request.PageToken), token));
        var response = new ListEvaluationsResponse { NextPageToken = page.NextPageToken ?? "" };
        var models = new Dictionary<string, Engine.Model.ScoringModel?>(StringComparer.Ordinal);
        var language = context.RequestedLanguage();
        foreach (var (_, e) in page.Evaluations)
        {
            var record = e.ToProto();
            if (language is { } l) record.AddLabels(l);
            if (!models.TryGetValue(e.ModelVersion, out var model)) models[e.ModelVersion] = model = await ModelOrNullAsync(e.ModelVersion, token);
            if (model is not null)
                foreach (var el in Reports.RecordedInputs.Elements(model, e.ParcelId, e.InputsJson))
                    record.Elements.Add(new ElementScore { Code = el.Code, Name = el.Name, Weight = el.Weight, Score = el.Score, Missing = el.Missing });
            response.Evaluations.Add(record);
        }
        return response;
    }

    // A version the history names may since have been removed from the store: its records then carry no element scores.
    private async Task<Engine.Model.ScoringModel?> ModelOrNullAsync(string version, CancellationToken token)
    {
        try
        {
            return await registry.ResolveAsync(version, token);
        }
        catch (Models.ModelNotFoundException)
        {
            return null;
        }
    }

    [Authorize(Policy = Roles.Reader)]
    public override async Task<ListValueHistoryResponse> ListValueHistory(ListValueHistoryRequest request, ServerCallContext context)
    {
        RequireId(request.ParcelId, "parcel_id");
        if (string.IsNullOrEmpty(request.Code))
            throw RichErrors.InvalidArgument([new("code", "is required")], RichErrors.Reasons.InvalidRequest).ToRpcException();
        var values = await parcels.ValueHistoryAsync(request.ParcelId, request.Code, context.CancellationToken);
        if (values.Count == 0 && await parcels.GetAsync(request.ParcelId, cancellationToken: context.CancellationToken) is null)
            throw NotFound(request.ParcelId);
        return new ListValueHistoryResponse { Values = { values.Select(v => v.ToProto(ParcelMapping.KindOf(v))) } };
    }

    [Authorize(Policy = Roles.Reader)]
    public override async Task EvaluateStored(EvaluateStoredRequest request, IServerStreamWriter<BatchEvaluateResponse> responseStream, ServerCallContext context)
    {
        var token = context.CancellationToken;
        var violations = new List<FieldViolation>();
        if (!System.Enum.IsDefined(request.Level)) violations.Add(new("level", $"{(int)request.Level} is not a Level value"));
        if (request.ChunkSize is < 0 or > ScoringGrpcService.MaxChunkParcels)
            violations.Add(new("chunk_size", $"must be 0 (for {DefaultStoredChunk}) to {ScoringGrpcService.MaxChunkParcels}, got {request.ChunkSize}"));
        if (violations.Count > 0) throw RichErrors.InvalidArgument(violations, RichErrors.Reasons.InvalidRequest).ToRpcException();

        // The model is fixed when the stream opens.
        var model = await registry.ResolveOrRefuseAsync(request.ModelVersion, token);
        var session = evaluations.Open(model, request.RecordHistory,
            robustness: request.View.WantsRobustness() ? await draws.BatchForAsync(model, token) : null);
        var results = new ChunkResults(full: request.View.IsFull());
        results.Start(0);
        var selection = new ParcelFilter(NullIfEmpty(request.UnitId), NullIfEmpty(request.Street), request.Level == Level.Unspecified ? null : (int)request.Level);
        await foreach (var _ in evaluations.EvaluateStoredAsync(session, selection, request.ChunkSize == 0 ? DefaultStoredChunk : request.ChunkSize, results, token))
            await results.SendAsync(responseStream, token);
    }

    [Authorize(Policy = Roles.Reader)]
    public override async Task<EvaluateParcelsResponse> EvaluateParcels(EvaluateParcelsRequest request, ServerCallContext context)
    {
        var token = context.CancellationToken;
        // The whole request is refused when it is over the chunk limit; within it, each parcel is answered alone.
        if (ChunkEvaluation.OverLimit(ChunkEvaluation.Size(request.Parcels, request.Columns), "the request") is { } tooMany)
            throw RichErrors.InvalidArgument([tooMany], RichErrors.Reasons.InvalidRequest).ToRpcException();
        var model = await registry.ResolveOrRefuseAsync(request.ModelVersion, token);
        var session = evaluations.Open(model, request.RecordHistory,
            robustness: request.View.WantsRobustness() ? await draws.BatchForAsync(model, token) : null);
        var results = new ChunkResults(full: request.View.IsFull());
        await ChunkEvaluation.EvaluateAsync(evaluations, session, request.Parcels, request.Columns, results, new ChunkBuffers(), token);
        return new EvaluateParcelsResponse { Results = { results.Response.Results }, ModelVersion = model.Version };
    }

    [Authorize(Policy = Roles.Reader)]
    public override async Task<ListUnitsResponse> ListUnits(ListUnitsRequest request, ServerCallContext context)
    {
        var page = await RichErrors.ListPage(() => units.ListAsync(request.PageSize, NullIfEmpty(request.PageToken), context.CancellationToken));
        return new ListUnitsResponse { Units = { page.Units.Select(u => u.ToProto()) }, NextPageToken = page.NextPageToken ?? "" };
    }

    private static void RequireId(string id, string field)
    {
        if (ParcelReader.ParcelIdProblem(id) is { } reason)
            throw RichErrors.InvalidArgument([new(field, reason)], RichErrors.Reasons.InvalidRequest).ToRpcException();
    }

    private static RpcException NotFound(string id) =>
        RichErrors.NotFound("scoring.v1.Parcel", id, RichErrors.Reasons.ParcelNotFound, $"parcel '{id}' is not in the indicator cache").ToRpcException();

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
