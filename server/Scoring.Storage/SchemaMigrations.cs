using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Scoring.Storage;

/// <summary>
/// The numbered schema migrations, embedded as <c>Migrations/NNNN_name.sql</c>. Migration k takes the database
/// from <c>user_version</c> k − 1 to k, in one transaction together with the version bump.
/// </summary>
internal static class SchemaMigrations
{
    private const string ResourcePrefix = "Scoring.Storage.Migrations.";

    /// <summary>Script of migration k at index k − 1.</summary>
    internal static readonly ImmutableArray<string> Scripts = Load(ResourcePrefix);

    // Work a migration needs done in code before its script, in the same transaction, by migration number.
    private static readonly Dictionary<int, Action<SqliteConnection, SqliteTransaction>> BeforeScript = new()
    {
        // The packed layout is binary: rows not packed yet are packed here before the per-value table goes.
        [8] = Parcels.ParcelStore.PackFromValueTable,
        // Likewise for the log: the per-value rows are packed into one row per parcel write before their table goes.
        [11] = Parcels.ParcelStore.LogFromValueTable,
    };

    /// <summary>The scripts embedded under <paramref name="prefix"/> (<c>NNNN_name.sql</c>), numbered 1, 2, 3… without a gap.</summary>
    internal static ImmutableArray<string> Load(string prefix)
    {
        var assembly = typeof(SchemaMigrations).Assembly;
        var names = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        var scripts = ImmutableArray.CreateBuilder<string>(names.Count);
        for (var i = 0; i < names.Count; i++)
        {
            // A gap or a duplicate number would silently skip or repeat a step; refuse to start instead.
            var file = names[i][prefix.Length..];
            var number = file.Length > 4 && int.TryParse(file.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
            if (number != i + 1)
                throw new InvalidOperationException($"Migration '{file}' should be numbered {i + 1:D4}.");
            using var stream = assembly.GetManifestResourceStream(names[i])!;
            using var reader = new StreamReader(stream);
            scripts.Add(reader.ReadToEnd());
        }
        return scripts.MoveToImmutable();
    }

    /// <summary>Reads <c>PRAGMA user_version</c>.</summary>
    internal static int UserVersion(SqliteConnection connection, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Applies every migration above the database's version up to <paramref name="target"/>; returns the version
    /// the database is at afterwards. The caller holds the write lock.
    /// </summary>
    internal static int Apply(SqliteConnection connection, string dataSource, int target)
    {
        var latest = Scripts.Length;
        var version = UserVersion(connection);
        if (version > latest) throw new SchemaTooNewException(dataSource, version, latest);
        while (version < target)
        {
            // BEGIN IMMEDIATE, then read the version again: another process may have migrated meanwhile.
            using var transaction = connection.BeginTransaction(deferred: false);
            version = UserVersion(connection, transaction);
            if (version > latest) throw new SchemaTooNewException(dataSource, version, latest);
            if (version >= target) break;
            if (BeforeScript.TryGetValue(version + 1, out var step)) step(connection, transaction);
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = Scripts[version] + $"\nPRAGMA user_version = {(version + 1).ToString(CultureInfo.InvariantCulture)};";
                command.ExecuteNonQuery();
            }
            transaction.Commit();
            version++;
        }
        return version;
    }
}
