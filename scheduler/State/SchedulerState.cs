using Microsoft.Extensions.Logging;
using Sluice.Scheduler.Configuration;
using Sluice.Scheduler.Leadership;
using Sluice.ZooKeeper;

namespace Sluice.Scheduler.State;

/// <summary>
/// The scheduler's state store, leadership and control-plane secret, opened together from <see cref="SchedulerOptions"/>:
/// <c>--zk</c> gives a ZooKeeper session (authenticated with <c>--zk-auth</c>, see <see cref="ZooKeeperAuth"/>), a
/// <see cref="LeaderElection"/> and a <see cref="ZooKeeperStateStore"/> fenced by it; <c>--state file:PATH</c> a
/// <see cref="FileStateStore"/> (its lock file makes this the only scheduler) with <see cref="SoleLeadership"/>;
/// <c>--state memory</c> a <see cref="MemoryStateStore"/>.
/// </summary>
/// <remarks>
/// When <see cref="Leadership"/> reports <see cref="LeadershipState.Lost"/> (ZooKeeper session expired), this
/// instance is finished: dispose it and open a new one, which rejoins the election.
/// </remarks>
internal sealed class SchedulerState : IAsyncDisposable
{
    private readonly IAsyncDisposable? _client;
    private readonly IDisposable? _fileStore;

    private SchedulerState(IStateStore store, ILeadership leadership, string controlPlaneSecret, IAsyncDisposable? client, IDisposable? fileStore)
    {
        Store = store;
        Leadership = leadership;
        ControlPlaneSecret = controlPlaneSecret;
        _client = client;
        _fileStore = fileStore;
    }

    public IStateStore Store { get; }

    public ILeadership Leadership { get; }

    /// <summary>
    /// The secret executors must show (<see cref="ControlPlane.ControlPlaneSecret"/>): the flag, else the framework's
    /// kept in ZooKeeper or beside the file state; empty for a memory state without the flag.
    /// </summary>
    public string ControlPlaneSecret { get; }

    /// <summary>Opens the store and joins the leadership (for ZooKeeper: connects, creates the layout, starts contending).</summary>
    public static async Task<SchedulerState> OpenAsync(
        SchedulerOptions options, LeaderInfo self, ILoggerFactory loggers, TimeSpan? sessionTimeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.Zk))
        {
            var zk = new ZooKeeperClientOptions
            {
                ConnectionString = options.Zk,
                SessionTimeout = sessionTimeout ?? TimeSpan.FromSeconds(10),
                Digest = ZooKeeperAuth.Parse(options.ZkAuth),
            };
            await ZooKeeperChroot.EnsureAsync(zk, loggers, cancellationToken).ConfigureAwait(false);
            var client = await ZooKeeperClient.ConnectAsync(zk, loggers, cancellationToken).ConfigureAwait(false);
            try
            {
                var election = new LeaderElection(client, options.FrameworkName, self, loggers.CreateLogger<LeaderElection>());
                var store = new ZooKeeperStateStore(client, options.FrameworkName, election, loggers.CreateLogger<ZooKeeperStateStore>());
                await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
                // Before contending: no instance leads without the secret every instance shares.
                var secret = await ControlPlane.ControlPlaneSecret.ResolveAsync(options, client, loggers.CreateLogger(typeof(ControlPlane.ControlPlaneSecret)), cancellationToken)
                    .ConfigureAwait(false);
                await election.StartAsync(cancellationToken).ConfigureAwait(false);
                return new SchedulerState(store, election, secret, client, null);
            }
            catch
            {
                await client.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        var sole = new SoleLeadership(self, loggers.CreateLogger<SoleLeadership>());
        switch (options.State)
        {
            case "memory":
                return new SchedulerState(new MemoryStateStore(), sole, ControlPlane.ControlPlaneSecret.Resolve(options), null, null);
            case { } state when state.StartsWith("file:", StringComparison.Ordinal):
                var file = FileStateStore.Open(state["file:".Length..], loggers.CreateLogger<FileStateStore>());
                try
                {
                    return new SchedulerState(file, sole, ControlPlane.ControlPlaneSecret.Resolve(options), null, file);
                }
                catch
                {
                    // The secret file could not be kept: release the state's lock for the next attempt.
                    file.Dispose();
                    throw;
                }
            default:
                throw new ArgumentException($"Neither --zk nor a valid --state ('{options.State}') is set.", nameof(options));
        }
    }

    /// <summary>Resigns leadership, then closes the store (and the ZooKeeper session, deleting its election node).</summary>
    public async ValueTask DisposeAsync()
    {
        await Leadership.DisposeAsync().ConfigureAwait(false);
        _fileStore?.Dispose();
        if (_client is not null) await _client.DisposeAsync().ConfigureAwait(false);
    }
}
