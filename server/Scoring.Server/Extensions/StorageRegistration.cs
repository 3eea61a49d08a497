using Scoring.Storage;
using Scoring.Storage.Evaluations;
using Scoring.Storage.Layers;
using Scoring.Storage.Models;
using Scoring.Storage.Parcels;
using Scoring.Storage.Units;

namespace Scoring.Server.Extensions;

/// <summary>
/// Registers the database and its stores behind their interfaces: the rest of the server never names a store's
/// provider. Nothing is opened here; the database opens (and migrates) when first resolved.
/// </summary>
internal static class StorageRegistration
{
    /// <summary>The connection string used when <c>ConnectionStrings:Scoring</c> is not set.</summary>
    public const string DefaultConnectionString = "Data Source=data/scoring.db";

    /// <summary>Adds <see cref="IScoringDatabase"/> and the five stores for <c>ConnectionStrings:Scoring</c>.</summary>
    public static IServiceCollection AddScoringStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("Scoring") ?? DefaultConnectionString;
        services.AddSingleton(sp => new ScoringDatabase(connectionString, sp.GetRequiredService<TimeProvider>())
        {
            MaxPageCount = configuration.GetValue<long?>("Storage:MaxPageCount"),
            WalLimitBytes = configuration.GetValue("Storage:WalLimitBytes", 64L << 20),
            MmapBytes = configuration.GetValue("Storage:MmapBytes", 1L << 30),
        });
        services.AddSingleton<IScoringDatabase>(sp => sp.GetRequiredService<ScoringDatabase>());
        services.AddSingleton<IParcelStore>(sp => new ParcelStore(sp.GetRequiredService<ScoringDatabase>()));
        services.AddSingleton<IUnitStore>(sp => new UnitStore(sp.GetRequiredService<ScoringDatabase>()));
        services.AddSingleton<IEvaluationStore>(sp => new EvaluationStore(sp.GetRequiredService<ScoringDatabase>()));
        services.AddSingleton<IModelStore>(sp => new ModelStore(sp.GetRequiredService<ScoringDatabase>()));
        services.AddSingleton<ILayerStore>(sp => new LayerStore(sp.GetRequiredService<ScoringDatabase>()));
        return services;
    }
}
