using Microsoft.AspNetCore.Authorization;
using Scoring.Server.Security;
using Grpc.Core;
using Scoring.Engine.Ahp;
using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using Scoring.Server.Models;
using Scoring.Server.Parcels;
using Scoring.V1;

namespace Scoring.Server.Grpc;

/// <summary>scoring.v1.ScoringService: maps messages to the engine and back.</summary>
internal sealed class ScoringGrpcService(ModelCatalog models, ModelRegistry registry, ParcelEvaluations evaluations, WeightUpdates updates, ImpactAnalysis impact,
    Operations.ScoringMetrics metrics)
    : ScoringService.ScoringServiceBase
{
    /// <summary>The most parcels one BatchEvaluate chunk may carry.</summary>
    public const int MaxChunkParcels = 10_000;

    [Authorize(Policy = Roles.Reader)]
    public override async Task<EvaluateParcelResponse> EvaluateParcel(EvaluateParcelRequest request, ServerCallContext context)
    {
        var token = context.CancellationToken;
        var model = await ResolveModelAsync(request.ModelVersion, token);
        if (request.Parcel is null)
            throw RichErrors.InvalidArgument([new FieldViolation("parcel", "is required")], RichErrors.Reasons.InvalidRequest).ToRpcException();
        var parcel = await evaluations.PrepareAsync(model, request.Parcel, token);
        var assessment = ParcelAssessor.Assess(model, parcel.Facts, "parcel.");
        if (!assessment.Succeeded)
            throw RichErrors.InvalidArgument([.. assessment.Violations], RichErrors.Reasons.InvalidParcel).ToRpcException();
        if (!parcel.Known) throw UnknownParcel(parcel.ParcelId).ToRpcException();
        var result = assessment.Result!;
        metrics.Evaluated(result.Classification);
        if (!request.SkipHistory) await evaluations.RecordAsync(parcel, result.Verdict, token);
        var staleBefore = evaluations.StaleBefore(model);
        var full = request.View != EvaluationView.Basic;
        return new EvaluateParcelResponse { Evaluation = result.ToProto(model, full, s => parcel.Describe(s, staleBefore)) };
    }

    [Authorize(Policy = Roles.Reader)]
    public override async Task BatchEvaluate(IAsyncStreamReader<BatchEvaluateRequest> requestStream,
        IServerStreamWriter<BatchEvaluateResponse> responseStream, ServerCallContext context)
    {
        var token = context.CancellationToken;
        var activeAtOpen = models.Active;
        ChunkEvaluator? evaluator = null;
        var record = false;
        var chunkIndex = 0;
        while (await requestStream.MoveNext(token))
        {
            var chunk = requestStream.Current;
            if (evaluator is null)
            {
                // The model, the view and the history flag are fixed by the first chunk for the whole stream.
                var model = chunk.ModelVersion.Length == 0 ? activeAtOpen : await ResolveModelAsync(chunk.ModelVersion, token);
                evaluator = new ChunkEvaluator(model, chunk.View == EvaluationView.Full, evaluations.StaleBefore(model), metrics);
                record = chunk.RecordHistory;
            }
            var size = chunk.Parcels.Count + (chunk.Columns?.Rows.Count ?? 0);
            if (size > MaxChunkParcels)
                throw RichErrors.InvalidArgument(
                    [new FieldViolation("parcels", $"chunk {chunkIndex} carries {size} parcels; at most {MaxChunkParcels} are allowed per chunk")],
                    RichErrors.Reasons.InvalidRequest).ToRpcException();

            var response = new BatchEvaluateResponse();
            if (chunk.Parcels.Count > 0)
            {
                var prepared = await evaluations.PrepareManyAsync(evaluator.Model, chunk.Parcels, token);
                var evaluated = record ? new List<(PreparedParcel, Verdict)>(prepared.Length) : null;
                for (var i = 0; i < prepared.Length; i++) response.Results.Add(evaluator.Evaluate(prepared[i], i, evaluated));
                // The chunk's history is committed before its results are sent: what a client saw is recorded.
                if (evaluated is { Count: > 0 }) await evaluations.RecordAsync(evaluated, token);
            }
            if (chunk.Columns is { } columns)
            {
                var rows = record ? new List<Storage.Evaluations.EvaluationRecord>(columns.Rows.Count) : null;
                evaluator.EvaluateColumns(columns, response, rows, evaluations.Now);
                if (rows is { Count: > 0 }) await evaluations.AppendAsync(rows, token);
            }
            evaluator.FlushMetrics();
            await responseStream.WriteAsync(response, token);
            chunkIndex++;
        }
    }

    [Authorize(Policy = Roles.Admin)]
    public override async Task<UpdateWeightsResponse> UpdateWeights(UpdateWeightsRequest request, ServerCallContext context)
    {
        var token = context.CancellationToken;
        var baseModel = await ResolveModelAsync(request.BaseVersion, token);
        if (request.ExpectedActiveVersion.Length > 0 && request.ExpectedActiveVersion != models.Active.Version)
            throw ModelMapping.ActiveChanged(request.ExpectedActiveVersion, models.Active.Version).ToRpcException();
        var options = new UpdateOptions(request.DryRun, request.Activate, context.CallerName(), request.Note,
            request.ExpectedActiveVersion.Length > 0 ? request.ExpectedActiveVersion : null);
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

        var response = new UpdateWeightsResponse
        {
            ModelVersion = result.Stored is null ? "" : result.Model.Version,
            Weights = { ModelWeights.All(result.Document).Select(ModelMapping.ToProto) },
            Impact = await impact.PreviewAsync(baseModel, result.Model, request.ImpactParcelLimit, token),
        };
        response.Consistency.AddRange(result.Judged.SelectMany(ModelMapping.ToProto));
        return response;
    }

    /// <summary>NOT_FOUND for a parcel given by id that the cache does not hold.</summary>
    internal static Google.Rpc.Status UnknownParcel(string id) => RichErrors.NotFound("scoring.v1.Parcel", id, RichErrors.Reasons.ParcelNotFound,
        $"parcel '{id}' is not in the indicator cache and the request carries nothing but its id");

    private async ValueTask<ScoringModel> ResolveModelAsync(string version, CancellationToken token)
    {
        try
        {
            return await registry.ResolveAsync(version, token);
        }
        catch (ModelNotFoundException)
        {
            throw RichErrors.UnknownModel(version).ToRpcException();
        }
    }
}
