using System.Data.Common;

namespace Scoring.Storage;

/// <summary>Which store a connection string names: <c>Data Source=…</c> is SQLite, <c>Host=…</c> is PostgreSQL.</summary>
public static class StorageProviders
{
    /// <summary>
    /// The store for <paramref name="connectionString"/>; <paramref name="configured"/> (<c>Storage:Provider</c>:
    /// <c>sqlite</c> or <c>postgresql</c>), when given, decides instead.
    /// </summary>
    /// <exception cref="ArgumentException">The setting names no store, or the connection string names neither.</exception>
    public static StorageProvider Choose(string connectionString, string? configured = null)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured.Trim().ToLowerInvariant() switch
            {
                "sqlite" => StorageProvider.Sqlite,
                "postgresql" or "postgres" => StorageProvider.PostgreSql,
                _ => throw new ArgumentException($"Storage:Provider is '{configured}'; it must be sqlite or postgresql.", nameof(configured)),
            };
        }
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"The connection string cannot be read: {e.Message}", nameof(connectionString), e);
        }
        if (builder.ContainsKey("Host") || builder.ContainsKey("Server")) return StorageProvider.PostgreSql;
        if (builder.ContainsKey("Data Source") || builder.ContainsKey("DataSource") || builder.ContainsKey("Filename")) return StorageProvider.Sqlite;
        throw new ArgumentException(
            "The connection string names neither a SQLite file (Data Source=…) nor a PostgreSQL server (Host=…); " +
            "give one of them, or set Storage:Provider to sqlite or postgresql.", nameof(connectionString));
    }
}
