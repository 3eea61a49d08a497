namespace Scoring.Server.Models;

/// <summary>Whether the database is open and the active model loaded: until then only health, reflection and metrics answer.</summary>
public sealed class Readiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True once the models are loaded.</summary>
    public bool IsReady => _ready.Task.IsCompleted;

    /// <summary>Completes when the service is marked ready.</summary>
    public Task WhenReady => _ready.Task;

    /// <summary>Marks the service ready.</summary>
    public void MarkReady() => _ready.TrySetResult();
}

/// <summary>
/// Opens (and migrates) the database and loads the models in the background, for deployments that want
/// the process listening, and its health service answering NOT_SERVING, while a large database migrates
/// (<c>Scoring:LoadModelsInBackground=true</c>). A failure stops the process with exit code 1.
/// </summary>
internal sealed class ModelLoader(IServiceProvider services, Engine.Model.ModelDocument defaultModel, Readiness readiness,
    IHostApplicationLifetime lifetime, ILogger<ModelLoader> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // let the host go on starting: the database is opened off the start-up path
        try
        {
            var registry = services.GetRequiredService<ModelRegistry>();
            await registry.InitializeAsync(defaultModel, stoppingToken);
            readiness.MarkReady();
            logger.LogInformation("Ready: model {Version} active", registry.Catalog.Active.Version);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogCritical(e, "Could not open the database or load the models; stopping");
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }
}
