using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Sluice.Testing.ZooKeeper;
using Sluice.ZooKeeper.Native;

namespace Sluice.ZooKeeper.Tests;

public sealed class NativeLogRoutingTests
{
    [Fact]
    public async Task C_client_log_lines_reach_the_ILogger_of_the_client()
    {
        using var port = new TcpListener(IPAddress.Loopback, 0); // reserved, never accepted: connections are refused
        port.Start();
        var address = $"127.0.0.1:{((IPEndPoint)port.LocalEndpoint).Port}";
        port.Stop();
        var logs = new CapturingLoggerFactory();

        await Assert.ThrowsAsync<ZooKeeperException>(() => ZooKeeperClient.ConnectAsync(
            new ZooKeeperClientOptions { ConnectionString = address, ConnectTimeout = TimeSpan.FromSeconds(2) }, logs));

        Assert.Contains(logs.Lines, l => l.Category == NativeLog.Category && l.Level == LogLevel.Warning);
    }
}
