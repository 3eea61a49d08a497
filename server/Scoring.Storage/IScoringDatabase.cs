namespace Scoring.Storage;

/// <summary>The stores a database can be: the embedded SQLite file, or a PostgreSQL server shared by replicas.</summary>
public enum StorageProvider
{
    /// <summary>One SQLite file (<c>Data Source=…</c>), the embedded default.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database (<c>Host=…</c>), shared by every replica.</summary>
    PostgreSql,
}

/// <summary>A change a store announces to every replica on it, once committed.</summary>
public enum StoreChange
{
    /// <summary>The replica (re)connected to the announcements: what was announced meanwhile is lost, so read everything again.</summary>
    Reconnected,

    /// <summary>A model version was activated.</summary>
    ModelActivated,

    /// <summary>A layer version was stored.</summary>
    LayerAdded,

    /// <summary>A chunk of parcels was stored.</summary>
    ParcelsStored,

    /// <summary>A model label was set, moved or removed.</summary>
    ModelLabeled,
}

/// <summary>
/// What the service needs of the database itself, whichever store it is: a readiness probe, the naming of faults, and
/// backups where the store takes them. The data lives in the stores (<see cref="Parcels.IParcelStore"/> and the others).
/// </summary>
public interface IScoringDatabase
{
    /// <summary>Which store this is.</summary>
    StorageProvider Provider { get; }

    /// <summary>The schema version the database is at after opening (the number of migrations applied).</summary>
    int SchemaVersion { get; }

    /// <summary>Whether the database answers a trivial query; for readiness checks.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Looks for a storage fault now, for health checks. Null when none; otherwise the fault, with
    /// <see cref="StorageFault.Full"/> only while the last write found the database full.
    /// </summary>
    Task<StorageFaultException?> ProbeAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Names a failure as a <see cref="StorageFaultException"/> (null when it is not a storage fault) and remembers
    /// it where the store keeps faults until a probe clears them.
    /// </summary>
    StorageFaultException? Classify(Exception exception);

    /// <summary>
    /// Hands every change committed on the database (by any replica) to <paramref name="onChange"/>, one at a time, until
    /// cancelled: first <see cref="StoreChange.Reconnected"/>, and again after every reconnection. Completes at once on a
    /// store that announces nothing (SQLite: replicas follow each other by their periodic refresh).
    /// </summary>
    /// <param name="onChange">Called with each change.</param>
    /// <param name="onLost">Called when the announcements are lost (the connection broke); they are followed again a second later.</param>
    /// <param name="cancellationToken">Stops following.</param>
    Task FollowChangesAsync(Func<StoreChange, CancellationToken, Task> onChange, Action<Exception> onLost, CancellationToken cancellationToken);

    /// <summary>The database file's full path; null for a store without one (in memory, PostgreSQL).</summary>
    string? FilePath { get; }

    /// <summary>
    /// Writes a consistent snapshot of the live database into <paramref name="directory"/> while readers and writers go on.
    /// </summary>
    /// <exception cref="BackupDirectoryUnwritableException">The folder cannot be created, or the file not written in it.</exception>
    /// <exception cref="StorageFeatureUnavailableException">The store takes its backups with its own tools (PostgreSQL).</exception>
    Task<DatabaseBackup> BackupAsync(string directory, CancellationToken cancellationToken = default);
}

/// <summary>A feature of the SQLite store that another store leaves to its own tools; nothing was done.</summary>
/// <param name="feature">What was asked, e.g. "backups".</param>
/// <param name="provider">The store that lacks it.</param>
/// <param name="instead">What to use instead, as a sentence.</param>
public sealed class StorageFeatureUnavailableException(string feature, StorageProvider provider, string instead)
    : Exception($"{feature} are not available on {ProviderName(provider)}: {instead}")
{
    /// <summary>What was asked, e.g. "backups".</summary>
    public string Feature { get; } = feature;

    /// <summary>The store that lacks it.</summary>
    public StorageProvider Provider { get; } = provider;

    /// <summary>The provider's name as people write it.</summary>
    public static string ProviderName(StorageProvider provider) => provider == StorageProvider.PostgreSql ? "PostgreSQL" : "SQLite";
}
