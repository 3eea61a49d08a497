using System.Text.Json;
using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;

namespace Scoring.Server.Reports;

/// <summary>
/// The inputs a history record keeps (inputs_json: level, area, industry code, flags, and each value with its origin),
/// read back into the engine's facts, so an evaluation can be replayed under the model version that made it: the engine
/// is deterministic, so the replay gives the recorded evaluation's element scores, which the record does not keep.
/// </summary>
public static class RecordedInputs
{
    /// <summary>The element scores of the evaluation <paramref name="inputsJson"/> records, under <paramref name="model"/>; empty when the inputs cannot be read.</summary>
    public static IReadOnlyList<ElementResult> Elements(ScoringModel model, string parcelId, string inputsJson)
    {
        var facts = Facts(parcelId, inputsJson);
        if (facts is null) return [];
        var violations = new List<FieldViolation>();
        var vector = ParcelReader.Read(model, facts, violations);
        return vector is null ? [] : Evaluator.Evaluate(model, vector).Elements;
    }

    /// <summary>The facts <paramref name="inputsJson"/> records; null when it is not the JSON a history record keeps.</summary>
    public static ParcelFacts? Facts(string parcelId, string inputsJson)
    {
        try
        {
            using var document = JsonDocument.Parse(inputsJson);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            return new ParcelFacts
            {
                ParcelId = parcelId,
                Level = root.TryGetProperty("level", out var level) ? level.GetInt32() : 0,
                AreaMu = root.TryGetProperty("area_mu", out var area) ? area.GetDouble() : 0,
                IndustryCode = Text(root, "industry_code"),
                UnitId = Text(root, "unit_id"),
                Street = Text(root, "street"),
                InsideDevelopmentBoundary = Flag(root, "inside_development_boundary"),
                InEcologicalRedLine = Flag(root, "in_ecological_red_line"),
                RedevelopmentUnderway = Flag(root, "redevelopment_underway"),
                LocallyReported = Flag(root, "locally_reported"),
                Indicators = Values(root, "indicators", v => v.GetDouble()),
                Categories = Values(root, "categories", v => v.GetString() ?? ""),
                Vetoes = Values(root, "vetoes", v => v.GetBoolean()),
            };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement root, string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool? Flag(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    // {"far": {"value": 1.5, "origin": "inline"}, …} → far → 1.5.
    private static Dictionary<string, T> Values<T>(JsonElement root, string name, Func<JsonElement, T> read)
    {
        var values = new Dictionary<string, T>(StringComparer.Ordinal);
        if (!root.TryGetProperty(name, out var map) || map.ValueKind != JsonValueKind.Object) return values;
        foreach (var p in map.EnumerateObject())
            if (p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("value", out var v)) values[p.Name] = read(v);
        return values;
    }
}
