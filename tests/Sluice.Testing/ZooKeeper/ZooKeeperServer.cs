using Sluice.Testing.Containers;
using Xunit;

namespace Sluice.Testing.ZooKeeper;

/// <summary>
/// A real ZooKeeper server for tests, meant as an xunit collection fixture (one server per test collection):
/// Debian's server as a local java process, or a Testcontainers container where a Docker engine answers
/// (<see cref="ContainerMode.Variable"/> = never | always | auto overrides the choice).
/// Starting never silently skips: a missing java or jar, or <c>always</c> without Docker, fails with a clear message.
/// </summary>
public sealed class ZooKeeperServer : IAsyncLifetime, IAsyncDisposable
{
    private static readonly TimeSpan FourLetterWordTimeout = TimeSpan.FromSeconds(5);
    private IZooKeeperServerBackend? _backend;

    /// <summary>"embedded" or "container".</summary>
    public string Kind => Backend.Kind;

    public string Host => Backend.Host;

    public int Port => Backend.Port;

    /// <summary>The client connection string, <c>127.0.0.1:port</c>.</summary>
    public string ConnectionString => $"{Host}:{Port}";

    /// <summary>True while the server process (or container) is up.</summary>
    public bool IsRunning { get; private set; }

    private IZooKeeperServerBackend Backend => _backend ?? throw new InvalidOperationException("The ZooKeeper server is not started.");

    public async Task InitializeAsync()
    {
        // Throws with a clear message for "always" without a Docker engine; never skips silently.
        _backend = ContainerMode.UseContainers ? new ContainerZooKeeperServer() : new EmbeddedZooKeeperServer();
        await _backend.StartAsync(CancellationToken.None).ConfigureAwait(false);
        IsRunning = true;
    }

    /// <summary>Sends a four-letter word (<c>ruok</c>, <c>srvr</c>, <c>stat</c>, <c>cons</c>…) and returns the answer.</summary>
    public Task<string> SendFourLetterWordAsync(string word, CancellationToken cancellationToken = default) =>
        FourLetterWords.SendAsync(Host, Port, word, FourLetterWordTimeout, cancellationToken);

    /// <summary>Kills the server abruptly (SIGKILL for the embedded one); its data directory stays.</summary>
    public async Task KillAsync(CancellationToken cancellationToken = default)
    {
        await Backend.KillAsync(cancellationToken).ConfigureAwait(false);
        IsRunning = false;
    }

    /// <summary>Starts the server again on the same port and data (killing it first if it runs); returns when it answers <c>ruok</c>.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await Backend.RestartAsync(cancellationToken).ConfigureAwait(false);
        IsRunning = true;
    }

    public async Task DisposeAsync()
    {
        if (_backend is { } backend)
        {
            _backend = null;
            IsRunning = false;
            await backend.DisposeAsync().ConfigureAwait(false);
        }
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());
}
