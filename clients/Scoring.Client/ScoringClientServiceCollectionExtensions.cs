using Grpc.Net.ClientFactory;
using Microsoft.Extensions.Options;
using Scoring.Client;
using Scoring.V1;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Scoring client with dependency injection, over Grpc.Net.ClientFactory.</summary>
public static class ScoringClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ScoringClient"/> and the generated clients of ScoringService, ParcelService,
    /// ModelService, ReportService and OperationsService, all with the address, default deadlines and retry policy of the options.
    /// </summary>
    public static IServiceCollection AddScoringClient(this IServiceCollection services, Action<ScoringClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<ScoringClientOptions>().Configure(configure);

        Register<ScoringService.ScoringServiceClient>(services);
        Register<ParcelService.ParcelServiceClient>(services);
        Register<ModelService.ModelServiceClient>(services);
        Register<ReportService.ReportServiceClient>(services);
        Register<OperationsService.OperationsServiceClient>(services);
        services.AddTransient(sp => new ScoringClient(
            sp.GetRequiredService<ScoringService.ScoringServiceClient>(),
            sp.GetRequiredService<ParcelService.ParcelServiceClient>(),
            sp.GetRequiredService<ModelService.ModelServiceClient>(),
            sp.GetRequiredService<ReportService.ReportServiceClient>(),
            sp.GetRequiredService<OperationsService.OperationsServiceClient>()));
        return services;
    }

    private static void Register<TClient>(IServiceCollection services) where TClient : class
    {
        var builder = services.AddGrpcClient<TClient>((sp, o) => o.Address = Options(sp).Address);
        builder.ConfigureChannel((sp, channel) => ScoringChannel.Configure(channel, WithoutHandler(Options(sp))));
        builder.AddInterceptor(sp => new CallDefaultsInterceptor(Options(sp)));
    }

    private static ScoringClientOptions Options(IServiceProvider sp) => sp.GetRequiredService<IOptions<ScoringClientOptions>>().Value;

    // The client factory owns the HTTP handlers (and rotates them); ScoringClientOptions.HttpHandler is not used here.
    private static ScoringClientOptions WithoutHandler(ScoringClientOptions o) => new()
    {
        Address = o.Address,
        Timeout = o.Timeout,
        StreamTimeout = o.StreamTimeout,
        ApiKey = o.ApiKey,
        MaxRetryAttempts = o.MaxRetryAttempts,
        RetryInitialBackoff = o.RetryInitialBackoff,
        RetryMaxBackoff = o.RetryMaxBackoff,
        MaxReceiveMessageSize = o.MaxReceiveMessageSize,
    };
}
