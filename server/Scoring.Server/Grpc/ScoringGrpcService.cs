using Grpc.Core;
using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using Scoring.Server.Models;
using Scoring.V1;

namespace Scoring.Server.Grpc;

/// <summary>scoring.v1.ScoringService: maps messages to the engine and back.</summary>
internal sealed class ScoringGrpcService(ModelCatalog models) : ScoringService.ScoringServiceBase
{
    /// <summary>The most parcels one BatchEvaluate chunk may carry.</summary>
    public const int MaxChunkParcels = 10_000;

    public override Task<EvaluateParcelResponse> EvaluateParcel(EvaluateParcelRequest request, ServerCallContext context)
    {
        var model = ResolveModel(request.ModelVersion, "model_version");
        if (request.Parcel is null)
            throw RichErrors.InvalidArgument([new FieldViolation("parcel", "is required")], RichErrors.Reasons.InvalidRequest).ToRpcException();
        var assessment = ParcelAssessor.Assess(model, request.Parcel.ToFacts(), "parcel.");
        if (!assessment.Succeeded)
            throw RichErrors.InvalidArgument([.. assessment.Violations], RichErrors.Reasons.InvalidParcel).ToRpcException();
        var full = request.View != EvaluationView.Basic;
        return Task.FromResult(new EvaluateParcelResponse { Evaluation = assessment.Result!.ToProto(model, full) });
    }

    public override async Task BatchEvaluate(IAsyncStreamReader<BatchEvaluateRequest> requestStream,
        IServerStreamWriter<BatchEvaluateResponse> responseStream, ServerCallContext context)
    {
        var token = context.CancellationToken;
        ScoringModel? model = null;
        var full = false;
        var chunkIndex = 0;
        while (await requestStream.MoveNext(token))
        {
            var chunk = requestStream.Current;
            if (model is null)
            {
                // The model, the view and the history flag are fixed by the first chunk for the whole stream.
                model = ResolveModel(chunk.ModelVersion, "model_version");
                full = chunk.View == EvaluationView.Full;
            }
            if (chunk.Parcels.Count > MaxChunkParcels)
                throw RichErrors.InvalidArgument(
                    [new FieldViolation("parcels", $"chunk {chunkIndex} carries {chunk.Parcels.Count} parcels; at most {MaxChunkParcels} are allowed per chunk")],
                    RichErrors.Reasons.InvalidRequest).ToRpcException();

            var response = new BatchEvaluateResponse();
            for (var i = 0; i < chunk.Parcels.Count; i++)
            {
                var parcel = chunk.Parcels[i];
                var assessment = ParcelAssessor.Assess(model, parcel.ToFacts(), $"parcels[{i}].");
                response.Results.Add(assessment.Succeeded
                    ? new BatchResult { ParcelId = parcel.ParcelId, Evaluation = assessment.Result!.ToProto(model, full) }
                    : new BatchResult { ParcelId = parcel.ParcelId, Error = RichErrors.InvalidArgument([.. assessment.Violations], RichErrors.Reasons.InvalidParcel) });
            }
            await responseStream.WriteAsync(response, token);
            chunkIndex++;
        }
    }

    public override Task<UpdateWeightsResponse> UpdateWeights(UpdateWeightsRequest request, ServerCallContext context)
    {
        throw new RpcException(new Status(StatusCode.Unimplemented, "UpdateWeights arrives with model versioning"));
    }

    private ScoringModel ResolveModel(string version, string field)
    {
        try
        {
            return models.Resolve(version);
        }
        catch (ModelNotFoundException)
        {
            throw RichErrors.UnknownModel(version).ToRpcException();
        }
    }
}
