using Microsoft.AspNetCore.Authorization;
using Scoring.Server.Security;
using Grpc.Core;
using Scoring.Server.Models;
using Scoring.Storage.Evaluations;
using Scoring.Storage.Parcels;
using Scoring.V1;

namespace Scoring.Server.Grpc;

/// <summary>The paper's norms for a management unit's industrial land share (configurable under Scoring:LandUseNorms).</summary>
public sealed record LandUseNorms
{
    /// <summary>A park's industrial land share should exceed this.</summary>
    public double ParkMinimumShare { get; init; } = 0.6;
    /// <summary>A community's industrial land share is kept around this…</summary>
    public double CommunityTargetShare { get; init; } = 0.5;
    /// <summary>…within this many points either side.</summary>
    public double CommunityTolerance { get; init; } = 0.1;
}

/// <summary>scoring.v1.ReportService: roll-ups by level, unit and street.</summary>
internal sealed class ReportGrpcService(ModelRegistry registry, EvaluationStore history, ParcelStore parcels, IConfiguration configuration)
    : ReportService.ReportServiceBase
{
    [Authorize(Policy = Roles.Reader)]
    public override async Task<SummarizeEvaluationsResponse> SummarizeEvaluations(SummarizeEvaluationsRequest request, ServerCallContext context)
    {
        string version;
        try
        {
            version = (await registry.ResolveAsync(request.ModelVersion, context.CancellationToken)).Version;
        }
        catch (ModelNotFoundException)
        {
            throw RichErrors.UnknownModel(request.ModelVersion).ToRpcException();
        }
        var summary = await history.SummarizeAsync(version, context.CancellationToken);
        var units = (await parcels.ListUnitsAsync(context.CancellationToken)).ToDictionary(u => u.UnitId, StringComparer.Ordinal);
        var norms = configuration.GetSection("Scoring:LandUseNorms").Get<LandUseNorms>() ?? new LandUseNorms();

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

    private static UnitLandUse LandUse(Storage.Parcels.ManagementUnit unit, double industrial, LandUseNorms norms)
    {
        var share = industrial / unit.TotalAreaMu!.Value;
        var level = (Level)(unit.Level ?? 0);
        var (norm, meets) = level switch
        {
            Level.Park => ($"park: industrial share > {norms.ParkMinimumShare:P0}", share > norms.ParkMinimumShare),
            Level.Community => ($"community: industrial share {norms.CommunityTargetShare:P0} ± {norms.CommunityTolerance:P0}",
                Math.Abs(share - norms.CommunityTargetShare) <= norms.CommunityTolerance + 1e-12),
            _ => ("no norm for this level", true),
        };
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
