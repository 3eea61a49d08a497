using Scoring.V1;

namespace Scoring.Cli.Output;

/// <summary>
/// The columns of a district list (名单, <c>scoring list</c>): parcel_id, street, unit_id, level, area_mu, score,
/// classification, disposition, clearance_zone, failed_vetoes, top_shortfalls, redevelopment_modes, model_version,
/// evaluate_time.
/// </summary>
internal static class ListColumns
{
    /// <summary>The columns, headed and worded in <paramref name="labels"/>; <paramref name="nameOf"/> names a veto or indicator code in Chinese.</summary>
    public static IReadOnlyList<FileColumn<EvaluationRecord>> For(Labels labels, Func<string, string> nameOf)
    {
        var zh = labels == Labels.Zh;
        IEnumerable<string> Named(IEnumerable<string> codes) => zh ? codes.Select(nameOf) : codes;
        return
        [
            new(zh ? "地块编号" : "parcel_id", "parcel_id", r => r.ParcelId),
            new(zh ? "街道" : "street", "street", r => r.Street),
            new(zh ? "片区" : "unit_id", "unit_id", r => r.UnitId),
            new(zh ? "层级" : "level", "level", r => r.Level == Level.Unspecified ? "" : Verdicts.Term(r.Level, labels)),
            new(zh ? "面积(亩)" : "area_mu", "area_mu", r => Cells.Round(r.AreaMu), CellKind.Number),
            new(zh ? "综合得分" : "score", "score", r => Cells.Round(r.Score), CellKind.Number),
            new(zh ? "认定结果" : "classification", "classif", r => Verdicts.Term(r.Classification, labels)),
            new(zh ? "处置类型" : "disposition", "disposit", r => Verdicts.Term(r.Disposition, labels)),
            new(zh ? "清退分区" : "clearance_zone", "clearance", r => Verdicts.Term(r.ClearanceZone, labels)),
            new(zh ? "否决项" : "failed_vetoes", "vetoes", r => Verdicts.Join(Named(r.FailedVetoes), labels)),
            new(zh ? "主要短板" : "top_shortfalls", "shortfalls", r => Verdicts.Join(Named(r.TopShortfalls), labels)),
            new(zh ? "建议改造模式" : "redevelopment_modes", "modes", r => Verdicts.Terms(r.RedevelopmentModes, labels)),
            new(zh ? "模型版本" : "model_version", "model", r => r.ModelVersion),
            new(zh ? "评价时间" : "evaluate_time", "evaluated", r => r.EvaluateTime?.ToDateTimeOffset(), CellKind.Time),
        ];
    }
}
