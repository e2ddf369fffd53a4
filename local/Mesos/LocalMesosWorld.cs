using Sluice.Local.Mesos.Agent;
using Sluice.Local.Mesos.Master;

namespace Sluice.Local.Mesos;

/// <summary>
/// A whole local Mesos: one master and <see cref="LocalMesosOptions.AgentCount"/> agents, each agent
/// with its own executor endpoint. Disposing it kills every process the agents started.
/// </summary>
/// <example><code>
/// await using var mesos = await LocalMesosWorld.StartAsync(new LocalMesosOptions { AgentCount = 2 });
/// // point a scheduler at mesos.MasterUrl
/// </code></example>
public sealed class LocalMesosWorld : IAsyncDisposable
{
    private readonly string? _ownedWorkDirectory;

    private LocalMesosWorld(LocalMesosMaster master, IReadOnlyList<LocalMesosAgent> agents, string workDirectory, string? owned)
    {
        Master = master;
        Agents = agents;
        WorkDirectory = workDirectory;
        _ownedWorkDirectory = owned;
    }

    public LocalMesosMaster Master { get; }

    public IReadOnlyList<LocalMesosAgent> Agents { get; }

    /// <summary><c>http://127.0.0.1:port</c> of the master.</summary>
    public Uri MasterUrl => Master.Url;

    /// <summary>Where the agents keep sandboxes (<c>slaves/&lt;agent&gt;/frameworks/&lt;fw&gt;/executors/&lt;id&gt;/runs/&lt;container&gt;</c>).</summary>
    public string WorkDirectory { get; }

    public static async Task<LocalMesosWorld> StartAsync(LocalMesosOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        string? owned = null;
        var workDirectory = options.WorkDirectory;
        if (workDirectory is null)
        {
            workDirectory = owned = Path.Combine(Path.GetTempPath(), "sluice-mesos-" + Guid.NewGuid().ToString("N")[..12]);
        }
        Directory.CreateDirectory(workDirectory);
        var master = await LocalMesosMaster.StartAsync(options, cancellationToken).ConfigureAwait(false);
        var agents = new List<LocalMesosAgent>();
        try
        {
            for (var i = 0; i < options.AgentCount; i++)
            {
                agents.Add(await LocalMesosAgent.StartAsync(options, master, workDirectory, i, cancellationToken).ConfigureAwait(false));
            }
        }
        catch
        {
            foreach (var agent in agents)
            {
                await agent.DisposeAsync().ConfigureAwait(false);
            }
            await master.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new LocalMesosWorld(master, agents, workDirectory, owned);
    }

    /// <summary>
    /// Restarts the master the way a Mesos master fails over: it stops (every scheduler stream and
    /// agent connection is cut, connections are refused), stays down for <paramref name="downtime"/>,
    /// and starts again on the same URL knowing only its registry of agents. Executors keep
    /// running throughout; agents register again with their tasks, and schedulers subscribe again
    /// with their framework ids. See <see cref="LocalMesosMaster.StopAsync"/> and
    /// <see cref="LocalMesosMaster.RecoverAsync"/> to hold the master down yourself.
    /// </summary>
    public Task RestartMasterAsync(TimeSpan downtime, CancellationToken cancellationToken = default) =>
        Master.RestartAsync(downtime, cancellationToken);

    /// <summary>Stops agents first (killing every executor process tree), then the master.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var agent in Agents)
        {
            await agent.DisposeAsync().ConfigureAwait(false);
        }
        await Master.DisposeAsync().ConfigureAwait(false);
        if (_ownedWorkDirectory is not null)
        {
            try
            {
                Directory.Delete(_ownedWorkDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a sandbox file still held open is left behind in the temp directory.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
