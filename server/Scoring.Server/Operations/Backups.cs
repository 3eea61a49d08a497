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

/// <summary>Snapshots of the live database, written into the configured backup directory.</summary>
public sealed class Backups(ScoringDatabase database, IConfiguration configuration)
{
    /// <summary>The backup directory as a full path.</summary>
    public string Directory { get; } = Path.GetFullPath(
        configuration.GetSection(StorageOptions.Section).Get<StorageOptions>()?.BackupDirectory is { Length: > 0 } configured
            ? configured
            : Path.Combine(Path.GetDirectoryName(database.FilePath) ?? ".", "backups"));

    /// <summary>Writes a consistent snapshot while reads and writes go on; see <see cref="ScoringDatabase.BackupAsync"/>.</summary>
    /// <exception cref="BackupDirectoryUnwritableException">The directory cannot be created or written to.</exception>
    public Task<DatabaseBackup> CreateAsync(CancellationToken cancellationToken) => database.BackupAsync(Directory, cancellationToken);
}
