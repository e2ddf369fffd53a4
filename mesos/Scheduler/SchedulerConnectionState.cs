using Sluice.Proto.Mesos.V1;

namespace Sluice.Mesos.Scheduler;

/// <summary>Where the scheduler's subscription to Mesos stands.</summary>
public abstract record SchedulerConnectionState
{
    private SchedulerConnectionState()
    {
    }

    /// <summary>
    /// No subscription: not subscribed yet, or the stream broke. Outstanding offers are void;
    /// calls fail until the next <see cref="Subscribed"/>.
    /// </summary>
    /// <param name="Reason">What happened, for logs and operators.</param>
    /// <param name="Error">The failure behind it, if any (transport error, malformed stream, HTTP status).</param>
    /// <param name="WillResubscribe">False when the client has stopped for good (ERROR event, fatal answer, or the caller stopped).</param>
    public sealed record Disconnected(string Reason, Exception? Error, bool WillResubscribe) : SchedulerConnectionState;

    /// <summary>
    /// A SUBSCRIBED event arrived: calls may be sent. After every transition to this state the
    /// scheduler reconciles its tasks (MESOS.md §5).
    /// </summary>
    /// <param name="FrameworkId">The framework's ID: persist it to fail over to it later.</param>
    /// <param name="Master">The scheduler endpoint of the leading master.</param>
    /// <param name="StreamId">The <c>Mesos-Stream-Id</c> sent on every call of this subscription.</param>
    /// <param name="HeartbeatInterval">How often the master promised a HEARTBEAT.</param>
    /// <param name="MasterInfo">What the master said about itself, if anything.</param>
    public sealed record Subscribed(FrameworkID FrameworkId, Uri Master, string StreamId, TimeSpan HeartbeatInterval, MasterInfo? MasterInfo)
        : SchedulerConnectionState;
}
