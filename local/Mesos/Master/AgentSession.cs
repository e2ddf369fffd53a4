using Sluice.Proto.Mesos.V1;

namespace Sluice.Local.Mesos.Master;

/// <summary>
/// One agent's registration with one run of the master: what Mesos has as the link between the
/// agent's process and the master's. When the master stops it closes every session, as a dying
/// master breaks every agent's connection; an agent left with a closed session is talking to
/// nobody and has to register again.
/// </summary>
/// <remarks>Created and closed on the master's actor, read on the agent's: hence the volatile flag.</remarks>
internal sealed class AgentSession(AgentID agentId)
{
    private volatile bool _closed;

    public AgentID AgentId { get; } = agentId;

    public bool IsClosed => _closed;

    public void Close() => _closed = true;
}
