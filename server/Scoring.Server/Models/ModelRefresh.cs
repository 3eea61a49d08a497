namespace Scoring.Server.Models;

/// <summary>
/// Keeps this replica's active model in step with the database, so an activation made through
/// another replica reaches this one within the refresh interval.
/// </summary>
internal sealed class ModelRefresh(IServiceProvider services, Readiness readiness, IConfiguration configuration, ILogger<ModelRefresh> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(configuration.GetValue("Scoring:ModelRefreshSeconds", 5.0));
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!readiness.IsReady) continue;
            try
            {
                await services.GetRequiredService<ModelRegistry>().RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not refresh the active model from the database");
            }
        }
    }
}
