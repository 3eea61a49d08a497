namespace Scoring.Testing;

/// <summary>
/// The store several replicas share in a test: a SQLite file in a temp folder, which replicas on one host can share,
/// with the periodic model refresh at 0.2 s as replicas on SQLite follow activations by polling.
/// </summary>
public sealed class SharedStore : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("scoring-shared-").FullName;

    /// <summary>The connection string every replica is given.</summary>
    public string ConnectionString => $"Data Source={Path.Combine(_folder, "scoring.db")}";

    /// <summary>Settings (command-line form) every replica is given.</summary>
    public string[] ReplicaSettings => ["--Scoring:ModelRefreshSeconds=0.2"];

    public ValueTask DisposeAsync()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }
}
