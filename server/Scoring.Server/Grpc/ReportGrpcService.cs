using Microsoft.AspNetCore.Authorization;
using Scoring.Server.Security;
using Grpc.Core;
using Scoring.Server.Models;
using Scoring.Storage.Evaluations;
using Scoring.Storage.Parcels;
using Scoring.V1;

namespace Scoring.Server.Grpc;

/// <summary>scoring.v1.ReportService: roll-ups by level, unit and street.</summary>
internal sealed class ReportGrpcService(ModelRegistry registry, EvaluationStore history, ParcelStore parcels)
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
        var version = model.Version;
        var summary = await history.SummarizeAsync(version, context.CancellationToken);
        var units = (await parcels.ListUnitsAsync(context.CancellationToken)).ToDictionary(u => u.UnitId, StringComparer.Ordinal);
        var norms = model.Document.LandUseNorms;

        var response = new SummarizeEvaluationsResponse { ModelVersion = version, Total = ToProto(summary.Total) };
        // Levels are keyed by their proto names (LEVEL_PARK, …); evaluations from before levels were kept count as unspecified.
        var levelNames = ParcelReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.EnumDescriptor>("Level");
        response.ByLevel.AddRange(summary.ByLevel.Select(g => ToProto(g with
        {
            Key = levelNames.FindValueByNumber(g.Key.Length == 0 ? 0 : int.Parse(g.Key, System.Globalization.CultureInfo.InvariantCulture)).Name,
        })));
        foreach (var g in summary.ByUnit)
        {
            var group = ToProto(g);
            if (units.TryGetValue(g.Key, out var unit) && unit.TotalAreaMu is > 0 && unit.IndustrialAreaMu is { } industrial)
                group.LandUse = LandUse(unit, industrial, norms);
            response.ByUnit.Add(group);
        }
        response.ByStreet.AddRange(summary.ByStreet.Select(ToProto));
        return response;
    }

    private static UnitLandUse LandUse(Storage.Parcels.ManagementUnit unit, double industrial, Engine.Model.LandUseNorms norms)
    {
        var share = industrial / unit.TotalAreaMu!.Value;
        var level = (Level)(unit.Level ?? 0);
        var (norm, meets) = norms.Check((Engine.Model.ParcelLevel)(unit.Level ?? 0), share);
        return new UnitLandUse
        {
            Name = unit.Name ?? "", Level = level, TotalAreaMu = unit.TotalAreaMu.Value, IndustrialAreaMu = industrial,
            IndustrialShare = share, Norm = norm, MeetsNorm = meets,
        };
    }

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
