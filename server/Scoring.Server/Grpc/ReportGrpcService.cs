using Microsoft.AspNetCore.Authorization;
using Scoring.Server.Security;
using Grpc.Core;
using Scoring.Server.Models;
using Scoring.Storage.Evaluations;
using Scoring.Server.Reports;
using Scoring.V1;

namespace Scoring.Server.Grpc;

/// <summary>scoring.v1.ReportService: roll-ups by level, unit and street.</summary>
internal sealed class ReportGrpcService(ModelRegistry registry, DistrictReports reports)
    : ReportService.ReportServiceBase
{
    [Authorize(Policy = Roles.Reader)]
    public override async Task<SummarizeEvaluationsResponse> SummarizeEvaluations(SummarizeEvaluationsRequest request, ServerCallContext context)
    {
        Engine.Model.ScoringModel model;
        try
        {
            model = await registry.ResolveAsync(request.ModelVersion, context.CancellationToken);
        }
        catch (ModelNotFoundException)
        {
            throw RichErrors.UnknownModel(request.ModelVersion).ToRpcException();
        }
        var summary = await reports.SummarizeAsync(model, context.CancellationToken);
        var response = new SummarizeEvaluationsResponse { ModelVersion = summary.ModelVersion, Total = ToProto(summary.Total) };
        // Levels are keyed by their proto names (LEVEL_PARK, …).
        response.ByLevel.AddRange(summary.ByLevel.Select(l => ToProto(l.Group with { Key = LevelName((Level)(int)l.Level) })));
        foreach (var u in summary.ByUnit)
        {
            var group = ToProto(u.Group);
            if (u.LandUse is { } land)
                group.LandUse = new V1.UnitLandUse
                {
                    Name = land.Name, Level = (Level)(int)land.Level, TotalAreaMu = land.TotalAreaMu, IndustrialAreaMu = land.IndustrialAreaMu,
                    IndustrialShare = land.Share, Norm = land.Norm, MeetsNorm = land.MeetsNorm,
                };
            response.ByUnit.Add(group);
        }
        response.ByStreet.AddRange(summary.ByStreet.Select(ToProto));
        return response;
    }

    private static string LevelName(Level level) =>
        ParcelReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.EnumDescriptor>("Level").FindValueByNumber((int)level).Name;

    private static EvaluationGroupSummary ToProto(EvaluationGroup g)
    {
        var s = new EvaluationGroupSummary
        {
            Key = g.Key, ParcelCount = g.ParcelCount, AreaMu = g.AreaMu, MeanScore = g.MeanScore,
            InefficientCount = g.InefficientCount, InefficientAreaMu = g.InefficientAreaMu,
            InefficientAreaShare = g.AreaMu > 0 ? g.InefficientAreaMu / g.AreaMu : 0,
        };
        for (var c = 1; c < g.ClassificationCounts.Count; c++)
            if (g.ClassificationCounts[c] > 0) s.Classifications.Add(new ClassificationCount { Classification = (Classification)c, Count = g.ClassificationCounts[c] });
        for (var d = 1; d < g.DispositionCounts.Count; d++)
            if (g.DispositionCounts[d] > 0) s.Dispositions.Add(new DispositionCount { Disposition = (Disposition)d, Count = g.DispositionCounts[d] });
        return s;
    }
}
