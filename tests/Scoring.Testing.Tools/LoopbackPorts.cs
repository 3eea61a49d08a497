using System.Net;
using System.Net.Sockets;

namespace Scoring.Testing;

/// <summary>Ports for the servers, proxies and clusters the tests start on 127.0.0.1.</summary>
public static class LoopbackPorts
{
    /// <summary>A TCP port free on the loopback interface at the time of asking.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
