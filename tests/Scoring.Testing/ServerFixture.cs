using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Scoring.Server.Extensions;
using Xunit;

namespace Scoring.Testing;

/// <summary>A real Kestrel server on 127.0.0.1 with an ephemeral port and its own SQLite file.</summary>
public class ServerFixture : IAsyncLifetime
{
    private WebApplication? _app;

    /// <summary>Folder holding this server's database; deleted at the end.</summary>
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "scoring-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>The server's address, e.g. http://127.0.0.1:41234.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>An HTTP/2 channel to the server.</summary>
    public GrpcChannel Channel { get; private set; } = null!;

    /// <summary>Extra configuration given as command-line arguments.</summary>
    protected virtual IEnumerable<string> ExtraArgs => [];

    /// <summary>Where to listen; the default is one HTTP/2 cleartext endpoint on an ephemeral port.</summary>
    protected virtual IEnumerable<string> EndpointArgs => ["--urls", "http://127.0.0.1:0"];

    /// <summary>The address of the gRPC endpoint among those the server listens on.</summary>
    protected virtual Uri GrpcAddress(IReadOnlyCollection<string> addresses) => new(addresses.First());

    /// <summary>Starts the server and opens the channel.</summary>
    public virtual async Task InitializeAsync()
    {
        Directory.CreateDirectory(DataDirectory);
        string[] args =
        [
            .. EndpointArgs,
            "--environment", "Development",
            $"--ConnectionStrings:Scoring=Data Source={Path.Combine(DataDirectory, "scoring.db")}",
            "--Logging:LogLevel:Default=Warning",
            .. ExtraArgs,
        ];
        _app = ScoringApp.Create(args);
        await _app.StartAsync();
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        Address = GrpcAddress(addresses.Addresses.ToList());
        Channel = GrpcChannel.ForAddress(Address);
    }

    /// <summary>
    /// Starts a second replica on this server's database file, with <paramref name="settings"/> (command-line form) added;
    /// the caller stops and disposes of it.
    /// </summary>
    public async Task<(WebApplication Replica, GrpcChannel Channel)> StartReplicaAsync(params string[] settings)
    {
        var replica = ScoringApp.Create(
        [
            "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning",
            $"--ConnectionStrings:Scoring=Data Source={Path.Combine(DataDirectory, "scoring.db")}",
            .. settings,
        ]);
        await replica.StartAsync();
        var addresses = replica.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        return (replica, GrpcChannel.ForAddress(addresses.Addresses.First()));
    }

    /// <summary>A free TCP port on the loopback interface.</summary>
    protected static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Stops the server and deletes its folder.</summary>
    public virtual async Task DisposeAsync()
    {
        Channel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}
