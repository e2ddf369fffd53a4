using System.Net;
using System.Net.Sockets;

namespace Sluice.Cli.Tests.Infrastructure;

internal static class FreePort
{
    /// <summary>A loopback port nothing listens on now.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
