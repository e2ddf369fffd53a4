using Confluent.Kafka;
using Sluice.Consumer;
using Sluice.Consumer.Failures;
using Sluice.Proto.ControlPlane.V1;
using FailurePolicy = Sluice.Proto.ControlPlane.V1.FailurePolicy;

namespace Sluice.Executor.Tasks;

/// <summary>Turns the scheduler's <see cref="TaskData"/> into consumer-core settings.</summary>
internal static class TaskDataMapping
{
    /// <summary>Reads TaskInfo.data; a clear <see cref="InvalidDataException"/> for anything unusable.</summary>
    public static TaskData Parse(Google.Protobuf.ByteString data)
    {
        if (data.IsEmpty)
        {
            throw new InvalidDataException("TaskInfo.data is empty: the scheduler must send the task's TaskData.");
        }
        TaskData parsed;
        try
        {
            parsed = TaskData.Parser.ParseFrom(data);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException ex)
        {
            throw new InvalidDataException($"TaskInfo.data is not a TaskData message: {ex.Message}", ex);
        }
        if (string.IsNullOrWhiteSpace(parsed.Kafka?.BootstrapServers))
        {
            throw new InvalidDataException("TaskData.kafka.bootstrap_servers is empty.");
        }
        if (string.IsNullOrWhiteSpace(parsed.Kafka.GroupId))
        {
            throw new InvalidDataException("TaskData.kafka.group_id is empty.");
        }
        if (string.IsNullOrWhiteSpace(parsed.ControlPlaneAddress))
        {
            throw new InvalidDataException("TaskData.control_plane_address is empty.");
        }
        return parsed;
    }

    public static ConsumerConfig ConsumerConfig(KafkaSettings kafka)
    {
        var config = new ConsumerConfig(kafka.ConsumerConfig.ToDictionary(kv => kv.Key, kv => kv.Value))
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = kafka.GroupId,
        };
        return config;
    }

    public static SluiceConsumerOptions Options(string name, WorkerSettings? worker)
    {
        var options = new SluiceConsumerOptions { Name = name };
        if (worker is null)
        {
            return options;
        }
        if (worker.MaxInFlight > 0)
        {
            options.Workers = worker.MaxInFlight;
        }
        if (worker.MaxBufferedMessages > 0)
        {
            options.MaxBufferedMessagesPerPartition = worker.MaxBufferedMessages;
        }
        if (worker.MaxBufferedBytes > 0)
        {
            options.MaxBufferedBytes = worker.MaxBufferedBytes;
            options.MaxBufferedBytesPerPartition = Math.Min(options.MaxBufferedBytesPerPartition, worker.MaxBufferedBytes);
        }
        if (worker.MaxAttempts > 0)
        {
            options.MaxRetryAttempts = Math.Max(0, worker.MaxAttempts - 1);
        }
        if (worker.RetryBackoffMs > 0)
        {
            options.RetryDelay = TimeSpan.FromMilliseconds(worker.RetryBackoffMs);
        }
        if (worker.RetryBackoffMaxMs > 0)
        {
            options.MaxRetryDelay = TimeSpan.FromMilliseconds(worker.RetryBackoffMaxMs);
        }
        if (worker.CommitIntervalMs > 0)
        {
            options.CommitInterval = TimeSpan.FromMilliseconds(worker.CommitIntervalMs);
        }
        if (worker.DeadLetterTopic.Length > 0)
        {
            options.DeadLetterTopic = worker.DeadLetterTopic;
        }
        return options;
    }

    /// <summary>The spec's failure policy as the decision taken once retries are exhausted.</summary>
    public static FailedDecision Decision(FailurePolicy policy) => policy switch
    {
        FailurePolicy.CommitOffsetAndContinue => FailedDecision.CommitOffsetAndContinue,
        FailurePolicy.DeadLetterAndContinue => FailedDecision.DeadLetterAndContinue,
        FailurePolicy.Retry => FailedDecision.Retry,
        _ => FailedDecision.DoNotCommitOffsetAndStop,
    };
}
