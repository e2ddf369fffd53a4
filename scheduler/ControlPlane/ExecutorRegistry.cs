using System.Collections.Concurrent;

namespace Sluice.Scheduler.ControlPlane;

/// <summary>The executors connected to this scheduler, by task id. Thread-safe.</summary>
public sealed class ExecutorRegistry
{
    private readonly ConcurrentDictionary<string, ExecutorSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ExecutorSession> _departed = new(StringComparer.Ordinal);

    /// <summary>Raised after a session registers (on the stream's thread; handlers must not block).</summary>
    public event Action<ExecutorSession>? Connected;

    /// <summary>Raised after a session's stream ended.</summary>
    public event Action<ExecutorSession>? Disconnected;

    public IReadOnlyCollection<ExecutorSession> Sessions => (IReadOnlyCollection<ExecutorSession>)_sessions.Values;

    public ExecutorSession? Find(string taskId) => _sessions.GetValueOrDefault(taskId);

    public bool IsConnected(string taskId) => _sessions.ContainsKey(taskId);

    /// <summary>
    /// The live session, else the last one that ended: its final progress is what a silent
    /// owner's partitions restart from. Forgotten with <see cref="Forget"/> once the task is terminal.
    /// </summary>
    public ExecutorSession? FindLastKnown(string taskId) => Find(taskId) ?? _departed.GetValueOrDefault(taskId);

    /// <summary>Drops what is kept of a task that Mesos reported terminal and whose partitions have moved.</summary>
    public void Forget(string taskId) => _departed.TryRemove(taskId, out _);

    /// <summary>Registers a session; a newer stream of the same task replaces (and closes) the older one.</summary>
    internal void Register(ExecutorSession session)
    {
        ExecutorSession? replaced = null;
        _sessions.AddOrUpdate(session.TaskId, session, (_, old) =>
        {
            replaced = old;
            return session;
        });
        replaced?.Close();
        _departed.TryRemove(session.TaskId, out _);
        Connected?.Invoke(session);
    }

    internal void Unregister(ExecutorSession session)
    {
        session.Close();
        if (_sessions.TryRemove(new KeyValuePair<string, ExecutorSession>(session.TaskId, session)))
        {
            _departed[session.TaskId] = session;
            Disconnected?.Invoke(session);
        }
    }
}
