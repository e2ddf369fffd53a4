using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Sluice.Mesos.Scheduler;
using Sluice.Proto.ControlPlane.V1;
using Sluice.Proto.Mesos.V1;
using Sluice.Proto.Mesos.V1.Scheduler;
using Sluice.Scheduler.ControlPlane;
using Sluice.Scheduler.State.Model;

namespace Sluice.Scheduler.Engine;

/// <summary>
/// Tells executors through Mesos where this leader's control plane is (proto/sluice/v1/leader_hint.proto): an
/// executor whose leader died keeps reconnecting to the dead address, and nothing else tells it where the new
/// leader is. While the framework is subscribed, every task that is RUNNING but not connected gets a MESSAGE
/// carrying a <see cref="LeaderHint"/> at once, again after <see cref="EngineOptions.LeaderHintInterval"/>, then at
/// doubling intervals up to <see cref="EngineOptions.LeaderHintMaxInterval"/>, until it connects or ends. Mesos
/// messages are best effort: the repeats are what make a hint arrive.
/// </summary>
/// <remarks>One per leadership term (the hint carries the term); one loop runs it, so it is not thread-safe.</remarks>
internal sealed partial class LeaderHints(
    TaskBook book, ExecutorRegistry registry, LeaderHint hint, EngineOptions options, TimeProvider time, ILogger<LeaderHints> logger)
{
    private readonly ILogger _logger = logger;
    private readonly ByteString _data = hint.ToByteString();
    private readonly Dictionary<string, (int Sent, long LastSent)> _hinted = new(StringComparer.Ordinal);

    /// <summary>Sends the hints due, four times per <see cref="EngineOptions.LeaderHintInterval"/> while <paramref name="subscribed"/>.</summary>
    /// <param name="send">Sends a call; must not throw but for cancellation (a lost hint is repeated anyway).</param>
    public async Task RunAsync(Func<bool> subscribed, Func<Call, CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.LeaderHintInterval / 4, time);
        do
        {
            if (subscribed())
            {
                await SendDueAsync(send, cancellationToken);
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    /// <summary>One round: a MESSAGE to the executor of every waiting task whose next hint is due.</summary>
    /// <returns>How many hints were sent.</returns>
    public async Task<int> SendDueAsync(Func<Call, CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        var waiting = book.All().Where(NeedsHint).ToList();
        // A task that connected or ended starts again from the first hint if it is ever waiting again.
        foreach (var done in _hinted.Keys.Except(waiting.Select(t => t.TaskId), StringComparer.Ordinal).ToList())
        {
            _hinted.Remove(done);
        }
        var sent = 0;
        foreach (var task in waiting)
        {
            var (count, last) = _hinted.GetValueOrDefault(task.TaskId);
            if (count > 0 && time.GetElapsedTime(last) < Wait(count))
            {
                continue;
            }
            await send(SchedulerCalls.Message(new AgentID { Value = task.AgentId! }, TaskInfoFactory.ExecutorIdOf(task.TaskId), _data), cancellationToken);
            _hinted[task.TaskId] = (count + 1, time.GetTimestamp());
            LogSent(task.TaskId, task.AgentId!, count + 1);
            sent++;
        }
        if (sent > 0)
        {
            LogRound(sent, hint.ControlPlaneAddress, hint.Term);
        }
        return sent;
    }

    /// <summary>The wait after the <paramref name="sent"/>-th hint: the interval, doubling, capped.</summary>
    internal TimeSpan Wait(int sent) =>
        TimeSpan.FromTicks(Math.Min(options.LeaderHintMaxInterval.Ticks, options.LeaderHintInterval.Ticks << Math.Min(sent - 1, 16)));

    /// <summary>RUNNING on a known agent, not connected, and not being killed (a dying task need not find us).</summary>
    private bool NeedsHint(TrackedTask task) =>
        task.State == MesosTaskState.Running && task.AgentId is not null && !task.KillSent && !registry.IsConnected(task.TaskId);

    [LoggerMessage(EventId = 820, Level = LogLevel.Information, Message = "[LeaderHint] told {Count} executor(s) not connected that the leader (term {Term}) is at {Address}")]
    private partial void LogRound(int count, string address, ulong term);

    [LoggerMessage(EventId = 821, Level = LogLevel.Debug, Message = "[LeaderHint] MESSAGE to the executor of {TaskId} on agent {AgentId} (hint #{Sent})")]
    private partial void LogSent(string taskId, string agentId, int sent);
}
