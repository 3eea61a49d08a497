using Scoring.Cli.Input;
using Scoring.Client;

namespace Scoring.Cli.Commands;

/// <summary>Where the CLI learns which columns are indicators, categories and vetoes: the model's definitions.</summary>
internal static class ModelDefinitions
{
    /// <summary>
    /// The columns of the server's model (the active one, or <paramref name="version"/>) through ModelService.GetModel;
    /// call failures propagate, and a model that lists no indicators is a <see cref="UsageException"/>.
    /// </summary>
    public static async Task<ModelColumns> ColumnsAsync(ScoringClient client, string? version, CancellationToken cancellationToken)
    {
        var model = await client.GetModelAsync(version, cancellationToken);
        // A server older than the definitions in GetModel answers with none: every column would be "unknown".
        if (model.Indicators.Count == 0)
            throw new UsageException($"the server's model {model.Version} lists no indicator definitions; this CLI needs a server whose GetModel returns them");
        return ModelColumns.From(model);
    }
}
