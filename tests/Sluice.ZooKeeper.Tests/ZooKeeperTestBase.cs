using Sluice.Testing.ZooKeeper;

namespace Sluice.ZooKeeper.Tests;

/// <summary>
/// Gives each test a unique root node (<c>/t-&lt;guid&gt;</c>) on the shared server and clients that are disposed
/// after the test.
/// </summary>
public abstract class ZooKeeperTestBase(ZooKeeperServer server) : IAsyncLifetime
{
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly List<IAsyncDisposable> _owned = [];

    protected ZooKeeperServer Server { get; } = server;

    protected string Root { get; } = "/t-" + Guid.NewGuid().ToString("N")[..12];

    protected ZooKeeperClient Client { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Client = await ConnectAsync();
        await Client.CreateAsync(Root, default, CreateMode.Persistent);
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned)) await owned.DisposeAsync();
    }

    protected async Task<ZooKeeperClient> ConnectAsync(Func<ZooKeeperClientOptions, ZooKeeperClientOptions>? configure = null)
    {
        var options = new ZooKeeperClientOptions { ConnectionString = Server.ConnectionString, SessionTimeout = TimeSpan.FromSeconds(6) };
        var client = await ZooKeeperClient.ConnectAsync(configure?.Invoke(options) ?? options);
        _owned.Add(client);
        return client;
    }

    protected static byte[] Bytes(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    protected static string Text(byte[] bytes) => System.Text.Encoding.UTF8.GetString(bytes);
}
