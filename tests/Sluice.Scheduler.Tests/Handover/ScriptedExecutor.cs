using System.Collections.Concurrent;
using Sluice.Proto.ControlPlane.V1;
using Sluice.Scheduler.ControlPlane;
using Sluice.Scheduler.Planning;

namespace Sluice.Scheduler.Tests.Handover;

/// <summary>
/// The executor end of one control-plane session, played by the test in process (no stream, no consumer): it answers an
/// Assign at once, and a Release at once with a clean <see cref="Released"/> at its next offset, or, for a partition the test
/// holds, only when the test lets it go.
/// </summary>
internal sealed class ScriptedExecutor : IAsyncDisposable
{
    private readonly ExecutorRegistry _registry;
    private readonly ExecutorSession _session;
    private readonly long _nextOffset;
    private readonly ConcurrentDictionary<PartitionKey, TaskCompletionSource> _held = new();
    private readonly ConcurrentDictionary<PartitionKey, TaskCompletionSource<Release>> _releases = new();
    private readonly ConcurrentDictionary<PartitionKey, TaskCompletionSource<Assign>> _assigns = new();
    private readonly Task _answering;

    private ScriptedExecutor(ExecutorRegistry registry, string taskId, long nextOffset)
    {
        _registry = registry;
        _nextOffset = nextOffset;
        _session = new ExecutorSession(new Hello { TaskId = taskId, Consumer = "orders", Version = "v1", ExecutorId = taskId }, TimeProvider.System);
        registry.Register(_session);
        _answering = AnswerAsync();
    }

    public string TaskId => _session.TaskId;

    /// <summary>Connects a task to <paramref name="registry"/>; a partition it releases is committed up to <paramref name="nextOffset"/>.</summary>
    public static ScriptedExecutor Connect(ExecutorRegistry registry, string taskId, long nextOffset = 0) => new(registry, taskId, nextOffset);

    /// <summary>The Release of <paramref name="partition"/> is answered only after <see cref="LetGo"/> (in-flight work finishing slowly).</summary>
    public void Hold(PartitionKey partition) => _held[partition] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void LetGo(PartitionKey partition) => _held[partition].TrySetResult();

    /// <summary>Completes when the scheduler asks this task to release <paramref name="partition"/>.</summary>
    public Task<Release> ReleaseAskedAsync(PartitionKey partition) => Slot(_releases, partition).Task;

    /// <summary>Completes when this task has confirmed an Assign of <paramref name="partition"/>.</summary>
    public Task<Assign> AssignedAsync(PartitionKey partition) => Slot(_assigns, partition).Task;

    public async ValueTask DisposeAsync()
    {
        foreach (var gate in _held.Values)
        {
            gate.TrySetResult();
        }
        _registry.Unregister(_session);
        await _answering;
    }

    private async Task AnswerAsync()
    {
        await foreach (var message in _session.Outbound.ReadAllAsync())
        {
            switch (message.BodyCase)
            {
                case SchedulerMessage.BodyOneofCase.Assign:
                    var assign = message.Assign;
                    _session.Receive(new ExecutorMessage
                    {
                        Assigned = new Assigned { Topic = assign.Topic, Partition = assign.Partition, Epoch = assign.Epoch, StartOffset = assign.StartOffset },
                    });
                    Slot(_assigns, new PartitionKey(assign.Topic, assign.Partition)).TrySetResult(assign);
                    break;
                case SchedulerMessage.BodyOneofCase.Release:
                    _ = ReleaseAsync(message.Release);
                    break;
            }
        }
    }

    private async Task ReleaseAsync(Release release)
    {
        var partition = new PartitionKey(release.Topic, release.Partition);
        Slot(_releases, partition).TrySetResult(release);
        if (_held.TryGetValue(partition, out var gate))
        {
            await gate.Task;
        }
        _session.Receive(new ExecutorMessage
        {
            Released = new Released { Topic = release.Topic, Partition = release.Partition, Epoch = release.Epoch, NextOffset = _nextOffset, Clean = true },
        });
    }

    private static TaskCompletionSource<T> Slot<T>(ConcurrentDictionary<PartitionKey, TaskCompletionSource<T>> slots, PartitionKey partition) =>
        slots.GetOrAdd(partition, _ => new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously));
}
