using Microsoft.AspNetCore.Authorization;
using Scoring.Server.Security;
using Grpc.Core;
using Scoring.Server.Models;
using Scoring.Storage.Evaluations;
using Scoring.Server.Reports;
using Scoring.V1;

namespace Scoring.Server.Grpc;

/// <summary>scoring.v1.ReportService: roll-ups by level, unit and street.</summary>
internal sealed class ReportGrpcService(ModelRegistry registry, DistrictReports reports, Spatial.ClearanceReconciliation clearance)
    : ReportService.ReportServiceBase
{
    [Authorize(Policy = Roles.Reader)]
    public override async Task<SummarizeEvaluationsResponse> SummarizeEvaluations(SummarizeEvaluationsRequest request, ServerCallContext context)
    {
        var model = await registry.ResolveOrRefuseAsync(request.ModelVersion, context.CancellationToken);
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

    [Authorize(Policy = Roles.Reader)]
    public override async Task<ReconcileClearanceResponse> ReconcileClearance(ReconcileClearanceRequest request, ServerCallContext context)
    {
        var violations = new List<Engine.Evaluation.FieldViolation>();
        if (request.Quotas.Count == 0) violations.Add(new("quotas", "give at least one street's quota"));
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < request.Quotas.Count; i++)
        {
            var q = request.Quotas[i];
            if (string.IsNullOrWhiteSpace(q.Street)) violations.Add(new($"quotas[{i}].street", "is required"));
            else if (!seen.TryAdd(q.Street, i)) violations.Add(new($"quotas[{i}].street", $"'{q.Street}' is already given at quotas[{seen[q.Street]}]"));
            else Engine.Evaluation.ParcelText.Check("street", q.Street, Engine.Evaluation.ParcelText.MaxStreetLength, violations, $"quotas[{i}].");
            if (!(double.IsFinite(q.QuotaMu) && q.QuotaMu >= 0)) violations.Add(new($"quotas[{i}].quota_mu", "must be a finite number of 亩, not negative"));
            for (var j = 0; j < q.ClearedParcelIds.Count; j++)
                if (Engine.Evaluation.ParcelReader.ParcelIdProblem(q.ClearedParcelIds[j]) is { } problem)
                    violations.Add(new($"quotas[{i}].cleared_parcel_ids[{j}]", problem));
        }
        if (violations.Count > 0) throw RichErrors.InvalidArgument(violations, RichErrors.Reasons.InvalidRequest).ToRpcException();
        var model = await registry.ResolveOrRefuseAsync(request.ModelVersion, context.CancellationToken);
        var report = await clearance.ReconcileAsync(model,
            [.. request.Quotas.Select(q => new Spatial.StreetQuota(q.Street, q.QuotaMu, [.. q.ClearedParcelIds]))], context.CancellationToken);
        var response = new ReconcileClearanceResponse { ModelVersion = report.ModelVersion, UnknownParcelIds = { report.UnknownParcelIds } };
        foreach (var s in report.Streets)
        {
            response.Streets.Add(new StreetClearance
            {
                Street = s.Street, QuotaMu = s.QuotaMu, MustMu = s.MustMu, EncouragedMu = s.EncouragedMu, ConsideredMu = s.ConsideredMu,
                ClearedMu = s.ClearedMu, ShortfallMu = s.ShortfallMu, SurplusMu = s.SurplusMu, RemainingZoneMu = s.RemainingZoneMu,
                SupplementaryNeededMu = s.SupplementaryNeededMu, CompensationMu = s.CompensationMu, ZoneParcelCount = s.ZoneParcelCount,
            });
            response.TotalQuotaMu += s.QuotaMu;
            response.TotalClearedMu += s.ClearedMu;
            response.TotalShortfallMu += s.ShortfallMu;
            response.TotalCompensationMu += s.CompensationMu;
        }
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
            ContestedCount = g.ContestedCount, ContestedAreaMu = g.ContestedAreaMu, RobustnessKnownCount = g.RobustnessKnownCount,
        };
        for (var c = 1; c < g.ClassificationCounts.Count; c++)
            if (g.ClassificationCounts[c] > 0) s.Classifications.Add(new ClassificationCount { Classification = (Classification)c, Count = g.ClassificationCounts[c] });
        for (var d = 1; d < g.DispositionCounts.Count; d++)
            if (g.DispositionCounts[d] > 0) s.Dispositions.Add(new DispositionCount { Disposition = (Disposition)d, Count = g.DispositionCounts[d] });
        return s;
    }
}
