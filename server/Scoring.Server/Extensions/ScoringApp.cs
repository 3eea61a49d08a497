using Scoring.Engine.Model;
using Scoring.Server.Grpc;
using Scoring.Server.Models;
using Scoring.Server.Parcels;
using Scoring.Storage;
using Scoring.Storage.Evaluations;
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
            sp.GetRequiredService<IConfiguration>().GetConnectionString("Scoring") ?? "Data Source=data/scoring.db",
            sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<ParcelStore>();
        builder.Services.AddSingleton<EvaluationStore>();
        builder.Services.AddSingleton<ParcelEvaluations>();
        builder.Services.AddSingleton(sp => new ModelCatalog(LoadDefaultModel(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IHostEnvironment>())));

        var app = builder.Build();
        app.MapGrpcService<ScoringGrpcService>();
        app.MapGrpcService<ParcelGrpcService>();
        app.MapGet("/", () => "Scoring: gRPC service scoring.v1.ScoringService. Use a gRPC client (HTTP/2).");
        // Open (and migrate) the database and load the models at start, not on the first call.
        app.Services.GetRequiredService<ScoringDatabase>();
        app.Services.GetRequiredService<ModelCatalog>();
        return app;
    }

    private static ScoringModel LoadDefaultModel(IConfiguration configuration, IHostEnvironment environment)
    {
        var path = configuration["Scoring:DefaultModelPath"] ?? Path.Combine(AppContext.BaseDirectory, "Models", "default-model.json");
        return ModelCompiler.Compile(File.ReadAllText(path));
    }
}
