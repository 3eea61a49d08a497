namespace Scoring.Storage;

/// <summary>The database was written by a newer build: its schema version is beyond what this code knows.</summary>
public sealed class SchemaTooNewException(string dataSource, int databaseVersion, int supportedVersion)
    : Exception($"The database '{dataSource}' has schema version {databaseVersion}, but this build knows versions up to " +
                $"{supportedVersion}; refusing to open it. Run a build that knows version {databaseVersion}, or restore a " +
                $"backup made at version {supportedVersion} or earlier.")
{
    /// <summary>The schema version found in the database (<c>PRAGMA user_version</c>).</summary>
    public int DatabaseVersion { get; } = databaseVersion;

    /// <summary>The newest schema version this build knows.</summary>
    public int SupportedVersion { get; } = supportedVersion;
}
