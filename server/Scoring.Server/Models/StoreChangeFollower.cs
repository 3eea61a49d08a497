using Scoring.Server.Spatial;
using Scoring.Storage;

namespace Scoring.Server.Models;

/// <summary>
/// Keeps this replica's in-memory views in step with what other replicas commit, as the store announces it (PostgreSQL:
/// LISTEN/NOTIFY): an activation or a label change reaches the model catalog at once, a new layer version the layer catalog, stored parcels
/// the outlines of contiguous renewal; after every reconnection all three are read again, since announcements made
/// meanwhile are lost. <see cref="ModelRefresh"/> and <see cref="LayerRefresh"/> stay as the slow fallback, and are all a
/// store that announces nothing (SQLite) has.
/// </summary>
internal sealed class StoreChangeFollower(IServiceProvider services, Readiness readiness, ILogger<StoreChangeFollower> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Resolved once ready: resolving the database earlier would open it here, while a server loading in the background starts.
        await readiness.WhenReady.WaitAsync(stoppingToken);
        await services.GetRequiredService<IScoringDatabase>().FollowChangesAsync(OnChangeAsync,
            e => logger.LogWarning(e, "Lost the store's announcements; following them again in a second (the periodic refresh goes on meanwhile)"),
            stoppingToken);
    }

    private async Task OnChangeAsync(StoreChange change, CancellationToken cancellationToken)
    {
        try
        {
            if (change is StoreChange.Reconnected or StoreChange.ModelActivated or StoreChange.ModelLabeled)
                await services.GetRequiredService<ModelRegistry>().RefreshAsync(cancellationToken);
            if (change is StoreChange.Reconnected or StoreChange.LayerAdded)
                await services.GetRequiredService<LayerCatalog>().RefreshAsync(cancellationToken);
            // Outlines are read again after parcels were stored (or may have been, unheard); a new layer may bring the
            // main urban area into force, which makes them needed.
            if (change is StoreChange.Reconnected or StoreChange.ParcelsStored) services.GetRequiredService<ContiguousParcels>().MarkChanged();
            else if (change is StoreChange.LayerAdded) await services.GetRequiredService<ContiguousParcels>().RefreshAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not follow a {Change} announced by the store; the periodic refresh will", change);
        }
    }
}
