using Scoring.Engine.Model;

namespace Scoring.Testing;

/// <summary>The default model file shipped with the server (copied next to the tests as the server finds it), compiled once for all tests.</summary>
public static class DefaultModel
{
    /// <summary>The model document as shipped.</summary>
    public static readonly string Json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Models", "default-model.json"));

    /// <summary>The compiled model.</summary>
    public static readonly ScoringModel Model = ModelCompiler.Compile(Json);
}
