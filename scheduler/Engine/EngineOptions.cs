namespace Sluice.Scheduler.Engine;

/// <summary>Timings of the scheduler's engine; the defaults suit production, tests shorten them.</summary>
public sealed class EngineOptions
{
    /// <summary>How often each consumer's desired state is compared with what runs (also on every change).</summary>
    public TimeSpan ConvergeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>First wait before relaunching after a task of the consumer failed; doubles per failure.</summary>
    public TimeSpan RelaunchBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait before a relaunch.</summary>
    public TimeSpan MaxRelaunchBackoff { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A RUNNING task that never connected to the control plane within this time is killed and replaced.</summary>
    public TimeSpan RegistrationGrace { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A RUNNING task silent on the control plane this long is drained and killed, its partitions moved by the
    /// silent-owner path. Longer than the lease, so the task has fenced itself first.
    /// </summary>
    public TimeSpan SilentTaskGrace { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// First wait between leader hints (a Mesos MESSAGE naming this leader's control plane) to a running task that is
    /// not connected; doubles per hint. The first hint goes out as soon as the framework is subscribed.
    /// </summary>
    public TimeSpan LeaderHintInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest wait between leader hints to one task.</summary>
    public TimeSpan LeaderHintMaxInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Handovers of one consumer run together in batches of this many (one ledger write per step per batch).</summary>
    public int HandoverBatchSize { get; set; } = 256;

    /// <summary>Filter for an offer declined while tasks are wanted (the offer did not fit).</summary>
    public TimeSpan DeclineWhileWanted { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Filter for an offer declined when nothing is wanted (offers are suppressed too).</summary>
    public TimeSpan DeclineWhenIdle { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often Kafka metadata (the partitions of the consumers' topics) is read again.</summary>
    public TimeSpan MetadataRefresh { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Resources of the executor itself, added to each task's.</summary>
    public double ExecutorCpus { get; set; } = 0.1;

    public double ExecutorMemoryMb { get; set; } = 64;
}
