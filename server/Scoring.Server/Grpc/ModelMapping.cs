using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Scoring.Engine.Ahp;
using Scoring.Engine.Model;
using Scoring.Server.Models;
using Scoring.Storage.Models;
using Scoring.V1;

namespace Scoring.Server.Grpc;

/// <summary>Maps model versions, weights, consistency figures and their errors to contract messages.</summary>
internal static class ModelMapping
{
    /// <summary>The caller's name for authorship and audit: the authenticated identity, else "anonymous".</summary>
    public static string CallerName(this ServerCallContext context) =>
        context.GetHttpContext().User.Identity?.Name is { Length: > 0 } name ? name : "anonymous";

    /// <summary>One weight.</summary>
    public static Weight ToProto(GroupWeight w) => new() { Group = w.Group, Code = w.Code, Weight_ = w.Weight };

    /// <summary>A group's combined consistency, then each expert's (when several judged).</summary>
    public static IEnumerable<GroupConsistency> ToProto(GroupWeights g)
    {
        yield return Consistency(g.Combined, expert: "");
        if (g.Experts.Length > 1)
            foreach (var e in g.Experts) yield return Consistency(e, e.Expert);
    }

    private static GroupConsistency Consistency(PairwisePriorities p, string expert) => new()
    {
        Group = p.Group,
        Expert = expert,
        LambdaMax = p.LambdaMax,
        Ci = p.ConsistencyIndex,
        Cr = p.ConsistencyRatio,
        Items = { p.Items },
        Weights = { p.Weights },
    };

    /// <summary>A stored version as the contract shows it.</summary>
    public static V1.Model ToProto(StoredModel stored, ScoringModel model, bool active)
    {
        var m = new V1.Model
        {
            Version = ModelRegistry.Key(stored.Version),
            ParentVersion = stored.ParentVersion is { } p ? ModelRegistry.Key(p) : "",
            Author = stored.Author,
            CreateTime = Timestamp.FromDateTimeOffset(stored.CreatedAt),
            Note = stored.Note,
            Active = active,
            ModelId = model.Document.Id,
            Name = model.Document.Name,
            Threshold = model.Threshold,
            ReviewBand = model.ReviewBand,
            MinCompleteness = model.MinCompleteness,
            Weights = { ModelWeights.All(model.Document).Select(ToProto) },
        };
        AddDefinitions(m, model);
        m.Judgments.AddRange(stored.Judgments.Select(j => new V1.JudgmentMatrix { Group = j.Group, Items = { j.Items }, Values = { j.Values }, Expert = j.Expert }));
        foreach (var g in stored.Consistency)
        {
            // The combined figures, then each expert's when several judged (as UpdateWeights answers them).
            m.Consistency.Add(new GroupConsistency { Group = g.Group, LambdaMax = g.LambdaMax, Ci = g.Ci, Cr = g.Cr, Items = { g.Items }, Weights = { g.Weights } });
            if (g.Experts.Count > 1)
                foreach (var e in g.Experts)
                    m.Consistency.Add(new GroupConsistency { Group = g.Group, Expert = e.Expert, LambdaMax = e.LambdaMax, Ci = e.Ci, Cr = e.Cr });
        }
        return m;
    }

    /// <summary>The model's elements, indicators, vetoes and land-use norms: what a client needs to lay out its columns.</summary>
    public static void AddDefinitions(V1.Model m, ScoringModel model)
    {
        foreach (var el in model.Elements)
            m.Elements.Add(new V1.ElementDefinition { Code = el.Code, Name = el.Name, Weight = el.Weight });
        foreach (var ind in model.Indicators)
        {
            var d = new V1.IndicatorDefinition
            {
                Code = ind.Code,
                Name = ind.Name,
                Element = model.Elements[ind.Element].Code,
                Kind = ind.IsCategorical ? IndicatorKind.Category : IndicatorKind.Numeric,
                Unit = ind.Unit,
                Weight = ind.Weight,
                GlobalWeight = ind.GlobalWeight,
            };
            if (ind.Range.Min is { } min) d.Min = min;
            if (ind.Range.Max is { } max) d.Max = max;
            if (ind.Categories is { } categories)
                for (var c = 0; c < categories.Keys.Count; c++)
                    d.Categories.Add(new CategoryDefinition { Key = categories.Keys[c], Name = categories.Names[c], Utility = categories.Utilities[c] });
            m.Indicators.Add(d);
        }
        foreach (var veto in model.Vetoes)
            m.Vetoes.Add(new V1.VetoDefinition { Code = veto.Code, Name = veto.Name, Group = veto.Group });
        var norms = model.Document.LandUseNorms;
        m.LandUseNorms = new V1.LandUseNorms
        {
            ParkMinimumShare = norms.ParkMinimumShare, CommunityTargetShare = norms.CommunityTargetShare, CommunityTolerance = norms.CommunityTolerance,
        };
    }

    /// <summary>An impact preview as the contract shows it.</summary>
    public static ImpactPreview ToProto(this Identification.Impact impact)
    {
        var preview = new ImpactPreview { ParcelCount = impact.ParcelCount, TotalMoves = impact.TotalMoves, MovesAlreadyContested = impact.MovesAlreadyContested };
        foreach (var s in impact.Shifts)
            preview.Transitions.Add(new ClassificationTransition { From = (V1.Classification)(int)s.From, To = (V1.Classification)(int)s.To, Count = s.Count, AreaMu = s.AreaMu });
        foreach (var m in impact.Moves)
            preview.Moves.Add(new ParcelMove { ParcelId = m.ParcelId, From = (V1.Classification)(int)m.From, To = (V1.Classification)(int)m.To, FromScore = m.FromScore, ToScore = m.ToScore });
        return preview;
    }

    /// <summary>ABORTED: another update changed the active version first.</summary>
    public static Google.Rpc.Status ActiveChanged(string expected, string actual) =>
        RichErrors.Of(Code.Aborted, RichErrors.Reasons.ActiveVersionChanged,
            $"the active model is version {actual}, not {expected}: another update got there first; re-read and retry",
            ("expected_active_version", expected), ("active_version", actual));

    /// <summary>FAILED_PRECONDITION naming, per inconsistent group, its CR and the judgment to revisit.</summary>
    public static Google.Rpc.Status Inconsistent(IReadOnlyList<GroupWeights> groups)
    {
        var failure = new PreconditionFailure();
        var info = new ErrorInfo { Reason = RichErrors.Reasons.InconsistentJudgments, Domain = RichErrors.Domain };
        var lines = new List<string>();
        foreach (var g in groups)
        {
            var w = g.WorstJudgment!;
            var text = string.Create(CultureInfo.InvariantCulture,
                $"group '{g.Group}': CR {g.ConsistencyRatio:0.0000} >= 0.10; revisit the judgment [{w.RowItem}, {w.ColumnItem}] (row {w.RowNumber}, col {w.ColumnNumber}): given {SaatyScale.Format(w.Given)}, the derived weights imply {w.Implied:0.###}");
            lines.Add(text);
            failure.Violations.Add(new PreconditionFailure.Types.Violation { Type = "AHP_CONSISTENCY", Subject = g.Group, Description = text });
            info.Metadata[$"{g.Group}.cr"] = g.ConsistencyRatio.ToString("0.######", CultureInfo.InvariantCulture);
            info.Metadata[$"{g.Group}.revisit"] = $"{w.RowItem},{w.ColumnItem}";
        }
        return new Google.Rpc.Status
        {
            Code = (int)Code.FailedPrecondition,
            Message = "judgments too inconsistent: " + string.Join("; ", lines),
            Details = { Any.Pack(failure), Any.Pack(info) },
        };
    }
}
