using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Scheduler.Configuration;
using Sluice.Scheduler.Leadership;
using Sluice.Scheduler.State;
using Sluice.Testing.ZooKeeper;
using Sluice.ZooKeeper;

namespace Sluice.Scheduler.Tests.State;

/// <summary>
/// The scheduler states and bare ZooKeeper sessions a test opens on the shared server; disposing it closes them,
/// the last opened first.
/// </summary>
internal sealed class ZooKeeperSessions(ZooKeeperServer server) : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];

    public string ConnectionString => server.ConnectionString;

    /// <summary>A scheduler's state as <see cref="SchedulerState.OpenAsync"/> opens it, with a short session timeout.</summary>
    public async Task<SchedulerState> OpenAsync(SchedulerOptions options, LeaderInfo self, ILoggerFactory? logs = null)
    {
        var state = await SchedulerState.OpenAsync(options, self, logs ?? NullLoggerFactory.Instance, TimeSpan.FromSeconds(6));
        _owned.Add(state);
        return state;
    }

    /// <summary>A session of its own, anonymous or with <paramref name="digest"/> credentials.</summary>
    public async Task<ZooKeeperClient> ClientAsync(DigestCredentials? digest = null)
    {
        var client = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectionString = server.ConnectionString, Digest = digest });
        _owned.Add(client);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }
    }
}
