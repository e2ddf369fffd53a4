namespace Sluice.Scheduler.ControlPlane;

/// <summary>Timings and the shared secret of the scheduler's control-plane server.</summary>
public sealed class ControlPlaneOptions
{
    public static readonly TimeSpan DefaultLeaseTimeout = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan DefaultProgressInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DefaultPingInterval = TimeSpan.FromSeconds(3);

    /// <summary>An executor that hears nothing for this long fences itself (sent in Welcome).</summary>
    public TimeSpan LeaseTimeout { get; set; } = DefaultLeaseTimeout;

    /// <summary>How often executors report Progress (sent in Welcome).</summary>
    public TimeSpan ProgressInterval { get; set; } = DefaultProgressInterval;

    /// <summary>How often the scheduler pings a quiet stream; well under the lease.</summary>
    public TimeSpan PingInterval { get; set; } = DefaultPingInterval;

    /// <summary>
    /// The per-framework secret every Hello must carry; empty accepts any (tests and <c>--local</c>
    /// without authentication only).
    /// </summary>
    public string Secret { get; set; } = "";

    /// <summary>Identifies this scheduler instance in Welcome and logs.</summary>
    public string SchedulerId { get; set; } = Environment.MachineName;
}
