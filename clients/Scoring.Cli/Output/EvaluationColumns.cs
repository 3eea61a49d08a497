using Scoring.Cli.Input;
using Scoring.V1;

namespace Scoring.Cli.Output;

/// <summary>
/// The columns of an evaluation file (evaluate, evaluate --stored): parcel_id, score, classification, disposition,
/// completeness, one score per element, failed_vetoes, clearance_zone, redevelopment_modes, warnings; with robustness,
/// p_below_threshold, ci_low, ci_high, stable, critical_element, critical_weight_change.
/// </summary>
internal static class EvaluationColumns
{
    /// <summary>The columns for a model's <paramref name="elements"/>, headed and worded in <paramref name="labels"/>.</summary>
    /// <param name="elements">The model's elements, in model order.</param>
    /// <param name="labels">English (the CSV headers and contract terms) or Chinese.</param>
    /// <param name="nameOf">The Chinese name of a veto code, for Chinese labels.</param>
    /// <param name="place">
    /// Whether the parcel's place follows its id (street, unit_id, level, area_mu): for the GIS files, whose features are
    /// opened one by one on a map.
    /// </param>
    /// <param name="robustness">Add the columns of the robustness view.</param>
    public static IReadOnlyList<FileColumn<Evaluation>> For(IReadOnlyList<ModelElement> elements, Labels labels, Func<string, string> nameOf,
        bool place = false, bool robustness = false)
    {
        var zh = labels == Labels.Zh;
        List<FileColumn<Evaluation>> columns = [new(zh ? "地块编号" : "parcel_id", "parcel_id", e => e.ParcelId)];
        if (place)
        {
            columns.AddRange(
            [
                new(zh ? "街道" : "street", "street", e => e.Street),
                new(zh ? "片区" : "unit_id", "unit_id", e => e.UnitId),
                new(zh ? "层级" : "level", "level", e => e.Level == Level.Unspecified ? "" : Verdicts.Term(e.Level, labels)),
                new(zh ? "面积(亩)" : "area_mu", "area_mu", e => Cells.Round(e.AreaMu), CellKind.Number),
            ]);
        }
        columns.AddRange(
        [
            new(zh ? "综合得分" : "score", "score", e => Cells.Round(e.Score), CellKind.Number),
            new(zh ? "认定结果" : "classification", "classif", e => Verdicts.Term(e.Classification, labels)),
            new(zh ? "处置类型" : "disposition", "disposit", e => Verdicts.Term(e.Disposition, labels)),
            new(zh ? "数据完整度" : "completeness", "complete", e => Cells.Round(e.Completeness), CellKind.Number),
        ]);
        foreach (var element in elements)
        {
            var code = element.Code;
            columns.Add(new(zh ? element.Name : code, Field(code), e => ElementScore(e, code) is { } s ? Cells.Round(s) : null, CellKind.Number));
        }
        columns.AddRange(
        [
            new(zh ? "否决项" : "failed_vetoes", "vetoes", e => Verdicts.Join(zh ? e.FailedVetoes.Select(nameOf) : e.FailedVetoes, labels)),
            new(zh ? "清退分区" : "clearance_zone", "clearance", e => Verdicts.Term(e.ClearanceZone, labels)),
            new(zh ? "建议改造模式" : "redevelopment_modes", "modes", e => Verdicts.Terms(e.RedevelopmentModes.Select(m => m.Mode), labels)),
            new(zh ? "提示" : "warnings", "warnings", e => Verdicts.Join(e.Warnings, labels)),
        ]);
        if (robustness)
        {
            columns.AddRange(
            [
                new(zh ? "低于阈值概率" : "p_below_threshold", "p_below", e => e.Robustness is { } r ? Cells.Round(r.PBelowThreshold) : null, CellKind.Number),
                new(zh ? "置信下限" : "ci_low", "ci_low", e => e.Robustness is { } r ? Cells.Round(r.CiLow) : null, CellKind.Number),
                new(zh ? "置信上限" : "ci_high", "ci_high", e => e.Robustness is { } r ? Cells.Round(r.CiHigh) : null, CellKind.Number),
                new(zh ? "结论稳定" : "stable", "stable", e => e.Robustness is { } r ? (r.Stable ? (zh ? "是" : "yes") : (zh ? "否" : "no")) : null),
                new(zh ? "关键要素" : "critical_element", "critical", e => e.Robustness?.CriticalElement),
                new(zh ? "关键权重变化" : "critical_weight_change", "delta", e => e.Robustness is { CriticalElement.Length: > 0 } r ? Cells.Round(r.CriticalWeightChange) : null,
                    CellKind.Number),
            ]);
        }
        return columns;
    }

    /// <summary>A code as a Shapefile field name: its first 10 characters.</summary>
    public static string Field(string code) => code.Length <= FileColumn<Evaluation>.MaxShapefileField ? code : code[..FileColumn<Evaluation>.MaxShapefileField];

    /// <summary>The score of element <paramref name="code"/>, or null when it is missing from the evaluation or had no data.</summary>
    public static double? ElementScore(Evaluation e, string code)
    {
        foreach (var el in e.Elements)
            if (el.Code == code) return el.Missing ? null : el.Score;
        return null;
    }
}
