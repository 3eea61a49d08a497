using System.Diagnostics;
using Npgsql;
using Xunit;

namespace Scoring.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster from Debian's packages for one test run: <c>initdb</c> into a temp folder, <c>pg_ctl
/// start</c> on 127.0.0.1 at a free port with its socket in that folder, and at the end <c>pg_ctl stop -m immediate</c> and
/// the folder deleted. As root (CI) the programs run as the <c>postgres</c> user, since initdb refuses root. Its default
/// collation is ICU's English, not byte order, so the schema's own byte-order ids are what the listings rely on.
/// Share it through the <see cref="Collection"/> collection (define it in each test assembly with
/// <see cref="ICollectionFixture{TFixture}"/>); a test class takes a database of its own.
/// </summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    /// <summary>The name of the test collection that shares the cluster.</summary>
    public const string Collection = "PostgreSQL";

    /// <summary>The program the cluster needs, for <see cref="NeedsToolAttribute"/>.</summary>
    public const string Program = "initdb";

    /// <summary>The Debian package that installs it.</summary>
    public const string Package = "postgresql";

    private readonly Dictionary<string, string> _databases = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _creating = new(1, 1);
    private string? _folder;
    private string? _bin;
    private int _port;

    private static bool AsRoot => Environment.UserName == "root";

    /// <summary>Initialises a cluster and starts it; does nothing when PostgreSQL is not installed and not <see cref="InstalledTools.Required"/>.</summary>
    public async Task InitializeAsync()
    {
        var initdb = InstalledTools.Find(Program);
        if (initdb is null)
        {
            if (InstalledTools.Required) throw new InvalidOperationException($"{Program} is not installed (apt-get install {Package})");
            return;
        }
        _bin = Path.GetDirectoryName(initdb)!;
        _folder = Directory.CreateTempSubdirectory("scoring-pg-").FullName;
        if (AsRoot) await RunAsync("chown", "postgres:postgres", _folder);
        await RunAsPostgresAsync(initdb, "-D", Data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8",
            "--locale-provider=icu", "--icu-locale=en", "--no-sync");
        for (var attempt = 1; ; attempt++)
        {
            var port = LoopbackPorts.Free();
            try
            {
                await RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), "-D", Data, "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "60", "-o",
                    $"-k {_folder} -p {port} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
                    "start");
                _port = port;
                return;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // The port was taken between choosing it and binding it: another one.
            }
        }
    }

    /// <summary>The connection string of <paramref name="database"/> on this cluster.</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Started()};Username=postgres;Database={database};Maximum Pool Size=20;Timeout=30";

    /// <summary>A new, empty database; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\";", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>The database of <paramref name="owner"/> (a test class), created empty on first use; its connection string.</summary>
    public async Task<string> DatabaseOfAsync(string owner)
    {
        await _creating.WaitAsync();
        try
        {
            if (!_databases.TryGetValue(owner, out var connectionString))
                _databases[owner] = connectionString = await CreateDatabaseAsync(owner.ToLowerInvariant());
            return connectionString;
        }
        finally
        {
            _creating.Release();
        }
    }

    /// <summary>Stops the cluster at once and deletes its folder.</summary>
    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_port != 0) await RunAsPostgresAsync(Path.Combine(_bin!, "pg_ctl"), "-D", Data, "-m", "immediate", "stop");
        if (_folder is not null)
            try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private string Data => Path.Combine(_folder!, "data");

    private int Started() => _port != 0 ? _port
        : throw new InvalidOperationException($"PostgreSQL is not running: {Program} is not installed (apt-get install {Package})");

    private static Task RunAsPostgresAsync(string program, params string[] arguments) =>
        AsRoot ? RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments]) : RunAsync(program, arguments);

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}{await output}");
    }

}
