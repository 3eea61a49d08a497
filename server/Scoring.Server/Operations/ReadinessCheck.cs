using Microsoft.Extensions.Diagnostics.HealthChecks;
using Scoring.Server.Models;
using Scoring.Storage;

namespace Scoring.Server.Operations;

/// <summary>
/// Ready when the database can take a write and the active model is loaded (grpc.health.v1 reports SERVING).
/// A read-only, damaged or missing database is NOT_SERVING; a full one stays SERVING (degraded), since reads go on.
/// Every probe looks again, so health recovers without a restart once the cause is gone.
/// </summary>
internal sealed class ReadinessCheck(Readiness readiness, IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // The database and the registry are resolved only once ready: resolving them earlier would open the database here.
        if (!readiness.IsReady) return HealthCheckResult.Unhealthy("the database is being opened and the models loaded");
        var database = services.GetRequiredService<IScoringDatabase>();
        var registry = services.GetRequiredService<ModelRegistry>();
        try
        {
            if (await database.ProbeAsync(cancellationToken) is { } fault)
            {
                return fault.Fault == StorageFault.Full
                    ? HealthCheckResult.Degraded(fault.Message)
                    : HealthCheckResult.Unhealthy(fault.Message);
            }
            if (!await database.PingAsync(cancellationToken)) return HealthCheckResult.Unhealthy("the database does not answer");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("the database does not answer", e);
        }
        return HealthCheckResult.Healthy($"model {registry.Catalog.Active.Version} active");
    }
}
