using Scoring.Storage.Evaluations;
using Scoring.Storage.Layers;
using Scoring.Storage.Models;
using Scoring.Storage.Parcels;
using Scoring.Storage.Postgres;
using Scoring.Storage.Units;

namespace Scoring.Storage;

/// <summary>One database and the five stores on it, of either provider. Disposing it closes the database.</summary>
/// <param name="Database">The database itself.</param>
/// <param name="Parcels">The indicator cache.</param>
/// <param name="Units">The management units.</param>
/// <param name="Evaluations">The evaluation log.</param>
/// <param name="Models">Model versions and their audit log.</param>
/// <param name="Layers">The planner's layers.</param>
public sealed record ScoringStores(IScoringDatabase Database, IParcelStore Parcels, IUnitStore Units, IEvaluationStore Evaluations,
    IModelStore Models, ILayerStore Layers) : IDisposable
{
    /// <summary>The stores of a SQLite database.</summary>
    public static ScoringStores On(ScoringDatabase database) => new(database, new ParcelStore(database), new UnitStore(database),
        new EvaluationStore(database), new ModelStore(database), new LayerStore(database));

    /// <summary>The stores of a PostgreSQL database.</summary>
    public static ScoringStores On(PostgresDatabase database) => new(database, new PostgresParcelStore(database), new PostgresUnitStore(database),
        new PostgresEvaluationStore(database), new PostgresModelStore(database), new PostgresLayerStore(database));

    /// <summary>
    /// Opens (and migrates) the database <paramref name="connectionString"/> names, with default settings: SQLite for
    /// <c>Data Source=…</c>, PostgreSQL for <c>Host=…</c>, unless <paramref name="provider"/> says otherwise.
    /// </summary>
    /// <exception cref="ArgumentException">The provider cannot be told from the connection string.</exception>
    /// <exception cref="StorageFaultException">The database cannot be opened.</exception>
    public static ScoringStores Open(string connectionString, StorageProvider? provider = null, TimeProvider? time = null) =>
        (provider ?? StorageProviders.Choose(connectionString)) == StorageProvider.PostgreSql
            ? On(new PostgresDatabase(connectionString, time))
            : On(new ScoringDatabase(connectionString, time));

    /// <summary>Closes the database.</summary>
    public void Dispose() => (Database as IDisposable)?.Dispose();
}
