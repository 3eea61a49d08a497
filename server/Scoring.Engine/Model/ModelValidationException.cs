namespace Scoring.Engine.Model;

/// <summary>One problem in a model document, located by a JSON-path-like reference.</summary>
public sealed record ModelError(string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>A model document that cannot be used, with every problem found.</summary>
public sealed class ModelValidationException(IReadOnlyList<ModelError> errors)
    : Exception("invalid model: " + string.Join("; ", errors))
{
    /// <summary>Every problem found.</summary>
    public IReadOnlyList<ModelError> Errors { get; } = errors;
}
