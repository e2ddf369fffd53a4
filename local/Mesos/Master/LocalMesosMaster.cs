using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Sluice.Proto.Mesos.V1;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;
using Sluice.Proto.Mesos.V1.Scheduler;
using Sluice.Local.Mesos.Agent;

namespace Sluice.Local.Mesos.Master;

/// <summary>
/// A Mesos-compatible master: the HTTP v1 scheduler API (<c>POST /api/v1/scheduler</c>, protobuf or
/// JSON), offers of the agents' unused resources, filters, suppress/revive, task launch with
/// validation, reliable status update forwarding, reconciliation, kill/shutdown/teardown and
/// framework failover; plus <c>GET /master/state</c> (a JSON subset of Mesos') and <c>/health</c>.
/// </summary>
/// <remarks>
/// All state lives on one <see cref="Actor"/>: HTTP handlers, timers and agents post work to it.
/// Agents are in-process objects; master and agents talk by posting to each other's actor (as
/// Mesos' libprocess actors exchange messages), never by holding each other's locks.
/// </remarks>
public sealed partial class LocalMesosMaster : IAsyncDisposable
{
    /// <summary>The Mesos version the master claims in MasterInfo and /master/state.</summary>
    public const string Version = "1.11.0";

    /// <summary>Mesos' <c>--max_completed_tasks_per_framework</c> default.</summary>
    private const int MaxCompletedTasksPerFramework = 1000;

    /// <summary>Mesos' <c>--max_completed_frameworks</c> default.</summary>
    private const int MaxCompletedFrameworks = 50;

    private readonly LocalMesosOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Actor _actor;
    private readonly FrameworkAuthenticator _authenticator;
    private readonly Dictionary<string, AgentRecord> _agents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FrameworkRecord> _frameworks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FrameworkRecord> _completedFrameworks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OfferRecord> _offers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private DateTimeOffset _startTime;
    private int _nextFramework;
    private int _nextOffer;
    private int _nextAgent;
    private int _allocationCursor;
    private WebApplication? _app;
    private CancellationTokenSource? _serving;
    private ITimer? _heartbeats;
    private ITimer? _allocations;
    private bool _allocationPending;
    private volatile bool _running;
    private bool _disposed;

    private LocalMesosMaster(LocalMesosOptions options)
    {
        _options = options;
        _time = options.TimeProvider;
        _logger = options.LoggerFactory.CreateLogger<LocalMesosMaster>();
        _actor = new Actor("master", _logger);
        _authenticator = new FrameworkAuthenticator(options.Credentials);
        _startTime = _time.GetUtcNow();
        Id = Guid.NewGuid().ToString();
    }

    /// <summary>
    /// The master's id (a UUID, as in Mesos); agent, framework and offer ids start with it. A new
    /// one after every restart, as each elected Mesos master has its own.
    /// </summary>
    public string Id { get; private set; }

    public int Port { get; private set; }

    /// <summary>False between <see cref="StopAsync"/> and <see cref="RecoverAsync"/>: nothing listens on <see cref="Url"/>.</summary>
    public bool IsRunning => _running;

    /// <summary><c>http://127.0.0.1:port</c>.</summary>
    public Uri Url => new($"http://127.0.0.1:{Port}");

    internal MasterInfo Info { get; private set; } = new();

    public static async Task<LocalMesosMaster> StartAsync(LocalMesosOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var master = new LocalMesosMaster(options);
        await master.ServeAsync(options.MasterPort, cancellationToken).ConfigureAwait(false);
        master._running = true;
        master._heartbeats = options.TimeProvider.CreateTimer(_ => master._actor.Post(master.SendHeartbeats), null,
            options.HeartbeatInterval, options.HeartbeatInterval);
        master._allocations = options.TimeProvider.CreateTimer(_ => master._actor.Post(master.Allocate), null,
            options.AllocationInterval, options.AllocationInterval);
        master.LogStarted(master.Url, master.Id);
        return master;
    }

    /// <summary>Starts the HTTP endpoints on <paramref name="port"/> (0 = a free one) and describes this master in <see cref="Info"/>.</summary>
    private async Task ServeAsync(int port, CancellationToken cancellationToken)
    {
        var serving = new CancellationTokenSource();
        try
        {
            (_app, Port) = await LoopbackHttpServer.StartAsync(port, _options.LoggerFactory, app =>
            {
                // A master that stops takes its connections with it: every request in flight, event
                // streams included, is aborted as the sockets of a dead process would be.
                app.Use(async (HttpContext context, RequestDelegate next) =>
                {
                    using var abort = serving.Token.Register(context.Abort);
                    await next(context).ConfigureAwait(false);
                });
                app.Map("/api/v1/scheduler", HandleSchedulerAsync);
                app.MapGet("/master/state", HandleStateAsync);
                app.MapGet("/state", HandleStateAsync);
                app.MapGet("/master/state.json", HandleStateAsync);
                app.MapGet("/health", (HttpContext context) => Task.CompletedTask);
                app.MapGet("/master/health", (HttpContext context) => Task.CompletedTask);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            serving.Dispose();
            throw;
        }
        _serving = serving;
        Info = new MasterInfo
        {
            Id = Id,
            Ip = BitConverter.ToUInt32(IPAddress.Loopback.GetAddressBytes()),
            Port = (uint)Port,
            Pid = $"master@127.0.0.1:{Port}",
            Hostname = "localhost",
            Version = Version,
            Address = new Address { Hostname = "localhost", Ip = "127.0.0.1", Port = Port },
        };
    }

    // ------------------------------------------------------------------
    // Agents (called by LocalMesosAgent; each call is posted to the actor)
    // ------------------------------------------------------------------

    /// <summary>A new agent registers: it gets a fresh id and a session with this run of the master.</summary>
    internal Task<AgentSession> RegisterAgentAsync(LocalMesosAgent agent, AgentInfo info) => _actor.Ask(() =>
    {
        if (!_running)
        {
            throw new InvalidOperationException($"The local Mesos master at {Url} is down");
        }
        var id = new AgentID { Value = $"{Id}-S{_nextAgent++}" };
        var registered = info.Clone();
        registered.Id = id;
        var session = new AgentSession(id);
        _agents.Add(id.Value, new AgentRecord(agent, registered) { Session = session });
        LogAgentRegistered(id.Value, ResourceBag.From(info.Resources).ToString());
        RequestAllocation();
        return session;
    });

    /// <summary>An agent forwards a status update (retried by the agent until acknowledged).</summary>
    internal void OnStatusUpdate(string agentId, string frameworkId, TaskStatus status, TaskState latestState) =>
        _actor.Post(() => StatusUpdate(agentId, frameworkId, status, latestState));

    /// <summary>A custom executor's process ended: its resources are free, the scheduler gets FAILURE.</summary>
    internal void OnExecutorExited(string agentId, string frameworkId, string executorId, int status) =>
        _actor.Post(() => ExecutorExited(agentId, frameworkId, executorId, status));

    internal void OnExecutorMessage(string agentId, string frameworkId, string executorId, Google.Protobuf.ByteString data) =>
        _actor.Post(() =>
        {
            if (Connected(agentId) is not null && _frameworks.TryGetValue(frameworkId, out var framework))
            {
                framework.Stream?.Send(new Event
                {
                    Type = Event.Types.Type.Message,
                    Message = new Event.Types.Message
                    {
                        AgentId = new AgentID { Value = agentId },
                        ExecutorId = new ExecutorID { Value = executorId },
                        Data = data,
                    },
                });
            }
        });

    public async ValueTask DisposeAsync()
    {
        // Not while a stop or recovery is half done; one waiting behind this finds the master disposed.
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            if (_heartbeats is not null)
            {
                await _heartbeats.DisposeAsync().ConfigureAwait(false);
            }
            if (_allocations is not null)
            {
                await _allocations.DisposeAsync().ConfigureAwait(false);
            }
            await _actor.Ask(() =>
            {
                _running = false;
                foreach (var framework in _frameworks.Values)
                {
                    framework.FailoverTimer?.Dispose();
                    framework.Stream?.Close();
                }
                return true;
            }).ConfigureAwait(false);
            await _actor.DisposeAsync().ConfigureAwait(false);
            await StopServerAsync().ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    private async Task StopServerAsync()
    {
        if (_app is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(stop.Token).ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }
        _serving?.Dispose();
        _serving = null;
    }

    // ------------------------------------------------------------------
    // Heartbeats and allocation
    // ------------------------------------------------------------------

    private void SendHeartbeats()
    {
        foreach (var framework in _frameworks.Values)
        {
            framework.Stream?.Send(new Event { Type = Event.Types.Type.Heartbeat });
        }
    }

    /// <summary>Allocates soon (on the actor, after the current action), at most once per burst of triggers.</summary>
    private void RequestAllocation()
    {
        if (!_allocationPending)
        {
            _allocationPending = true;
            _actor.Post(Allocate);
        }
    }

    /// <summary>
    /// Offers each agent's unused, unoffered resources to one framework at a time, round robin over
    /// the connected, unsuppressed frameworks whose filters do not refuse them (Mesos' DRF allocator
    /// reduced to round robin: the local world has one role).
    /// </summary>
    private void Allocate()
    {
        _allocationPending = false;
        var now = _time.GetUtcNow();
        var candidates = _frameworks.Values.Where(f => f.Connected && f.Active && !f.Suppressed).OrderBy(f => f.Id, StringComparer.Ordinal).ToList();
        if (candidates.Count == 0)
        {
            return;
        }
        var offers = new Dictionary<FrameworkRecord, List<Offer>>();
        // Agents only remembered from the registry have not said what they run yet: nothing of theirs is offered.
        foreach (var agent in _agents.Values.Where(a => a.Session is not null))
        {
            var available = Available(agent);
            // Mesos' --min_allocatable_resources default (cpus:0.01|mem:32): less is not offered.
            if (available.Scalar("cpus") < 0.01 && available.Scalar("mem") < 32)
            {
                continue;
            }
            for (var i = 0; i < candidates.Count; i++)
            {
                var framework = candidates[(_allocationCursor + i) % candidates.Count];
                framework.Filters.RemoveAll(f => f.Expires <= now);
                // Mesos' RefusedOfferFilter: refused while what is on offer is within what was refused.
                if (framework.Filters.Any(f => f.AgentId == agent.Id && f.Resources.Contains(available)))
                {
                    continue;
                }
                var offer = CreateOffer(framework, agent, available);
                _offers.Add(offer.Id.Value, new OfferRecord(offer, available));
                if (!offers.TryGetValue(framework, out var list))
                {
                    offers[framework] = list = [];
                }
                list.Add(offer);
                _allocationCursor = (_allocationCursor + i + 1) % candidates.Count;
                break;
            }
        }
        foreach (var (framework, list) in offers)
        {
            var body = new Event.Types.Offers();
            body.Offers_.AddRange(list);
            framework.Stream!.Send(new Event { Type = Event.Types.Type.Offers, Offers = body });
            LogOffered(framework.Id, list.Count);
        }
    }

    private Offer CreateOffer(FrameworkRecord framework, AgentRecord agent, ResourceBag resources)
    {
        var multiRole = framework.Has(FrameworkInfo.Types.Capability.Types.Type.MultiRole);
        var offer = new Offer
        {
            Id = new OfferID { Value = $"{Id}-O{_nextOffer++}" },
            FrameworkId = new FrameworkID { Value = framework.Id },
            AgentId = agent.Info.Id,
            Hostname = agent.Info.Hostname,
            Url = new URL
            {
                Scheme = "http",
                Address = new Address { Hostname = agent.Info.Hostname, Ip = "127.0.0.1", Port = agent.Info.Port },
                Path = "/slave(1)",
            },
        };
        offer.Resources.AddRange(resources.ToProto(multiRole ? framework.Role : null));
        offer.Attributes.AddRange(agent.Info.Attributes);
        offer.ExecutorIds.AddRange(framework.Executors.Where(e => e.Key.AgentId == agent.Id).Select(e => e.Value.Info.ExecutorId));
        if (multiRole)
        {
            offer.AllocationInfo = new Resource.Types.AllocationInfo { Role = framework.Role };
        }
        return offer;
    }

    /// <summary>Total minus what tasks, executors and outstanding offers hold.</summary>
    private ResourceBag Available(AgentRecord agent)
    {
        var available = agent.Total.Clone();
        available.Subtract(Used(agent.Id));
        foreach (var offer in _offers.Values.Where(o => o.AgentId == agent.Id))
        {
            available.Subtract(offer.Resources);
        }
        return available;
    }

    private ResourceBag Used(string agentId)
    {
        var used = new ResourceBag();
        foreach (var framework in _frameworks.Values)
        {
            foreach (var task in framework.Tasks.Values.Where(t => t.AgentId == agentId && !t.ResourcesRecovered))
            {
                used.Add(task.Resources);
            }
            foreach (var executor in framework.Executors.Where(e => e.Key.AgentId == agentId))
            {
                used.Add(executor.Value.Resources);
            }
        }
        return used;
    }

    private void RemoveOffers(FrameworkRecord framework, bool rescind)
    {
        foreach (var offer in _offers.Values.Where(o => o.FrameworkId == framework.Id).ToList())
        {
            _offers.Remove(offer.Id);
            if (rescind)
            {
                framework.Stream?.Send(new Event { Type = Event.Types.Type.Rescind, Rescind = new Event.Types.Rescind { OfferId = offer.Offer.Id } });
            }
        }
        RequestAllocation();
    }

    private void AddFilter(FrameworkRecord framework, string agentId, ResourceBag resources, Filters? filters)
    {
        var seconds = (filters ?? new Filters()).RefuseSeconds;
        if (resources.IsEmpty || !(seconds > 0))
        {
            return;
        }
        // Mesos caps refuse_seconds at one year.
        var duration = TimeSpan.FromSeconds(Math.Min(seconds, 365 * 24 * 3600));
        // The expiry is noticed by the periodic allocation (as in Mesos, where an expired filter
        // makes the resources eligible in the next allocation cycle).
        framework.Filters.Add(new OfferFilter(agentId, resources, _time.GetUtcNow() + duration));
    }

    private static void Complete(FrameworkRecord framework, TaskRecord task)
    {
        framework.CompletedTasks.Add(task);
        if (framework.CompletedTasks.Count > MaxCompletedTasksPerFramework)
        {
            framework.CompletedTasks.RemoveAt(0);
        }
    }
}
