using System.Globalization;
using Scoring.Engine.Model;
using Scoring.Storage.Evaluations;
using Scoring.Storage.Units;

namespace Scoring.Server.Reports;

/// <summary>How a management unit's industrial land share compares with the model's norm for its level.</summary>
/// <param name="Name">The unit's name.</param>
/// <param name="Level">The unit's level.</param>
/// <param name="TotalAreaMu">The unit's total area in 亩.</param>
/// <param name="IndustrialAreaMu">Its industrial land in 亩.</param>
/// <param name="Share">Industrial over total.</param>
/// <param name="Norm">The norm in words.</param>
/// <param name="MeetsNorm">Whether the share meets it.</param>
public sealed record UnitLandUse(string Name, ParcelLevel Level, double TotalAreaMu, double IndustrialAreaMu, double Share, string Norm, bool MeetsNorm);

/// <summary>One unit's roll-up, with its land-use check when the unit's areas are known.</summary>
/// <param name="Group">The unit's latest evaluations.</param>
/// <param name="LandUse">Its industrial land share against the norm; null when the unit or its areas are not known.</param>
public sealed record UnitSummary(EvaluationGroup Group, UnitLandUse? LandUse);

/// <summary>The latest evaluation of each parcel under one model version, rolled up.</summary>
/// <param name="ModelVersion">The model version.</param>
/// <param name="Total">Every parcel.</param>
/// <param name="ByLevel">By level (parcels evaluated before levels were kept count as unspecified).</param>
/// <param name="ByUnit">By management unit.</param>
/// <param name="ByStreet">By street.</param>
public sealed record DistrictSummary(string ModelVersion, EvaluationGroup Total, IReadOnlyList<(ParcelLevel Level, EvaluationGroup Group)> ByLevel,
    IReadOnlyList<UnitSummary> ByUnit, IReadOnlyList<EvaluationGroup> ByStreet);

/// <summary>Roll-ups of the evaluation history for planners: by level, management unit and street, with the land-use norms.</summary>
public sealed class DistrictReports(IEvaluationStore history, IUnitStore units)
{
    /// <summary>Rolls up the latest evaluations under <paramref name="model"/>, checking units against its land-use norms.</summary>
    public async Task<DistrictSummary> SummarizeAsync(ScoringModel model, CancellationToken cancellationToken)
    {
        var summary = await history.SummarizeAsync(model.Version, cancellationToken);
        var known = (await units.ListAllAsync(cancellationToken)).ToDictionary(u => u.UnitId, StringComparer.Ordinal);
        var norms = model.Document.LandUseNorms;
        var byLevel = summary.ByLevel
            .Select(g => ((ParcelLevel)(g.Key.Length == 0 ? 0 : int.Parse(g.Key, CultureInfo.InvariantCulture)), g))
            .ToList();
        var byUnit = summary.ByUnit
            .Select(g => new UnitSummary(g, known.TryGetValue(g.Key, out var unit) ? LandUse(unit, norms) : null))
            .ToList();
        return new DistrictSummary(model.Version, summary.Total, byLevel, byUnit, summary.ByStreet);
    }

    private static UnitLandUse? LandUse(ManagementUnit unit, LandUseNorms norms)
    {
        if (unit is not { TotalAreaMu: > 0 and var total, IndustrialAreaMu: { } industrial }) return null;
        var share = industrial / total;
        var level = (ParcelLevel)(unit.Level ?? 0);
        var (norm, meets) = norms.Check(level, share);
        return new UnitLandUse(unit.Name ?? "", level, total, industrial, share, norm, meets);
    }
}
