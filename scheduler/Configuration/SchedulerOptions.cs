namespace Sluice.Scheduler.Configuration;

/// <summary>
/// The scheduler's settings, bound from the section <see cref="SectionName"/> of configuration:
/// command-line flags (<c>--master</c> …, see <see cref="SchedulerCommandLine"/>), environment
/// variables (<c>SLUICE__MASTER</c> …) and appsettings. Validated at start-up by
/// <see cref="SchedulerOptionsValidator"/>.
/// </summary>
public sealed class SchedulerOptions
{
    public const string SectionName = "Sluice";

    public const string DefaultFrameworkName = "sluice";
    public const string DefaultRole = "*";
    public const string DefaultListen = "http://127.0.0.1:8080";
    public const string DefaultControlPlaneListen = "http://127.0.0.1:8081";

    /// <summary>Default failover timeout: a week, as Mesos' HA guide advises (MESOS.md §1).</summary>
    public static readonly TimeSpan DefaultFailoverTimeout = TimeSpan.FromDays(7);

    /// <summary><c>--master</c>: comma-separated <c>http(s)://host:port</c> URLs, or <c>zk://host:port[,host:port]/path</c>. Required.</summary>
    public string? Master { get; set; }

    /// <summary><c>--zk</c>: ZooKeeper for framework state, <c>host:port[,host:port][/chroot]</c>. One of Zk or State is required.</summary>
    public string? Zk { get; set; }

    /// <summary>
    /// <c>--zk-auth</c>: <c>digest:user:password</c>. Sluice's znodes are then created creator-only (ZooKeeper
    /// <c>CREATOR_ALL_ACL</c>): sessions without these credentials cannot read or write them. Prefer
    /// <c>SLUICE_ZK_AUTH</c> to the flag, which other users of the machine can see.
    /// </summary>
    public string? ZkAuth { get; set; }

    /// <summary><c>--state</c>: <c>file:PATH</c> for a file state store (one machine), or <c>memory</c> for tests.</summary>
    public string? State { get; set; }

    /// <summary><c>--kafka</c>: Kafka bootstrap servers, <c>host:port[,host:port]</c>. Required.</summary>
    public string? Kafka { get; set; }

    /// <value>Default <c>sluice</c>.</value>
    public string FrameworkName { get; set; } = DefaultFrameworkName;

    /// <value>Default <c>*</c>.</value>
    public string Role { get; set; } = DefaultRole;

    /// <summary><c>--principal</c>/<c>--secret</c>: Mesos framework authentication (HTTP basic); both or neither.</summary>
    public string? Principal { get; set; }

    public string? Secret { get; set; }

    /// <summary><c>--listen</c>: URL of the REST API and dashboard (HTTP/1.1). Under Marathon, <c>PORT0</c> decides when unset.</summary>
    public string? Listen { get; set; }

    /// <summary><c>--control-plane-listen</c>: URL of the gRPC control plane (HTTP/2 without TLS). Under Marathon, <c>PORT1</c>.</summary>
    public string? ControlPlaneListen { get; set; }

    /// <summary><c>--advertise</c>: host name executors and standbys use to reach this scheduler. Under Marathon, <c>HOST</c>.</summary>
    public string? Advertise { get; set; }

    /// <summary>
    /// <c>--control-plane-advertise</c>: <c>host:port</c> executors (and standbys' redirects) use to reach this scheduler's
    /// control plane, when it is not <c>--advertise</c> with the <c>--control-plane-listen</c> port (a proxy or a port mapping).
    /// </summary>
    public string? ControlPlaneAdvertise { get; set; }

    /// <summary>
    /// <c>--lease-timeout</c>: an executor that hears nothing from the scheduler for this long pauses its partitions and
    /// stops committing (e.g. <c>15s</c>, <c>500ms</c>, <c>00:00:15</c>). The scheduler moves a silent task's partitions
    /// only after the lease plus a margin (<see cref="ControlPlane.LeaseTimings"/>). Default 15 s.
    /// </summary>
    public string? LeaseTimeout { get; set; }

    /// <summary><c>--api-token</c>: bearer token every mutating REST call must carry.</summary>
    public string? ApiToken { get; set; }

    /// <summary><c>--insecure</c>: allow listening beyond loopback without an API token.</summary>
    public bool Insecure { get; set; }

    /// <summary>
    /// <c>--executor</c>: how agents start Sluice's executor: the URL of a package that unpacks to
    /// <c>sluice-executor/</c>, or a path to <c>sluice-executor.dll</c> present on every agent. Default: the
    /// executor installed beside the scheduler (<c>executor/</c>) or built in the same source tree.
    /// </summary>
    public string? Executor { get; set; }

    /// <summary>
    /// <c>--executor-kafka-config</c>: librdkafka consumer settings for every executor, <c>key=value,key=value</c>
    /// (e.g. <c>fetch.wait.max.ms=10</c>).
    /// </summary>
    public string? ExecutorKafkaConfig { get; set; }

    /// <summary>
    /// <c>--control-plane-secret</c>: the secret executors present on the control plane (give every scheduler of an
    /// HA set the same one). Default: generated once per framework, kept in the state directory (<c>--state file:</c>) or in
    /// ZooKeeper (<c>--zk</c>), where every scheduler of the framework reads it.
    /// </summary>
    public string? ControlPlaneSecret { get; set; }

    /// <summary><c>--failover-timeout</c>: how long Mesos keeps our tasks while no scheduler is subscribed.</summary>
    /// <value>Default 7 days.</value>
    public TimeSpan FailoverTimeout { get; set; } = DefaultFailoverTimeout;
}
