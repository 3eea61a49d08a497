using Scoring.Engine.Model;

namespace Scoring.Engine.Tests;

/// <summary>The default model file shipped with the server, compiled once for all tests.</summary>
internal static class DefaultModel
{
    public static readonly string Json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "default-model.json"));
    public static readonly ScoringModel Model = ModelCompiler.Compile(Json);
}
