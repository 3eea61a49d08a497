using Microsoft.AspNetCore.Authorization;
using Scoring.Server.Security;
using Grpc.Core;
using Scoring.Engine.Ahp;
using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using Scoring.Server.Models;
using Scoring.Server.Identification;
using Scoring.V1;

namespace Scoring.Server.Grpc;

/// <summary>scoring.v1.ScoringService: maps messages to the engine and back.</summary>
internal sealed class ScoringGrpcService(ModelCatalog models, ModelRegistry registry, ParcelEvaluations evaluations, WeightUpdates updates,
    WeightDrawSource draws)
    : ScoringService.ScoringServiceBase
{
    /// <summary>The most parcels one BatchEvaluate chunk may carry.</summary>
    public const int MaxChunkParcels = ChunkEvaluation.MaxChunkParcels;

    [Authorize(Policy = Roles.Reader)]
    public override async Task<EvaluateParcelResponse> EvaluateParcel(EvaluateParcelRequest request, ServerCallContext context)
    {
        var token = context.CancellationToken;
        var model = await registry.ResolveOrRefuseAsync(request.ModelVersion, token);
        if (request.Parcel is null)
            throw RichErrors.InvalidArgument([new FieldViolation("parcel", "is required")], RichErrors.Reasons.InvalidRequest).ToRpcException();
        var session = evaluations.Open(model, record: !request.SkipHistory, groupCommit: true,
            request.View.WantsRobustness() ? await draws.BatchForAsync(model, token) : null);
        var result = new SingleResult(full: request.View != EvaluationView.Basic);
        await evaluations.EvaluateAsync(session, [request.Parcel.ToFacts()], result, token);
        if (result.Error is { } error) throw error.ToRpcException();
        if (context.RequestedLanguage() is { } language) result.Evaluation!.AddLabels(language);
        return new EvaluateParcelResponse { Evaluation = result.Evaluation };
    }

    [Authorize(Policy = Roles.Reader)]
    public override async Task BatchEvaluate(IAsyncStreamReader<BatchEvaluateRequest> requestStream,
        IServerStreamWriter<BatchEvaluateResponse> responseStream, ServerCallContext context)
    {
        var token = context.CancellationToken;
        var activeAtOpen = models.Active;
        EvaluationSession? session = null;
        ChunkResults? results = null;
        var buffers = new ChunkBuffers();
        var chunkIndex = 0;
        while (await requestStream.MoveNext(token))
        {
            var chunk = requestStream.Current;
            if (session is null)
            {
                // The model, the view and the history flag are fixed by the first chunk for the whole stream.
                var model = chunk.ModelVersion.Length == 0 ? activeAtOpen : await registry.ResolveOrRefuseAsync(chunk.ModelVersion, token);
                session = evaluations.Open(model, record: chunk.RecordHistory,
                    robustness: chunk.View.WantsRobustness() ? await draws.BatchForAsync(model, token) : null);
                results = new ChunkResults(full: chunk.View.IsFull());
            }
            if (ChunkEvaluation.OverLimit(ChunkEvaluation.Size(chunk.Parcels, chunk.Columns), $"chunk {chunkIndex}") is { } tooMany)
            {
                // Refused alone, like an UpsertParcels chunk: the stream goes on with the next chunk.
                await responseStream.WriteAsync(new BatchEvaluateResponse
                {
                    ChunkError = RichErrors.InvalidArgument([tooMany], RichErrors.Reasons.InvalidRequest),
                }, token);
                chunkIndex++;
                continue;
            }

            await ChunkEvaluation.EvaluateAsync(evaluations, session, chunk.Parcels, chunk.Columns, results!, buffers, token);
            await results!.SendAsync(responseStream, token);
            chunkIndex++;
        }
    }

    [Authorize(Policy = Roles.Admin)]
    public override async Task<UpdateWeightsResponse> UpdateWeights(UpdateWeightsRequest request, ServerCallContext context)
    {
        var token = context.CancellationToken;
        var requestId = RequestIds.Identify(request, request.RequestId, r => r.RequestId = "");
        RichErrors.RequireText([("note", request.Note, ParcelText.MaxNoteLength, true),
            .. (request.SourceCase == UpdateWeightsRequest.SourceOneofCase.Judgments ? request.Judgments.Matrices : [])
                .Select((m, i) => ($"judgments.matrices[{i}].expert", (string?)m.Expert, ParcelText.MaxExpertLength, false))]);
        var baseModel = await registry.ResolveOrRefuseAsync(request.BaseVersion, token);
        var options = new UpdateOptions(request.DryRun, request.Activate, context.CallerName(), request.Note,
            request.ExpectedActiveVersion.Length > 0 ? request.ExpectedActiveVersion : null, request.ImpactParcelLimit, requestId);
        WeightUpdateResult result;
        try
        {
            result = request.SourceCase switch
            {
                UpdateWeightsRequest.SourceOneofCase.Weights => await updates.FromTableAsync(baseModel,
                    [.. request.Weights.Weights.Select(w => new GroupWeight(w.Group, w.Code, w.Weight_))], options, token),
                UpdateWeightsRequest.SourceOneofCase.Judgments => await updates.FromJudgmentsAsync(baseModel,
                    [.. request.Judgments.Matrices.Select(m => new PairwiseComparison(m.Group, [.. m.Items], [.. m.Values], m.Expert))], options, token),
                _ => throw new WeightUpdateRejected([new("source", "give either weights (a weight table) or judgments (AHP judgment matrices)")]),
            };
        }
        catch (WeightUpdateRejected e)
        {
            throw RichErrors.InvalidArgument([.. e.Violations], RichErrors.Reasons.InvalidWeights).ToRpcException();
        }
        catch (InconsistentJudgments e)
        {
            throw ModelMapping.Inconsistent(e.Groups).ToRpcException();
        }
        catch (Storage.Models.ActiveVersionChangedException e)
        {
            throw ModelMapping.ActiveChanged(e.ExpectedVersion, e.ActiveVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "").ToRpcException();
        }
        catch (Storage.Models.RequestIdReusedException e)
        {
            throw RequestIds.Reused(e.RequestId).ToRpcException();
        }

        var response = new UpdateWeightsResponse
        {
            ModelVersion = result.Stored is null ? "" : result.Model.Version,
            Weights = { ModelWeights.All(result.Document).Select(ModelMapping.ToProto) },
            Impact = result.Impact.ToProto(),
        };
        response.Consistency.AddRange(result.Judged.SelectMany(ModelMapping.ToProto));
        return response;
    }
}
