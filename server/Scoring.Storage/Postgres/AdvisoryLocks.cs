using Npgsql;

namespace Scoring.Storage.Postgres;

/// <summary>
/// The transaction-scoped advisory locks (<c>pg_advisory_xact_lock</c>) that serialise writers across replicas where the
/// schema alone cannot: released at commit or rollback, so they are safe behind a transaction-pooling proxy. Keys are
/// fixed numbers, "SCORING" in ASCII followed by a small number, unlikely to meet another application's.
/// </summary>
internal static class AdvisoryLocks
{
    private const long Base = 0x53434F52494E4700;

    /// <summary>Taken before reading which migrations are pending, so replicas starting together migrate once.</summary>
    public const long Migrations = Base + 1;

    /// <summary>Model versions, activations and their audit records: numbers and audit ids follow commit order.</summary>
    public const long Models = Base + 2;

    /// <summary>Layer versions: numbered per layer without two writers taking the same number.</summary>
    public const long Layers = Base + 3;

    /// <summary>Waits for <paramref name="key"/> in <paramref name="transaction"/>; held until it ends.</summary>
    public static async Task TakeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long key, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key);", connection, transaction);
        command.Parameters.AddWithValue("key", key);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
