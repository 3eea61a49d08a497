using Scoring.Engine.Model;
using Scoring.Server.Grpc;
using Scoring.Server.Models;
using Scoring.Server.Parcels;
using Scoring.Storage;
using Scoring.Storage.Evaluations;
using Scoring.Storage.Models;
using Scoring.Storage.Parcels;

namespace Scoring.Server.Extensions;

/// <summary>Builds the service's web application; Program.cs and the integration tests both start it here.</summary>
public static class ScoringApp
{
    /// <summary>Creates the application from command-line arguments (standard ASP.NET Core options such as --urls apply).</summary>
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddGrpc(o =>
        {
            o.EnableDetailedErrors = builder.Environment.IsDevelopment();
            o.MaxReceiveMessageSize = 64 * 1024 * 1024;
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new ScoringDatabase(
            builder.Configuration.GetConnectionString("Scoring") ?? "Data Source=data/scoring.db",
            sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<ParcelStore>();
        builder.Services.AddSingleton<EvaluationStore>();
        builder.Services.AddSingleton<ModelStore>();
        builder.Services.AddSingleton<ModelRegistry>();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<ModelRegistry>().Catalog);
        builder.Services.AddSingleton<ParcelEvaluations>();
        builder.Services.AddSingleton<ImpactAnalysis>();
        builder.Services.AddSingleton<WeightUpdates>();
        builder.Services.AddHostedService<ModelRefresh>();

        var app = builder.Build();
        app.MapGrpcService<ScoringGrpcService>();
        app.MapGrpcService<ParcelGrpcService>();
        app.MapGrpcService<ModelGrpcService>();
        app.MapGrpcService<ReportGrpcService>();
        app.MapGet("/", () => "Scoring: gRPC services scoring.v1.ScoringService, ParcelService, ModelService. Use a gRPC client (HTTP/2).");

        // Open (and migrate) the database and load the models before the first call can arrive.
        var defaultModel = ModelDocument.Parse(File.ReadAllText(
            builder.Configuration["Scoring:DefaultModelPath"] ?? Path.Combine(AppContext.BaseDirectory, "Models", "default-model.json")));
        ModelCompiler.Compile(defaultModel); // refuse to start on a broken default model
        app.Services.GetRequiredService<ModelRegistry>().InitializeAsync(defaultModel, CancellationToken.None).GetAwaiter().GetResult();
        return app;
    }
}
