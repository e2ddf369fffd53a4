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
    private readonly DateTimeOffset _startTime;
    private int _nextFramework;
    private int _nextOffer;
    private int _nextAgent;
    private int _allocationCursor;
    private WebApplication? _app;
    private ITimer? _heartbeats;
    private ITimer? _allocations;
    private bool _allocationPending;

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

    /// <summary>The master's id (a UUID, as in Mesos); agent, framework and offer ids start with it.</summary>
    public string Id { get; }

    public int Port { get; private set; }

    /// <summary><c>http://127.0.0.1:port</c>.</summary>
    public Uri Url => new($"http://127.0.0.1:{Port}");

    internal MasterInfo Info { get; private set; } = new();

    public static async Task<LocalMesosMaster> StartAsync(LocalMesosOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var master = new LocalMesosMaster(options);
        (master._app, master.Port) = await LoopbackHttpServer.StartAsync(options.MasterPort, options.LoggerFactory, app =>
        {
            app.Map("/api/v1/scheduler", master.HandleSchedulerAsync);
            app.MapGet("/master/state", master.HandleStateAsync);
            app.MapGet("/state", master.HandleStateAsync);
            app.MapGet("/master/state.json", master.HandleStateAsync);
            app.MapGet("/health", (HttpContext context) => Task.CompletedTask);
            app.MapGet("/master/health", (HttpContext context) => Task.CompletedTask);
        }, cancellationToken).ConfigureAwait(false);
        master.Info = new MasterInfo
        {
            Id = master.Id,
            Ip = BitConverter.ToUInt32(IPAddress.Loopback.GetAddressBytes()),
            Port = (uint)master.Port,
            Pid = $"master@127.0.0.1:{master.Port}",
            Hostname = "localhost",
            Version = Version,
            Address = new Address { Hostname = "localhost", Ip = "127.0.0.1", Port = master.Port },
        };
        master._heartbeats = options.TimeProvider.CreateTimer(_ => master._actor.Post(master.SendHeartbeats), null,
            options.HeartbeatInterval, options.HeartbeatInterval);
        master._allocations = options.TimeProvider.CreateTimer(_ => master._actor.Post(master.Allocate), null,
            options.AllocationInterval, options.AllocationInterval);
        master.LogStarted(master.Url, master.Id);
        return master;
    }

    // ------------------------------------------------------------------
    // Agents (called by LocalMesosAgent; each call is posted to the actor)
    // ------------------------------------------------------------------

    internal Task<AgentID> RegisterAgentAsync(LocalMesosAgent agent, AgentInfo info) => _actor.Ask(() =>
    {
        var id = new AgentID { Value = $"{Id}-S{_nextAgent++}" };
        var registered = info.Clone();
        registered.Id = id;
        _agents.Add(id.Value, new AgentRecord(agent, registered));
        LogAgentRegistered(id.Value, ResourceBag.From(info.Resources).ToString());
        RequestAllocation();
        return id;
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
            if (_frameworks.TryGetValue(frameworkId, out var framework))
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
            foreach (var framework in _frameworks.Values)
            {
                framework.FailoverTimer?.Dispose();
                framework.Stream?.Close();
            }
            return true;
        }).ConfigureAwait(false);
        await _actor.DisposeAsync().ConfigureAwait(false);
        if (_app is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(stop.Token).ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
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
        foreach (var agent in _agents.Values)
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
