using Confluent.Kafka;

namespace Sluice.Executor.ControlPlane;

/// <summary>
/// Runs commands for one partition one after another, in arrival order, and commands for
/// different partitions concurrently. A failed command does not stop the ones after it.
/// </summary>
internal sealed class PartitionCommandQueue
{
    private readonly Lock _gate = new();
    private readonly Dictionary<TopicPartition, Task> _tails = [];

    public Task Enqueue(TopicPartition partition, Func<Task> command)
    {
        lock (_gate)
        {
            var previous = _tails.GetValueOrDefault(partition) ?? Task.CompletedTask;
            var next = RunAfterAsync(previous, command);
            _tails[partition] = next;
            _ = next.ContinueWith(done =>
            {
                lock (_gate)
                {
                    if (_tails.TryGetValue(partition, out var tail) && tail == done)
                    {
                        _tails.Remove(partition);
                    }
                }
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return next;
        }
    }

    private static async Task RunAfterAsync(Task previous, Func<Task> command)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await command();
    }
}
