using Microsoft.Extensions.Diagnostics.HealthChecks;
using Scoring.Server.Models;
using Scoring.Storage;

namespace Scoring.Server.Operations;

/// <summary>Ready when the database answers and the active model is loaded (grpc.health.v1 reports SERVING).</summary>
internal sealed class ReadinessCheck(ScoringDatabase database, ModelRegistry registry) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!registry.IsInitialized) return HealthCheckResult.Unhealthy("the active model is not loaded yet");
        try
        {
            if (!await database.PingAsync(cancellationToken)) return HealthCheckResult.Unhealthy("the database does not answer");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("the database does not answer", e);
        }
        return HealthCheckResult.Healthy($"model {registry.Catalog.Active.Version} active");
    }
}
