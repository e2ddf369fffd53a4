using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;

namespace Sluice.Testing.ZooKeeper;

/// <summary>
/// The official <c>zookeeper</c> image through Testcontainers, bound to a fixed free host port so that the
/// address survives a stop and start of the same container (whose data volume stays attached).
/// </summary>
/// <remarks>
/// <see cref="KillAsync"/> is <c>docker stop</c> (SIGTERM, then SIGKILL after the engine's timeout): the server
/// runs as the container's PID 1, which ignores a SIGKILL sent from inside the container.
/// </remarks>
internal sealed class ContainerZooKeeperServer : IZooKeeperServerBackend
{
    public const string Image = "zookeeper:3.8";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private IContainer? _container;

    public string Kind => "container";

    public string Host => "127.0.0.1";

    public int Port { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Port = FreeLoopbackPort();
        _container = new ContainerBuilder(Image)
            .WithPortBinding(Port, 2181)
            .WithEnvironment("ZOO_4LW_COMMANDS_WHITELIST", "*")
            .WithEnvironment("ZOO_ADMINSERVER_ENABLED", "false")
            .WithEnvironment("ZOO_TICK_TIME", "2000")
            .Build();
        await _container.StartAsync(cancellationToken).ConfigureAwait(false);
        await WaitUntilOkAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task KillAsync(CancellationToken cancellationToken) => Container.StopAsync(cancellationToken);

    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        await Container.StartAsync(cancellationToken).ConfigureAwait(false);
        await WaitUntilOkAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_container is not null) await _container.DisposeAsync().ConfigureAwait(false);
    }

    private IContainer Container => _container ?? throw new InvalidOperationException("The ZooKeeper container is not started.");

    private async Task WaitUntilOkAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!await FourLetterWords.IsOkAsync(Host, Port, TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false))
        {
            if (stopwatch.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"The ZooKeeper container ({Image}) did not answer ruok on {Host}:{Port} within {StartTimeout.TotalSeconds:0} s.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
