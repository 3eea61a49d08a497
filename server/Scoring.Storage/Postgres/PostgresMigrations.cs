using System.Collections.Immutable;
using Npgsql;

namespace Scoring.Storage.Postgres;

/// <summary>
/// The numbered PostgreSQL migrations, embedded as <c>Postgres/Migrations/NNNN_name.sql</c>, one per SQLite migration
/// number, so both stores report the same schema version for the same shape. Applied versions are rows of
/// <c>schema_migrations</c>.
/// </summary>
internal static class PostgresMigrations
{
    private const string ResourcePrefix = "Scoring.Storage.Postgres.Migrations.";

    /// <summary>Script of migration k at index k − 1.</summary>
    internal static readonly ImmutableArray<string> Scripts = SchemaMigrations.Load(ResourcePrefix);

    /// <summary>
    /// Applies every migration above the database's version up to <paramref name="target"/>, all in one transaction that
    /// first takes <see cref="AdvisoryLocks.Migrations"/>: replicas starting at once wait for each other, and each reads
    /// what is pending only once the one before it has committed. Returns the version the database is at afterwards.
    /// </summary>
    internal static int Apply(NpgsqlDataSource dataSource, string name, int target)
    {
        var latest = Scripts.Length;
        using var connection = dataSource.OpenConnection();
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, "SELECT pg_advisory_xact_lock(@key);", ("key", AdvisoryLocks.Migrations));
        Execute(connection, transaction, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer     NOT NULL PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now()
            );
            """);
        var version = Convert.ToInt32(Scalar(connection, transaction, "SELECT coalesce(max(version), 0) FROM schema_migrations;"),
            System.Globalization.CultureInfo.InvariantCulture);
        if (version > latest) throw new SchemaTooNewException(name, version, latest);
        for (; version < target; version++)
        {
            Execute(connection, transaction, Scripts[version]);
            Execute(connection, transaction, "INSERT INTO schema_migrations (version) VALUES (@version);", ("version", version + 1));
        }
        transaction.Commit();
        return version;
    }

    private static object? Scalar(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        return command.ExecuteScalar();
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (parameterName, value) in parameters) command.Parameters.AddWithValue(parameterName, value);
        command.ExecuteNonQuery();
    }
}
