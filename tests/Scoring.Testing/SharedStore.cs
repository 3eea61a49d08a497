namespace Scoring.Testing;

/// <summary>
/// The store several server replicas share in a test: a database on a throwaway PostgreSQL cluster of its own when
/// PostgreSQL is installed (always in CI, which sets SCORING_REQUIRE_TOOLS=1), else a SQLite file in a temp folder,
/// which replicas on one host can share. On PostgreSQL replicas are told of an activation at once (LISTEN/NOTIFY): their
/// periodic refresh is put off to an hour, so that a test proves the notification. On SQLite they follow by polling, every
/// 0.2 s here.
/// </summary>
public sealed class SharedStore : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("scoring-shared-").FullName;
    private PostgresCluster? _cluster;

    private SharedStore()
    {
    }

    /// <summary>The connection string every replica is given.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>Whether the store is PostgreSQL.</summary>
    public bool IsPostgres => _cluster is not null;

    /// <summary>Settings (command-line form) every replica is given.</summary>
    public string[] ReplicaSettings => IsPostgres ? ["--Scoring:ModelRefreshSeconds=3600"] : ["--Scoring:ModelRefreshSeconds=0.2"];

    /// <summary>Creates the store: PostgreSQL when installed or required, else SQLite.</summary>
    public static async Task<SharedStore> CreateAsync()
    {
        var store = new SharedStore();
        if (InstalledTools.Find(PostgresCluster.Program) is not null || InstalledTools.Required)
        {
            store._cluster = new PostgresCluster();
            await store._cluster.InitializeAsync();
            store.ConnectionString = await store._cluster.CreateDatabaseAsync("replicas");
        }
        else
        {
            store.ConnectionString = $"Data Source={Path.Combine(store._folder, "scoring.db")}";
        }
        return store;
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
