using System.Text.Json;

namespace Scoring.Storage.Models;

/// <summary>A label pointing at a model version ("official", "candidate", "2024-round").</summary>
/// <param name="Label">The label.</param>
/// <param name="Version">The version it names.</param>
/// <param name="SetAt">When it was last set or moved, by the database's clock.</param>
/// <param name="SetBy">Who set or moved it (the caller's name; never a key).</param>
public sealed record ModelLabel(string Label, int Version, DateTimeOffset SetAt, string SetBy);

/// <summary>What setting, moving or removing a label did.</summary>
/// <param name="Label">The label.</param>
/// <param name="Version">The version it names now; null once removed.</param>
/// <param name="PreviousVersion">The version it named before; null when it is new.</param>
/// <param name="Changed">False when it already named that version: nothing was written, not even an audit record.</param>
public sealed record LabelChange(string Label, int? Version, int? PreviousVersion, bool Changed);

/// <summary>A label the store does not hold (removing one that was never set). Nothing was written.</summary>
public sealed class ModelLabelNotFoundException(string label) : Exception($"There is no model label '{label}'.")
{
    /// <summary>The label asked for.</summary>
    public string Label { get; } = label;
}

/// <summary>
/// The rule of a label's spelling, the same for every store and every caller: 1 to 64 of lower-case letters, digits,
/// '.', '_' and '-', starting with a letter or digit, and never only digits, so a label can never be read as a version
/// number (versions are 1, 2, 3…) wherever a version is accepted.
/// </summary>
public static class ModelLabels
{
    /// <summary>The longest label.</summary>
    public const int MaxLength = 64;

    /// <summary>Why <paramref name="label"/> cannot be a label; null when it can.</summary>
    public static string? Problem(string? label)
    {
        if (string.IsNullOrEmpty(label)) return "is required";
        if (label.Length > MaxLength) return $"is {label.Length} characters long; at most {MaxLength} are allowed";
        if (!IsLowerOrDigit(label[0])) return "must start with a lower-case letter or a digit";
        foreach (var c in label)
            if (!IsLowerOrDigit(c) && c is not ('.' or '_' or '-'))
                return "may hold only lower-case letters (a-z), digits, '.', '_' and '-'";
        if (label.All(char.IsAsciiDigit)) return "is all digits, which would read as a version number";
        return null;

        static bool IsLowerOrDigit(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);
    }

    /// <summary>The details an audit record of a label change keeps: the label, as JSON.</summary>
    internal static string AuditDetails(string label) => JsonSerializer.Serialize(new Dictionary<string, string> { ["label"] = label });

    /// <summary>The label an audit record's details name; null when they name none.</summary>
    public static string? FromAuditDetails(string? detailsJson)
    {
        if (detailsJson is null) return null;
        using var document = JsonDocument.Parse(detailsJson);
        return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("label", out var label) &&
               label.ValueKind == JsonValueKind.String ? label.GetString() : null;
    }
}
