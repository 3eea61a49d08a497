using System.Collections.Frozen;
using System.Net.Http.Headers;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Scoring.Engine.Model;
using Scoring.Engine.Naming;
using Scoring.Engine.Spatial;
using Scoring.V1;
using EngineClassification = Scoring.Engine.Evaluation.Classification;
using EngineDisposition = Scoring.Engine.Evaluation.Disposition;

namespace Scoring.Server.Grpc;

/// <summary>Maps the display names (<see cref="DisplayNames"/>) to GetLabels and to an evaluation's labels.</summary>
internal static class LabelMapping
{
    // Every enum of the contract, read from the generated descriptors, so that a new enum cannot be left out unnoticed.
    private static readonly EnumDescriptor[] ContractEnums =
    [
        .. typeof(ModelService).Assembly.GetTypes()
            .Where(t => t.Namespace == "Scoring.V1" && t.Name.EndsWith("Reflection", StringComparison.Ordinal))
            .Select(t => t.GetProperty("Descriptor")?.GetValue(null))
            .OfType<FileDescriptor>()
            .Where(f => f.Package == DisplayNames.Package)
            .SelectMany(f => f.EnumTypes)
            .OrderBy(e => e.FullName, StringComparer.Ordinal),
    ];

    private static readonly EnumLabels[] ContractEnumLabels =
    [
        .. ContractEnums.Select(e => new EnumLabels
        {
            Name = e.FullName,
            Values =
            {
                e.Values.Select(v => DisplayNames.Of(e.FullName, v.Name) is { } name
                    ? new EnumValueLabel { Name = v.Name, Number = v.Number, Zh = name.Zh, En = name.En }
                    : new EnumValueLabel { Name = v.Name, Number = v.Number }),
            },
        }),
    ];

    private static readonly FrozenDictionary<string, DisplayLanguage> Languages = new Dictionary<string, DisplayLanguage>
    {
        ["zh"] = DisplayLanguage.Zh, ["en"] = DisplayLanguage.En,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The labels of the contract's enums and of <paramref name="model"/>'s elements, indicators, vetoes and modes.</summary>
    public static GetLabelsResponse ToLabels(ScoringModel model) => new()
    {
        ModelVersion = model.Version,
        Enums = { ContractEnumLabels.Select(e => e.Clone()) },  // each answer its own messages: protobuf messages are mutable
        Elements = { model.Elements.Select(e => Label(e.Code, DisplayNames.Of(e))) },
        Indicators = { model.Indicators.Select(i => Label(i.Code, DisplayNames.Of(i))) },
        Vetoes = { model.Vetoes.Select(v => Label(v.Code, DisplayNames.Of(v))) },
        Modes =
        {
            SpatialRules.For(model).Document.RedevelopmentRules.Select(r => r.Mode).Distinct(StringComparer.Ordinal)
                .Select(code => Label(code, DisplayNames.Mode(code) ?? new DisplayName(code, code))),
        },
    };

    /// <summary>
    /// The language the caller asked for: REST's Accept-Language header, which gRPC carries as accept-language metadata
    /// (zh, zh-CN, zh-Hans … or en, en-GB …; the highest quality that names one of the two wins); null when none.
    /// </summary>
    public static DisplayLanguage? RequestedLanguage(this ServerCallContext context)
    {
        if (context.RequestHeaders.GetValue("accept-language") is not { Length: > 0 } header) return null;
        var best = (Language: (DisplayLanguage?)null, Quality: 0.0);
        foreach (var part in header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!StringWithQualityHeaderValue.TryParse(part, out var range)) continue;
            var quality = range.Quality ?? 1;
            var primary = range.Value.Split('-')[0];
            if (quality > best.Quality && Languages.TryGetValue(primary, out var language)) best = (language, quality);
        }
        return best.Language;
    }

    /// <summary>Sets the classification and disposition labels of <paramref name="evaluation"/> in <paramref name="language"/>.</summary>
    public static void AddLabels(this Evaluation evaluation, DisplayLanguage language) =>
        (evaluation.ClassificationLabel, evaluation.DispositionLabel) = Words(evaluation.Classification, evaluation.Disposition, language);

    /// <summary>Sets the classification and disposition labels of a stored evaluation in <paramref name="language"/>.</summary>
    public static void AddLabels(this EvaluationRecord record, DisplayLanguage language) =>
        (record.ClassificationLabel, record.DispositionLabel) = Words(record.Classification, record.Disposition, language);

    private static (string Classification, string Disposition) Words(Classification classification, Disposition disposition, DisplayLanguage language) =>
        (DisplayNames.Of((EngineClassification)(int)classification).In(language), DisplayNames.Of((EngineDisposition)(int)disposition).In(language));

    private static CodeLabel Label(string code, DisplayName name) => new() { Code = code, Zh = name.Zh, En = name.En };
}
