using Scoring.Engine.Model;

namespace Scoring.Engine.Tests;

/// <summary>
/// Non-destructive edits of a model document: every edit copies the lists it touches, so the
/// shared <see cref="DefaultModel"/> document is never mutated.
/// </summary>
internal static class DocumentEdits
{
    /// <summary>The parsed default model document.</summary>
    public static ModelDocument Default => DefaultModel.Model.Document;

    /// <summary>A copy with every indicator named <paramref name="code"/> replaced by <paramref name="edit"/>'s result.</summary>
    public static ModelDocument EditIndicator(this ModelDocument doc, string code, Func<IndicatorDocument, IndicatorDocument> edit) =>
        doc with
        {
            Elements = [.. doc.Elements.Select(e => e with { Indicators = [.. e.Indicators.Select(i => i.Code == code ? edit(i) : i)] })],
        };

    /// <summary>A copy with the element named <paramref name="code"/> replaced by <paramref name="edit"/>'s result.</summary>
    public static ModelDocument EditElement(this ModelDocument doc, string code, Func<ElementDocument, ElementDocument> edit) =>
        doc with { Elements = [.. doc.Elements.Select(e => e.Code == code ? edit(e) : e)] };

    /// <summary>A copy with the veto named <paramref name="code"/> replaced by <paramref name="edit"/>'s result.</summary>
    public static ModelDocument EditVeto(this ModelDocument doc, string code, Func<VetoDocument, VetoDocument> edit) =>
        doc with { Vetoes = [.. doc.Vetoes.Select(v => v.Code == code ? edit(v) : v)] };

    /// <summary>A curve document from (value, utility) pairs.</summary>
    public static CurveDocument Curve(bool log, params (double Value, double Utility)[] points) =>
        new() { Points = [.. points.Select(p => new[] { p.Value, p.Utility })], Log = log };

    /// <summary>The errors a broken document is rejected with.</summary>
    public static IReadOnlyList<ModelError> ErrorsOf(ModelDocument doc) =>
        Assert.Throws<ModelValidationException>(() => ModelCompiler.Compile(doc)).Errors;
}
