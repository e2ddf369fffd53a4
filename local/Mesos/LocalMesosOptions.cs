using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Sluice.Local.Mesos;

/// <summary>Settings of a local Mesos world: one master and its agents. Defaults are Mesos' own where Mesos has one.</summary>
public sealed class LocalMesosOptions
{
    /// <summary>Master port on 127.0.0.1; 0 picks a free port. Mesos' default is 5050.</summary>
    public int MasterPort { get; set; }

    /// <summary>Number of agents (each with its own executor endpoint).</summary>
    public int AgentCount { get; set; } = 1;

    /// <summary>Each agent's resources, in Mesos' <c>--resources</c> syntax.</summary>
    public string AgentResources { get; set; } = "cpus:4;mem:8192;disk:10240;ports:[31000-32000]";

    /// <summary>Each agent's attributes, in Mesos' <c>--attributes</c> syntax; null for none.</summary>
    public string? AgentAttributes { get; set; }

    /// <summary>Interval of HEARTBEAT events to schedulers and executors (Mesos: 15 s).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often unused resources are offered again (Mesos' <c>--allocation_interval</c>, 1 s).</summary>
    public TimeSpan AllocationInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>First retry of an unacknowledged status update (Mesos: 10 s, doubling up to 10 min).</summary>
    public TimeSpan StatusUpdateRetryInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time an executor has to SUBSCRIBE (Mesos' <c>--executor_registration_timeout</c>, 1 min).</summary>
    public TimeSpan ExecutorRegistrationTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Executor shutdown grace period (Mesos' <c>--executor_shutdown_grace_period</c>, 5 s).</summary>
    public TimeSpan ExecutorShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Grace between a kill and SIGTERM/SIGKILL when the task has no kill policy (Mesos' command executor: 3 s).</summary>
    public TimeSpan DefaultKillGracePeriod { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long an agent that lost its master waits, at most, before it tries to register again
    /// (Mesos' <c>--registration_backoff_factor</c>, 1 s): a random part of it, the bound
    /// doubling after each failed attempt up to a minute.
    /// </summary>
    public TimeSpan RegistrationBackoffFactor { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Agents' work directory (sandboxes under it); null = a temporary directory removed on dispose.</summary>
    public string? WorkDirectory { get; set; }

    /// <summary>Clock for every timer (heartbeats, filters, failover, retries).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    /// <summary>
    /// Framework principals and their secrets. Empty (the default): schedulers are not
    /// authenticated. Otherwise every request to <c>/api/v1/scheduler</c> must carry HTTP basic
    /// credentials of one of them, or is answered 401 (Mesos' <c>--authenticate_http_frameworks</c>
    /// with <c>--credentials</c>); a SUBSCRIBE whose <c>framework_info.principal</c> names another
    /// principal is refused 400.
    /// </summary>
    public IReadOnlyDictionary<string, string> Credentials { get; set; } = new Dictionary<string, string>();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (MasterPort is < 0 or > 65535)
        {
            throw new ArgumentException($"{nameof(MasterPort)} must be 0..65535, not {MasterPort}");
        }
        if (AgentCount is < 1 or > 64)
        {
            throw new ArgumentException($"{nameof(AgentCount)} must be 1..64, not {AgentCount}");
        }
        foreach (var (principal, secret) in Credentials)
        {
            // Basic authentication splits "principal:secret" at the first colon.
            if (string.IsNullOrEmpty(principal) || principal.Contains(':', StringComparison.Ordinal) || secret is null)
            {
                throw new ArgumentException($"{nameof(Credentials)}: a principal must be non-empty without ':' and have a secret, not '{principal}'");
            }
        }
        Positive(HeartbeatInterval, nameof(HeartbeatInterval));
        Positive(AllocationInterval, nameof(AllocationInterval));
        Positive(StatusUpdateRetryInterval, nameof(StatusUpdateRetryInterval));
        Positive(ExecutorRegistrationTimeout, nameof(ExecutorRegistrationTimeout));
        Positive(ExecutorShutdownGracePeriod, nameof(ExecutorShutdownGracePeriod));
        Positive(DefaultKillGracePeriod, nameof(DefaultKillGracePeriod));
        Positive(RegistrationBackoffFactor, nameof(RegistrationBackoffFactor));
        try
        {
            _ = ResourceText.ParseResources(AgentResources);
            _ = ResourceText.ParseAttributes(AgentAttributes);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException($"{nameof(AgentResources)}/{nameof(AgentAttributes)}: {ex.Message}", ex);
        }

        static void Positive(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero)
            {
                throw new ArgumentException($"{name} must be positive, not {value}");
            }
        }
    }
}
