using Scoring.Storage;
using Scoring.Storage.Postgres;

namespace Scoring.Server.Extensions;

/// <summary>
/// Registers the database and its stores behind their interfaces: the rest of the server never names a store's
/// provider. Nothing is opened here; the database opens (and migrates) when first resolved.
/// </summary>
internal static class StorageRegistration
{
    /// <summary>The connection string used when <c>ConnectionStrings:Scoring</c> is not set.</summary>
    public const string DefaultConnectionString = "Data Source=data/scoring.db";

    /// <summary>
    /// Adds <see cref="IScoringDatabase"/> and the five stores for <c>ConnectionStrings:Scoring</c>: SQLite for
    /// <c>Data Source=…</c>, PostgreSQL for <c>Host=…</c>, unless <c>Storage:Provider</c> (<c>sqlite</c> or
    /// <c>postgresql</c>) says otherwise.
    /// </summary>
    /// <exception cref="ArgumentException">The provider cannot be told or is not one of the two.</exception>
    public static IServiceCollection AddScoringStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("Scoring") ?? DefaultConnectionString;
        var provider = StorageProviders.Choose(connectionString, configuration["Storage:Provider"]);
        if (provider == StorageProvider.Sqlite)
        {
            services.AddSingleton(sp => new ScoringDatabase(connectionString, sp.GetRequiredService<TimeProvider>())
            {
                MaxPageCount = configuration.GetValue<long?>("Storage:MaxPageCount"),
                WalLimitBytes = configuration.GetValue("Storage:WalLimitBytes", 64L << 20),
                MmapBytes = configuration.GetValue("Storage:MmapBytes", 1L << 30),
            });
            services.AddSingleton(sp => ScoringStores.On(sp.GetRequiredService<ScoringDatabase>()));
        }
        else
        {
            // One PostgresDatabase, so one NpgsqlDataSource (and one pool) for every store.
            services.AddSingleton(sp => new PostgresDatabase(connectionString, sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton(sp => ScoringStores.On(sp.GetRequiredService<PostgresDatabase>()));
        }
        services.AddSingleton(sp => sp.GetRequiredService<ScoringStores>().Database);
        services.AddSingleton(sp => sp.GetRequiredService<ScoringStores>().Parcels);
        services.AddSingleton(sp => sp.GetRequiredService<ScoringStores>().Units);
        services.AddSingleton(sp => sp.GetRequiredService<ScoringStores>().Evaluations);
        services.AddSingleton(sp => sp.GetRequiredService<ScoringStores>().Models);
        services.AddSingleton(sp => sp.GetRequiredService<ScoringStores>().Layers);
        return services;
    }
}
