using Microsoft.Data.Sqlite;

namespace Scoring.Storage;

public sealed partial class ScoringDatabase
{
    // "Does the cache hold any parcel?", asked before every chunk and single parcel scored from inline data, is
    // answered on a connection of its own with two statements prepared once: PRAGMA data_version, which changes
    // whenever another connection (of this process or another) commits to the file, and, only when it has changed since
    // the cache was last found empty, a one-row probe of the parcels. A district scored only from what its callers send
    // then costs no pooled connection and no statement preparation per chunk.
    private readonly object _watching = new();
    private SqliteConnection? _watcher;
    private SqliteCommand? _dataVersion;
    private SqliteCommand? _anyParcel;
    // The data_version at which the cache was last found empty; -1 when it was not.
    private long _emptyAt = -1;
    // Set when the pools are cleared (a fault, a file taken back): the watcher is closed at its next use.
    private volatile bool _watcherStale;

    /// <summary>
    /// Whether the parcel cache is known to hold no parcel. False when it holds some, and whenever it cannot be told
    /// cheaply (an in-memory database, a fault): the caller then reads as usual, and meets the fault there.
    /// </summary>
    internal bool ParcelsKnownEmpty()
    {
        if (_walPath is null) return false; // shared-cache connections see each other's commits without a new data_version
        lock (_watching)
        {
            try
            {
                if (_watcherStale)
                {
                    _watcherStale = false;
                    CloseWatcher();
                }
                if (_watcher is null)
                {
                    _watcher = Open(pooled: false);
                    // A file that could be opened only for reading (no write permission): a watcher kept open in that
                    // state would hold the shared memory read-only after permission comes back, so none is kept.
                    if (SQLitePCL.raw.sqlite3_db_readonly(_watcher.Handle, "main") == 1)
                    {
                        CloseWatcher();
                        return false;
                    }
                    (_dataVersion, _anyParcel) = (_watcher.CreateCommand(), _watcher.CreateCommand());
                    _dataVersion.CommandText = "PRAGMA data_version;";
                    _anyParcel.CommandText = "SELECT 1 FROM parcels LIMIT 1;";
                }
                // A watcher on a deleted or replaced file would go on seeing the old one.
                EnsureInPlace(_watcher);
                var version = (long)_dataVersion!.ExecuteScalar()!;
                if (version == _emptyAt) return true;
                var empty = _anyParcel!.ExecuteScalar() is null;
                _emptyAt = empty ? version : -1;
                return empty;
            }
            catch (Exception e) when (e is SqliteException or StorageFaultException or IOException or InvalidOperationException)
            {
                CloseWatcher();
                return false;
            }
        }
    }

    private void CloseWatcher()
    {
        lock (_watching)
        {
            _dataVersion?.Dispose();
            _anyParcel?.Dispose();
            _watcher?.Dispose();
            (_watcher, _dataVersion, _anyParcel, _emptyAt) = (null, null, null, -1);
        }
    }
}
