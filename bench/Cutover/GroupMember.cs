using Confluent.Kafka;

namespace Sluice.Bench.Cutover;

/// <summary>
/// One consumer-group member as a careful user writes it: subscribe, process each record, store its
/// offset after processing (auto commit sends stored offsets), and on revocation commit what was
/// processed synchronously, so that duplicates come only from the group protocol.
/// </summary>
/// <remarks>
/// The consumer lives on its own thread (Confluent's consumer is not thread-safe): Consume, the
/// rebalance callbacks (which librdkafka runs inside Consume and Close on that thread) and Close.
/// </remarks>
internal sealed class GroupMember
{
    private readonly ConsumerConfig _config;
    private readonly string _topic;
    private readonly ICutoverSink _sink;
    private readonly AssignmentBoard _board;
    private readonly GroupCounters _counters;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<int, long> _processedNext = [];
    private volatile bool _stopping;

    private GroupMember(ConsumerConfig config, string topic, string id, string version, ICutoverSink sink, AssignmentBoard board, GroupCounters counters)
    {
        _config = config;
        _topic = topic;
        Id = id;
        Version = version;
        _sink = sink;
        _board = board;
        _counters = counters;
    }

    public string Id { get; }

    public string Version { get; }

    /// <summary>Starts a member on its own thread; it joins the group named in <paramref name="config"/>.</summary>
    public static GroupMember Start(ConsumerConfig config, string topic, string id, string version, ICutoverSink sink, AssignmentBoard board, GroupCounters counters)
    {
        var member = new GroupMember(config, topic, id, version, sink, board, counters);
        board.Join(id);
        new Thread(member.Run) { IsBackground = true, Name = $"group-member-{id}" }.Start();
        return member;
    }

    /// <summary>Asks the member to stop; completes once it has closed (left the group) on its thread.</summary>
    public Task StopAsync()
    {
        _stopping = true;
        return _stopped.Task;
    }

    private void Run()
    {
        try
        {
            using var consumer = new ConsumerBuilder<Ignore, Ignore>(_config)
                .SetPartitionsAssignedHandler((_, assigned) =>
                {
                    _counters.Add(GroupCounters.AssignedCallbacks);
                    _board.Add(Id, assigned.Select(p => p.Partition.Value));
                })
                .SetPartitionsRevokedHandler((c, revoked) =>
                {
                    _counters.Add(GroupCounters.RevokedCallbacks);
                    CommitProcessed(c, revoked.Select(p => p.Partition.Value));
                    _board.Remove(Id, revoked.Select(p => p.Partition.Value));
                })
                .SetPartitionsLostHandler((_, lost) =>
                {
                    _counters.Add(GroupCounters.LostCallbacks);
                    foreach (var p in lost)
                    {
                        _processedNext.Remove(p.Partition.Value);
                    }
                    _board.Remove(Id, lost.Select(p => p.Partition.Value));
                })
                .SetOffsetsCommittedHandler((_, committed) =>
                {
                    if (committed.Error.IsError || committed.Offsets.Any(o => o.Error.IsError))
                    {
                        _counters.Add(GroupCounters.AutoCommitsFailed);
                    }
                })
                .SetErrorHandler((_, error) => _counters.Add(GroupCounters.ClientErrors))
                .SetLogHandler((_, _) => { })
                .Build();
            consumer.Subscribe(_topic);
            while (!_stopping)
            {
                ConsumeResult<Ignore, Ignore>? result;
                try
                {
                    result = consumer.Consume(TimeSpan.FromMilliseconds(50));
                }
                catch (ConsumeException ex) when (!ex.Error.IsFatal)
                {
                    _counters.Add(GroupCounters.ConsumeErrors);
                    continue;
                }
                if (result is null || result.IsPartitionEOF)
                {
                    continue;
                }
                // The handler: record the finished record; then its offset may be committed.
                _sink.RecordProcessed(result.Topic, result.Partition.Value, result.Offset.Value, Id, Version);
                _processedNext[result.Partition.Value] = result.Offset.Value + 1;
                try
                {
                    consumer.StoreOffset(result);
                }
                catch (KafkaException)
                {
                    _counters.Add(GroupCounters.StoresRejected);
                }
            }
            // Close runs the revoked handler (a last synchronous commit) and leaves the group.
            consumer.Close();
            _stopped.TrySetResult();
        }
        catch (Exception ex)
        {
            _stopped.TrySetException(ex);
        }
        finally
        {
            _board.Leave(Id);
        }
    }

    /// <summary>Synchronously commits the next offset of every revoked partition this member processed.</summary>
    private void CommitProcessed(IConsumer<Ignore, Ignore> consumer, IEnumerable<int> revoked)
    {
        var offsets = new List<TopicPartitionOffset>();
        foreach (var partition in revoked)
        {
            if (_processedNext.Remove(partition, out var next))
            {
                offsets.Add(new TopicPartitionOffset(_topic, partition, next));
            }
        }
        if (offsets.Count == 0)
        {
            return;
        }
        try
        {
            consumer.Commit(offsets);
            _counters.Add(GroupCounters.RevokeCommitsAccepted);
        }
        catch (KafkaException ex)
        {
            _counters.Add(GroupCounters.RevokeCommitsRejected);
            _counters.Add($"{GroupCounters.RevokeCommitsRejected}_{ex.Error.Code}");
        }
    }
}
