using Scoring.Storage;

namespace Scoring.Server.Operations;

/// <summary>The <c>Storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Storage";

    /// <summary>Where backups go; relative to the working directory. Default: <c>backups</c> beside the database file.</summary>
    public string? BackupDirectory { get; set; }
}

/// <summary>
/// Snapshots of the live database, written into the configured backup directory. A SQLite feature: PostgreSQL is backed
/// up with its own tools, and asking for a backup there is refused.
/// </summary>
public sealed class Backups(IScoringDatabase database, IConfiguration configuration)
{
    /// <summary>The backup directory as a full path.</summary>
    public string Directory { get; } = Path.GetFullPath(
        configuration.GetSection(StorageOptions.Section).Get<StorageOptions>()?.BackupDirectory is { Length: > 0 } configured
            ? configured
            : Path.Combine(Path.GetDirectoryName(database.FilePath) ?? ".", "backups"));

    /// <summary>Writes a consistent snapshot while reads and writes go on; see <see cref="IScoringDatabase.BackupAsync"/>.</summary>
    /// <exception cref="BackupDirectoryUnwritableException">The directory cannot be created or written to.</exception>
    /// <exception cref="StorageFeatureUnavailableException">The database is PostgreSQL.</exception>
    public Task<DatabaseBackup> CreateAsync(CancellationToken cancellationToken) => database.BackupAsync(Directory, cancellationToken);
}
