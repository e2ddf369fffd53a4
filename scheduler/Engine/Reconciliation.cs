using System.Collections.Concurrent;
using Sluice.Mesos.Scheduler;
using Sluice.Proto.Mesos.V1;

namespace Sluice.Scheduler.Engine;

/// <summary>
/// Reconciliation after every SUBSCRIBED, kept up until every task is answered: explicit for the tasks we know,
/// then implicit for what the master knows and we do not. A master that has just failed over stays silent about
/// tasks on agents that have not re-registered yet (MESOS.md §5), so the unanswered are asked again with
/// backoff (2 s doubling to 60 s) until each has had a status update.
/// </summary>
internal sealed partial class Reconciliation(TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, AgentID?> _pending = new(StringComparer.Ordinal);
    private CancellationTokenSource? _run;

    /// <summary>Tasks asked about and not answered yet.</summary>
    public int Pending => _pending.Count;

    /// <summary>Starts reconciling <paramref name="tasks"/> on a fresh subscription (ending the previous round); returns once the first calls are sent.</summary>
    public async Task StartAsync(MesosFramework framework, IReadOnlyList<(TaskID Task, AgentID? Agent)> tasks, CancellationToken cancellationToken)
    {
        if (_run is { } previous)
        {
            await previous.CancelAsync();
            previous.Dispose();
        }
        _pending.Clear();
        foreach (var (task, agent) in tasks)
        {
            _pending[task.Value] = agent;
        }
        await AskAsync(framework, cancellationToken);
        await framework.CallQuietlyAsync(SchedulerCalls.ReconcileAll(), "RECONCILE", cancellationToken);
        var run = _run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _ = Task.Run(() => FollowUpAsync(framework, run.Token), CancellationToken.None);
    }

    /// <summary>A status update for <paramref name="taskId"/> arrived: it needs no more asking.</summary>
    public void Answered(string taskId) => _pending.TryRemove(taskId, out _);

    private async Task FollowUpAsync(MesosFramework framework, CancellationToken cancellationToken)
    {
        var delay = FirstRetry;
        try
        {
            while (!_pending.IsEmpty)
            {
                await Task.Delay(delay, time, cancellationToken);
                if (_pending.IsEmpty)
                {
                    break;
                }
                LogAskingAgain(_pending.Count, delay.TotalSeconds);
                await AskAsync(framework, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetry.Ticks));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // A new subscription started its own round, or the term ended.
        }
    }

    private Task AskAsync(MesosFramework framework, CancellationToken cancellationToken)
    {
        var tasks = _pending.Select(p => (new TaskID { Value = p.Key }, p.Value)).ToList();
        return tasks.Count == 0
            ? Task.CompletedTask
            : framework.CallQuietlyAsync(SchedulerCalls.Reconcile(tasks), "RECONCILE", cancellationToken);
    }

    [LoggerMessage(EventId = 820, Level = LogLevel.Information, Message = "[Engine] {Count} task(s) not answered by reconciliation after {Seconds} s (their agents may not have re-registered yet); asking again")]
    private partial void LogAskingAgain(int count, double seconds);
}
