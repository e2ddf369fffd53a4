using Confluent.Kafka;
using Sluice.Consumer.Ownership;

namespace Sluice.Consumer.Fetch;

/// <summary>Work for the poll thread, sent over its command channel by any thread.</summary>
internal abstract class PollCommand
{
    public abstract void Execute(PollLoop loop);

    public abstract void Fail(Exception error);
}

internal abstract class PollCommand<T> : PollCommand
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<T> Task => _completion.Task;

    public void Complete(T value) => _completion.TrySetResult(value);

    public override void Fail(Exception error) => _completion.TrySetException(error);
}

internal sealed class AssignCommand(TopicPartition topicPartition, long? startOffset, long epoch) : PollCommand<AssignResult>
{
    public TopicPartition TopicPartition { get; } = topicPartition;

    public long? StartOffset { get; } = startOffset;

    public long Epoch { get; } = epoch;

    public override void Execute(PollLoop loop)
    {
        var result = loop.Assign(this);
        if (result.TopicPartition is not null)
        {
            Complete(result); // a deferred assign completes when the release it waits for finishes
        }
    }
}

internal sealed class BeginReleaseCommand(TopicPartition topicPartition, long epoch) : PollCommand<ReleaseStart>
{
    public override void Execute(PollLoop loop) => Complete(loop.BeginRelease(topicPartition, epoch));
}

internal sealed class FinishReleaseCommand(OwnedPartition partition) : PollCommand<long>
{
    public override void Execute(PollLoop loop) => Complete(loop.FinishRelease(partition));
}

internal sealed class StopPartitionCommand(OwnedPartition partition) : PollCommand<bool>
{
    public override void Execute(PollLoop loop)
    {
        loop.StopPartition(partition);
        Complete(true);
    }
}

internal sealed class BeginStopCommand : PollCommand<IReadOnlyList<(OwnedPartition Partition, Task Drained)>>
{
    public override void Execute(PollLoop loop) => Complete(loop.BeginStop());
}

internal sealed class FinishStopCommand : PollCommand<bool>
{
    public override void Execute(PollLoop loop)
    {
        loop.FinishStop();
        Complete(true);
    }
}

internal sealed class BeginFenceCommand : PollCommand<IReadOnlyList<(OwnedPartition Partition, Task Drained)>>
{
    public override void Execute(PollLoop loop) => Complete(loop.BeginFence());
}

internal sealed class FinishFenceCommand(IReadOnlyList<OwnedPartition> partitions) : PollCommand<bool>
{
    public override void Execute(PollLoop loop) => Complete(loop.FinishFence(partitions));
}
