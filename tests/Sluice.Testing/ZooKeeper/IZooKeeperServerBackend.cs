namespace Sluice.Testing.ZooKeeper;

/// <summary>One way to run a ZooKeeper server for tests: a local java process or a container.</summary>
internal interface IZooKeeperServerBackend : IAsyncDisposable
{
    /// <summary>Human-readable name for diagnostics ("embedded", "container").</summary>
    string Kind { get; }

    string Host { get; }

    int Port { get; }

    /// <summary>Starts the server and returns when it answers <c>ruok</c>.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Stops the server abruptly, keeping its data.</summary>
    Task KillAsync(CancellationToken cancellationToken);

    /// <summary>Starts it again on the same address and data; returns when it answers <c>ruok</c>.</summary>
    Task RestartAsync(CancellationToken cancellationToken);
}
