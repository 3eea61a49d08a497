using System.Threading.Channels;
using Npgsql;

namespace Scoring.Storage.Postgres;

public sealed partial class PostgresDatabase
{
    // The channels the stores notify on, and the change each stands for.
    private static readonly Dictionary<string, StoreChange> Channels = new(StringComparer.Ordinal)
    {
        [PostgresModelStore.ActivationChannel] = StoreChange.ModelActivated,
        [PostgresModelStore.LabelChannel] = StoreChange.ModelLabeled,
        [PostgresLayerStore.LayerChannel] = StoreChange.LayerAdded,
        [PostgresParcelStore.ParcelChannel] = StoreChange.ParcelsStored,
    };

    /// <inheritdoc />
    /// <remarks>
    /// One dedicated connection (outside the pool, whose reset would drop the LISTEN) listens on the stores' channels and
    /// waits in <see cref="NpgsqlConnection.WaitAsync(CancellationToken)"/>, the only place Npgsql raises notifications
    /// between commands. PostgreSQL delivers a notification at commit and never replays one to a connection that was not
    /// listening, hence <see cref="StoreChange.Reconnected"/> after every reconnection.
    /// </remarks>
    public async Task FollowChangesAsync(Func<StoreChange, CancellationToken, Task> onChange, Action<Exception> onLost, CancellationToken cancellationToken)
    {
        var listening = new NpgsqlConnectionStringBuilder(_connectionString) { Pooling = false, KeepAlive = 10 }.ConnectionString;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(listening);
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                var heard = Channel.CreateUnbounded<StoreChange>();
                connection.Notification += (_, e) =>
                {
                    if (Channels.TryGetValue(e.Channel, out var change)) heard.Writer.TryWrite(change);
                };
                await using (var listen = new NpgsqlCommand(string.Concat(Channels.Keys.Select(c => $"LISTEN {c};")), connection))
                    await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await onChange(StoreChange.Reconnected, cancellationToken).ConfigureAwait(false);
                while (true)
                {
                    await connection.WaitAsync(cancellationToken).ConfigureAwait(false);
                    // A burst (a feed's chunks) is handed on once per kind.
                    var changes = new HashSet<StoreChange>();
                    while (heard.Reader.TryRead(out var change)) changes.Add(change);
                    foreach (var change in changes.Order()) await onChange(change, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                onLost(e);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
