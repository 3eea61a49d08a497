using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scoring.Storage.Models;

/// <summary>
/// The <c>judgments_json</c> and <c>consistency_json</c> columns: the JSON shapes databases already hold, written
/// and read with explicit names. An empty list is stored as NULL; <c>experts</c> may be missing in older rows.
/// </summary>
internal static class JudgmentColumns
{
    /// <summary>The column text of <paramref name="judgments"/>: <c>[{"group","items","values","expert"}]</c>, or null when empty.</summary>
    internal static string? Write(IReadOnlyList<StoredJudgment> judgments) =>
        judgments.Count == 0
            ? null
            : JsonSerializer.Serialize(judgments.Select(j => new JudgmentJson
            {
                Group = j.Group, Items = [.. j.Items], Values = [.. j.Values], Expert = j.Expert,
            }).ToList());

    /// <summary>
    /// The column text of <paramref name="consistency"/>:
    /// <c>[{"group","items","weights","lambda_max","ci","cr","experts":[{"expert","lambda_max","ci","cr"}]}]</c>, or null when empty.
    /// </summary>
    internal static string? Write(IReadOnlyList<StoredConsistency> consistency) =>
        consistency.Count == 0
            ? null
            : JsonSerializer.Serialize(consistency.Select(c => new ConsistencyJson
            {
                Group = c.Group, Items = [.. c.Items], Weights = [.. c.Weights], LambdaMax = c.LambdaMax, Ci = c.Ci, Cr = c.Cr,
                Experts = [.. c.Experts.Select(e => new ExpertJson { Expert = e.Expert, LambdaMax = e.LambdaMax, Ci = e.Ci, Cr = e.Cr })],
            }).ToList());

    /// <summary>The judgments a <c>judgments_json</c> column holds; empty for NULL.</summary>
    internal static IReadOnlyList<StoredJudgment> ReadJudgments(string? json) =>
        json is null
            ? []
            : [.. Parse<JudgmentJson>(json).Select(j => new StoredJudgment(j.Group ?? "", [.. j.Items ?? []], [.. j.Values ?? []], j.Expert ?? ""))];

    /// <summary>The consistency figures a <c>consistency_json</c> column holds; empty for NULL.</summary>
    internal static IReadOnlyList<StoredConsistency> ReadConsistency(string? json) =>
        json is null
            ? []
            : [.. Parse<ConsistencyJson>(json).Select(c => new StoredConsistency(c.Group ?? "", [.. c.Items ?? []], [.. c.Weights ?? []],
                c.LambdaMax, c.Ci, c.Cr, [.. (c.Experts ?? []).Select(e => new ExpertConsistency(e.Expert ?? "", e.LambdaMax, e.Ci, e.Cr))]))];

    private static List<T> Parse<T>(string json) => JsonSerializer.Deserialize<List<T>>(json) ?? [];

    // Property order is the order the JSON is written in.
    private sealed class JudgmentJson
    {
        [JsonPropertyName("group")] public string? Group { get; set; }
        [JsonPropertyName("items")] public List<string>? Items { get; set; }
        [JsonPropertyName("values")] public List<double>? Values { get; set; }
        [JsonPropertyName("expert")] public string? Expert { get; set; }
    }

    private sealed class ConsistencyJson
    {
        [JsonPropertyName("group")] public string? Group { get; set; }
        [JsonPropertyName("items")] public List<string>? Items { get; set; }
        [JsonPropertyName("weights")] public List<double>? Weights { get; set; }
        [JsonPropertyName("lambda_max")] public double LambdaMax { get; set; }
        [JsonPropertyName("ci")] public double Ci { get; set; }
        [JsonPropertyName("cr")] public double Cr { get; set; }
        [JsonPropertyName("experts")] public List<ExpertJson>? Experts { get; set; }
    }

    private sealed class ExpertJson
    {
        [JsonPropertyName("expert")] public string? Expert { get; set; }
        [JsonPropertyName("lambda_max")] public double LambdaMax { get; set; }
        [JsonPropertyName("ci")] public double Ci { get; set; }
        [JsonPropertyName("cr")] public double Cr { get; set; }
    }
}
