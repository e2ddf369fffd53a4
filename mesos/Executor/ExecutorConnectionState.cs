using Sluice.Proto.Mesos.V1;

namespace Sluice.Mesos.Executor;

/// <summary>Where the executor's subscription to its agent stands.</summary>
public abstract record ExecutorConnectionState
{
    private ExecutorConnectionState()
    {
    }

    /// <summary>Not subscribed. With <paramref name="WillResubscribe"/> false the client has stopped: the executor should exit.</summary>
    public sealed record Disconnected(string Reason, Exception? Error, bool WillResubscribe) : ExecutorConnectionState;

    /// <summary>SUBSCRIBED arrived; unacknowledged tasks and updates were handed to the agent in the SUBSCRIBE call.</summary>
    public sealed record Subscribed(AgentID AgentId, Uri Agent) : ExecutorConnectionState;
}
