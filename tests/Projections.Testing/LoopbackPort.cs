using System.Net;
using System.Net.Sockets;

namespace Projections.Testing;

/// <summary>Ports on 127.0.0.1 for tests: one the system just handed out and nothing listens on now.</summary>
public static class LoopbackPort
{
    /// <summary>
    /// A port nothing listens on (a connection to it is refused), and free to listen on: the system hands
    /// out a fresh port for a moment and it is released at once.
    /// </summary>
    public static int Unused()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
