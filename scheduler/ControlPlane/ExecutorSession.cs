using System.Collections.Concurrent;
using System.Threading.Channels;
using Sluice.Proto.ControlPlane.V1;
using Sluice.Scheduler.Planning;

namespace Sluice.Scheduler.ControlPlane;

/// <summary>
/// One executor's live control-plane stream, as the rest of the scheduler sees it: send a command
/// and await its answer, read the latest progress. Thread-safe.
/// </summary>
public sealed class ExecutorSession
{
    private readonly Channel<SchedulerMessage> _outbound = Channel.CreateUnbounded<SchedulerMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<(CommandKind Kind, string Topic, int Partition, long Epoch), TaskCompletionSource<ExecutorMessage>> _pending = new();
    private readonly TimeProvider _time;
    private long _lastHeard;
    private Progress? _progress;

    internal ExecutorSession(Hello hello, TimeProvider time)
    {
        TaskId = hello.TaskId;
        Consumer = hello.Consumer;
        Version = hello.Version;
        ExecutorId = hello.ExecutorId;
        HeldAtConnect = hello.Held.ToArray();
        _time = time;
        _lastHeard = time.GetTimestamp();
    }

    public string TaskId { get; }

    public string Consumer { get; }

    public string Version { get; }

    public string ExecutorId { get; }

    /// <summary>What the executor said it held when it connected (after a scheduler failover, the truth to reconcile with).</summary>
    public IReadOnlyList<HeldPartition> HeldAtConnect { get; }

    /// <summary>The latest Progress, or null before the first one.</summary>
    public Progress? LatestProgress => Volatile.Read(ref _progress);

    /// <summary>Time since the executor last said anything.</summary>
    public TimeSpan Silence => _time.GetElapsedTime(Interlocked.Read(ref _lastHeard));

    internal ChannelReader<SchedulerMessage> Outbound => _outbound.Reader;

    /// <summary>Assigns a partition and waits until the executor has it (Assigned).</summary>
    /// <exception cref="CommandRejectedException">The executor refused (e.g. a stale epoch).</exception>
    /// <exception cref="ExecutorDisconnectedException">The stream ended first.</exception>
    public async Task<Assigned> AssignAsync(PartitionKey partition, long epoch, long startOffset, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(CommandKind.Assign, partition, epoch, new SchedulerMessage
        {
            Assign = new Assign { Topic = partition.Topic, Partition = partition.Partition, Epoch = epoch, StartOffset = startOffset },
        }, timeout, cancellationToken);
        return answer.Assigned;
    }

    /// <summary>Releases a partition and waits for the committed next offset (Released).</summary>
    /// <exception cref="CommandRejectedException">The executor refused (stale epoch, not held).</exception>
    /// <exception cref="ExecutorDisconnectedException">The stream ended first.</exception>
    /// <exception cref="TimeoutException">No answer within <paramref name="timeout"/> plus a margin.</exception>
    public async Task<Released> ReleaseAsync(PartitionKey partition, long epoch, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(CommandKind.Release, partition, epoch, new SchedulerMessage
        {
            Release = new Release { Topic = partition.Topic, Partition = partition.Partition, Epoch = epoch, TimeoutMs = (long)timeout.TotalMilliseconds },
        }, timeout + TimeSpan.FromSeconds(5), cancellationToken);
        return answer.Released;
    }

    /// <summary>Asks the executor to release everything and exit.</summary>
    public void Stop(string reason) => _outbound.Writer.TryWrite(new SchedulerMessage { Stop = new Stop { Reason = reason } });

    internal void Ping() => _outbound.Writer.TryWrite(new SchedulerMessage { Ping = new Ping { SentAtUnixMs = _time.GetUtcNow().ToUnixTimeMilliseconds() } });

    internal void Welcome(Welcome welcome) => _outbound.Writer.TryWrite(new SchedulerMessage { Welcome = welcome });

    private async Task<ExecutorMessage> SendAsync(CommandKind kind, PartitionKey partition, long epoch, SchedulerMessage command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var key = (kind, partition.Topic, partition.Partition, epoch);
        var answer = new TaskCompletionSource<ExecutorMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(key, answer))
        {
            throw new InvalidOperationException($"{kind} of {partition} at epoch {epoch} is already waiting for task {TaskId}.");
        }
        try
        {
            if (!_outbound.Writer.TryWrite(command))
            {
                throw new ExecutorDisconnectedException(TaskId);
            }
            var message = await answer.Task.WaitAsync(timeout, _time, cancellationToken);
            if (message.BodyCase == ExecutorMessage.BodyOneofCase.CommandRejected)
            {
                var r = message.CommandRejected;
                throw new CommandRejectedException(TaskId, kind.ToString(), partition.ToString(), epoch, r.HeldEpoch, r.Reason);
            }
            return message;
        }
        finally
        {
            _pending.TryRemove(key, out _);
        }
    }

    /// <summary>Routes one message from the executor; called by the stream's reader only.</summary>
    internal void Receive(ExecutorMessage message)
    {
        Interlocked.Exchange(ref _lastHeard, _time.GetTimestamp());
        switch (message.BodyCase)
        {
            case ExecutorMessage.BodyOneofCase.Progress:
                Volatile.Write(ref _progress, message.Progress);
                break;
            case ExecutorMessage.BodyOneofCase.Assigned:
                Complete(CommandKind.Assign, message.Assigned.Topic, message.Assigned.Partition, message.Assigned.Epoch, message);
                break;
            case ExecutorMessage.BodyOneofCase.Released:
                Complete(CommandKind.Release, message.Released.Topic, message.Released.Partition, message.Released.Epoch, message);
                break;
            case ExecutorMessage.BodyOneofCase.CommandRejected:
                var r = message.CommandRejected;
                Complete(r.Command, r.Topic, r.Partition, r.Epoch, message);
                break;
        }
    }

    private void Complete(CommandKind kind, string topic, int partition, long epoch, ExecutorMessage message)
    {
        if (_pending.TryGetValue((kind, topic, partition, epoch), out var answer))
        {
            answer.TrySetResult(message);
        }
    }

    /// <summary>The stream ended: fail every waiting command and refuse new ones.</summary>
    internal void Close()
    {
        _outbound.Writer.TryComplete();
        foreach (var answer in _pending.Values)
        {
            answer.TrySetException(new ExecutorDisconnectedException(TaskId));
        }
    }
}
