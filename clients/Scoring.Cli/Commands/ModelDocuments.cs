using Scoring.Cli.Input;
using Scoring.Client;
using Scoring.V1;

namespace Scoring.Cli.Commands;

/// <summary>Where the CLI learns which columns are indicators, categories and vetoes.</summary>
internal static class ModelDocuments
{
    /// <summary>The server's model (the active one, or <paramref name="version"/>) through ModelService.ExportModel; failures propagate.</summary>
    public static async Task<ModelColumns> ColumnsAsync(ScoringClient client, string? version, CancellationToken cancellationToken)
    {
        var response = await client.Models.ExportModelAsync(new ExportModelRequest { Version = version ?? "" },
            deadline: DateTime.UtcNow.AddSeconds(15), cancellationToken: cancellationToken);
        return ModelColumns.Parse(response.DocumentJson, $"the server's model {response.Version}");
    }
}
