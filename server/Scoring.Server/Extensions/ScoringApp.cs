using Scoring.Engine.Model;
using Scoring.Server.Grpc;
using Scoring.Server.Models;

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
        builder.Services.AddSingleton(sp => new ModelCatalog(LoadDefaultModel(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IHostEnvironment>())));

        var app = builder.Build();
        app.MapGrpcService<ScoringGrpcService>();
        app.MapGet("/", () => "Scoring: gRPC service scoring.v1.ScoringService. Use a gRPC client (HTTP/2).");
        // Load and validate the default model at start, not on the first call.
        app.Services.GetRequiredService<ModelCatalog>();
        return app;
    }

    private static ScoringModel LoadDefaultModel(IConfiguration configuration, IHostEnvironment environment)
    {
        var path = configuration["Scoring:DefaultModelPath"] ?? Path.Combine(AppContext.BaseDirectory, "Models", "default-model.json");
        return ModelCompiler.Compile(File.ReadAllText(path));
    }
}
