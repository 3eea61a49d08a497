using Microsoft.AspNetCore.Server.Kestrel.Core;
using OpenTelemetry.Metrics;
using Scoring.Engine.Model;
using Scoring.Server.Grpc;
using Scoring.Server.Models;
using Scoring.Server.Operations;
using Scoring.Server.Identification;
using Scoring.Server.Security;
using Scoring.Storage;
using Scoring.Storage.Evaluations;
using Scoring.Storage.Models;
using Scoring.Storage.Parcels;

namespace Scoring.Server.Extensions;

/// <summary>Builds the service's web application; Program.cs and the integration tests both start it here.</summary>
public static class ScoringApp
{
    /// <summary>gRPC (HTTP/2 cleartext) port when neither --urls nor Kestrel:Endpoints is configured.</summary>
    public const int DefaultGrpcPort = 5080;

    /// <summary>REST/JSON, OpenAPI and metrics (HTTP/1.1) port when neither --urls nor Kestrel:Endpoints is configured.</summary>
    public const int DefaultRestPort = 5081;

    /// <summary>Creates the application from command-line arguments (standard ASP.NET Core options such as --urls apply).</summary>
    public static WebApplication Create(string[] args)
    {
        // appsettings.json is read from beside the program, whatever the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var configuration = builder.Configuration;
        ConfigureDefaultEndpoints(builder);
        var started = false;
        StartupFailures.QuietUntilStarted(builder.Logging, configuration, () => Volatile.Read(ref started));
        var limits = configuration.GetSection(LimitOptions.Section).Get<LimitOptions>() ?? new LimitOptions();
        var metricsOptions = configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>() ?? new MetricsOptions();
        var defaultModel = ModelDocument.Parse(File.ReadAllText(
            configuration["Scoring:DefaultModelPath"] ?? Path.Combine(AppContext.BaseDirectory, "Models", "default-model.json")));
        ModelCompiler.Compile(defaultModel); // refuse to start on a broken default model
        var spatial = Spatial.SpatialOptions.From(configuration);
        var loadInBackground = configuration.GetValue("Scoring:LoadModelsInBackground", false);

        builder.Services.AddGrpc(o =>
        {
            o.EnableDetailedErrors = builder.Environment.IsDevelopment();
            o.MaxReceiveMessageSize = limits.MaxMessageBytes;
            o.Interceptors.Add<CallObserver>();
            o.Interceptors.Add<StorageFaults>();
            o.Interceptors.Add<IdleStreams>();
        }).AddJsonTranscoding(o =>
            // Error details (google.rpc.BadRequest, ErrorInfo, …) are Any-packed: REST clients get them as JSON too.
            o.TypeRegistry = Google.Protobuf.Reflection.TypeRegistry.FromFiles(Google.Rpc.ErrorDetailsReflection.Descriptor));
        builder.Services.AddGrpcReflection();
        // grpc.health.v1: "" is readiness (the store answers, the active model is loaded); "liveness" is serving as long as
        // the process answers, so that an orchestrator restarts a replica that hangs, not every replica when the store is down.
        builder.Services.AddGrpcHealthChecks(o =>
            {
                o.Services.Map("", r => r.Name == "ready");
                o.Services.Map("liveness", r => r.Name == "live");
            })
            .AddCheck<ReadinessCheck>("ready")
            .AddCheck("live", () => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy("the process answers"));
        builder.Services.AddGrpcSwagger();
        builder.Services.AddSwaggerGen(o => o.SwaggerDoc("v1", new() { Title = "Scoring — inefficient industrial land identification", Version = "v1" }));
        builder.Services.AddScoringSecurity(configuration);
        builder.Services.AddScoringLimits(configuration);
        builder.Services.AddBrowserAccess(configuration);
        builder.Services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter(ScoringMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
            .AddPrometheusExporter());

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScoringStorage(configuration);
        builder.Services.AddSingleton<ModelRegistry>();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<ModelRegistry>().Catalog);
        builder.Services.AddSingleton<HistoryWriter>();
        builder.Services.AddSingleton<ParcelEvaluations>();
        builder.Services.AddSingleton<ImpactAnalysis>();
        builder.Services.AddSingleton<WeightUpdates>();
        builder.Services.AddSingleton<WeightDrawSource>();
        builder.Services.AddSingleton(sp => new Feed.ParcelFeed(sp.GetRequiredService<ModelCatalog>(), sp.GetRequiredService<IParcelStore>(),
            sp.GetRequiredService<Storage.Units.IUnitStore>(), sp.GetRequiredService<TimeProvider>())
        {
            PieceParcels = configuration.GetValue("Storage:IngestPieceParcels", Feed.ParcelFeed.DefaultPieceParcels),
            DefaultEpsg = spatial.DefaultEpsg,
            ParcelsStored = () => sp.GetRequiredService<Spatial.ContiguousParcels>().MarkChanged(),
        });
        builder.Services.AddSingleton(spatial);
        builder.Services.AddSingleton<Spatial.LayerCatalog>();
        builder.Services.AddSingleton<Spatial.SpatialOverlay>();
        builder.Services.AddSingleton<Spatial.ContiguousParcels>();
        builder.Services.AddSingleton<Spatial.ClearanceReconciliation>();
        builder.Services.AddHostedService<Spatial.LayerRefresh>();
        builder.Services.AddSingleton<Reports.DistrictReports>();
        builder.Services.AddSingleton<Reports.DistrictMap>();
        builder.Services.AddSingleton<ScoringMetrics>();
        builder.Services.AddSingleton<Backups>();
        builder.Services.AddHostedService<ModelRefresh>();
        builder.Services.AddHostedService<StoreChangeFollower>();
        builder.Services.AddSingleton<Readiness>();
        builder.Services.AddSingleton(defaultModel);
        if (loadInBackground) builder.Services.AddHostedService<ModelLoader>();

        // After every gRPC registration: a request that does not parse is INVALID_ARGUMENT, not UNKNOWN.
        MalformedRequests.Replace(builder.Services);

        var app = builder.Build();
        app.UseMetricsPort(metricsOptions);
        app.UseBrowserAccess(configuration);
        app.UseStartingGate();
        app.UseMessageSizeDetails(limits.MaxMessageBytes);
        app.UseRestBodyLimit(limits.MaxMessageBytes);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseSwagger();

        app.MapGrpcService<ScoringGrpcService>().RequireRateLimiting(Limits.PerCaller);
        app.MapGrpcService<ParcelGrpcService>().RequireRateLimiting(Limits.PerCaller);
        app.MapGrpcService<ModelGrpcService>().RequireRateLimiting(Limits.PerCaller);
        app.MapGrpcService<ReportGrpcService>().RequireRateLimiting(Limits.PerCaller);
        app.MapGrpcService<LayerGrpcService>().RequireRateLimiting(Limits.PerCaller);
        app.MapGrpcService<OperationsGrpcService>().RequireRateLimiting(Limits.PerCaller);
        app.MapGrpcHealthChecksService().AllowAnonymous();
        app.MapGrpcReflectionService().AllowAnonymous();
        app.MapMetrics(metricsOptions);
        // The district's map page (Figure 3), for a browser on the REST port: readers only, as every REST read.
        app.MapGet("/map", async (string? street, string? unit, Reports.DistrictMap map, CancellationToken cancellationToken) =>
                Results.Content(await map.PageAsync(street, unit, cancellationToken), "text/html; charset=utf-8"))
            .RequireAuthorization(Security.Roles.Reader).RequireRateLimiting(Limits.PerCaller);
        app.MapGet("/", () => "Scoring: gRPC services scoring.v1.ScoringService, ParcelService, ModelService, ReportService, LayerService, OperationsService; REST/JSON under /v1, the district's map at /map, OpenAPI at /swagger/v1/swagger.json, metrics at /metrics.")
            .AllowAnonymous();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            Volatile.Write(ref started, true);
            app.WarnIfOpen();
        });

        if (!loadInBackground)
        {
            // Open (and migrate) the database and load the models before the first call can arrive.
            app.Services.GetRequiredService<ModelRegistry>().InitializeAsync(defaultModel, CancellationToken.None).GetAwaiter().GetResult();
            app.Services.GetRequiredService<Readiness>().MarkReady();
        }
        return app;
    }

    // With no --urls and no Kestrel:Endpoints: gRPC over HTTP/2 cleartext on localhost:5080 (prior
    // knowledge, as grpcio, grpc-js and grpcurl speak it) and REST/JSON over HTTP/1.1 on localhost:5081.
    // A cleartext port cannot serve both, since only TLS can negotiate the protocol.
    private static void ConfigureDefaultEndpoints(WebApplicationBuilder builder)
    {
        // Plain-text endpoints speak HTTP/2 with prior knowledge unless configured otherwise (Kestrel:EndpointDefaults).
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(o => o.Protocols = HttpProtocols.Http2));
        if (!string.IsNullOrEmpty(builder.Configuration["urls"]) || builder.Configuration.GetSection("Kestrel:Endpoints").Exists()) return;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.ListenLocalhost(DefaultGrpcPort, o => o.Protocols = HttpProtocols.Http2);
            k.ListenLocalhost(DefaultRestPort, o => o.Protocols = HttpProtocols.Http1);
        });
    }
}
