using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Scoring.Storage;

/// <summary>A finished snapshot of the database.</summary>
/// <param name="FilePath">The snapshot's full path.</param>
/// <param name="SizeBytes">Its size in bytes.</param>
/// <param name="CreateTime">When it was started: it holds every write committed before this moment.</param>
public sealed record DatabaseBackup(string FilePath, long SizeBytes, DateTimeOffset CreateTime)
{
    /// <summary>The snapshot's file name, e.g. <c>scoring-20261201T021500Z.db</c>.</summary>
    public string FileName => Path.GetFileName(FilePath);
}

/// <summary>A backup directory that cannot be created or written to.</summary>
public sealed class BackupDirectoryUnwritableException(string directory, string problem, Exception? inner = null)
    : Exception($"cannot write a backup into '{directory}': {problem}", inner)
{
    /// <summary>The backup directory, as a full path.</summary>
    public string Directory { get; } = directory;
}

public sealed partial class ScoringDatabase
{
    /// <summary>The database file's full path; null for an in-memory database.</summary>
    public string? FilePath => _keepAlive is null ? _dataSource : null;

    /// <summary>
    /// Writes a consistent snapshot of the live database into <paramref name="directory"/> (created if missing) as
    /// <c>scoring-yyyyMMddTHHmmssZ.db</c> (UTC; <c>-2</c>, <c>-3</c>… when that name is taken), while readers and
    /// writers go on. The file appears under its name only once complete and flushed to disk; an existing file is
    /// never overwritten.
    /// </summary>
    /// <exception cref="BackupDirectoryUnwritableException">The folder cannot be created, or the file not written in it.</exception>
    public async Task<DatabaseBackup> BackupAsync(string directory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        directory = Path.GetFullPath(directory);
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BackupDirectoryUnwritableException(directory, e.Message, e);
        }

        // Read before the snapshot's read transaction begins, so every write committed before it is in the copy.
        var createTime = Time.GetUtcNow();
        var stem = "scoring-" + createTime.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        // Not named *.db, so a copy cut short (a crash, a full disk) is never taken for a backup.
        var partial = Path.Combine(directory, $".{stem}.{Guid.NewGuid():N}.partial");
        try
        {
            await Task.Run(() => Snapshot(partial, directory, cancellationToken), cancellationToken).ConfigureAwait(false);
            var path = Publish(partial, directory, stem);
            return new DatabaseBackup(path, new FileInfo(path).Length, createTime);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Syncing or renaming the copy in the folder failed.
            throw new BackupDirectoryUnwritableException(directory, e.Message, e);
        }
        finally
        {
            DeletePartial(partial);
        }
    }

    // VACUUM INTO rather than the backup API (Microsoft.Data.Sqlite's BackupDatabase): both read the source in one
    // read transaction, which in WAL mode blocks neither the writer nor other readers (only the WAL cannot be reset
    // past the snapshot until the copy ends). But BackupDatabase copies every page in one uninterruptible step (and a
    // stepwise backup starts over whenever another connection writes, so under steady ingest it might never end),
    // whereas VACUUM INTO can be interrupted when the caller gives up, refuses a target that exists, and writes a
    // compacted file.
    private void Snapshot(string target, string directory, CancellationToken cancellationToken)
    {
        using var connection = Open(pooled: false);
        // The interrupt ends the statement with SQLITE_INTERRUPT; the connection is discarded after it.
        using var interrupt = cancellationToken.Register(() => SQLitePCL.raw.sqlite3_interrupt(connection.Handle));
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = "VACUUM INTO $target;";
            command.Parameters.AddWithValue("$target", target);
            command.CommandTimeout = 0;
            command.ExecuteNonQuery();
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SQLitePCL.raw.SQLITE_INTERRUPT && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is SQLitePCL.raw.SQLITE_CANTOPEN or SQLitePCL.raw.SQLITE_PERM
                                             or SQLitePCL.raw.SQLITE_READONLY or SQLitePCL.raw.SQLITE_FULL)
        {
            throw new BackupDirectoryUnwritableException(directory, e.SqliteErrorCode == SQLitePCL.raw.SQLITE_FULL
                ? "no space left for the copy" : "the folder cannot be written to", e);
        }
        cancellationToken.ThrowIfCancellationRequested();
        // SQLite does not sync what VACUUM INTO writes: sync it before the file takes its name.
        using var written = new FileStream(target, FileMode.Open, FileAccess.ReadWrite);
        written.Flush(flushToDisk: true);
    }

    // Gone already when published; a copy left by a failure that also stops its removal is harmless (not *.db).
    private static void DeletePartial(string partial)
    {
        try
        {
            File.Delete(partial);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    // Gives the complete file its name without ever replacing another: File.Move without overwrite fails when the
    // name is taken (it links the new name on Unix, so two servers sharing a folder cannot both win it).
    private static string Publish(string partial, string directory, string stem)
    {
        for (var n = 1; ; n++)
        {
            var path = Path.Combine(directory, n == 1 ? $"{stem}.db" : $"{stem}-{n}.db");
            if (File.Exists(path)) continue;
            try
            {
                File.Move(partial, path, overwrite: false);
                return path;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Taken between the check and the move: try the next name.
            }
        }
    }
}
