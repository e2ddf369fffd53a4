using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Sluice.Consumer.Fetch;

internal sealed partial class PollLoop
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "[Poll] thread of consumer {Name} started")]
    private partial void LogPollThreadStarted(string name);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "[Poll] thread of consumer {Name} stopped")]
    private partial void LogPollThreadStopped(string name);

    [LoggerMessage(EventId = 102, Level = LogLevel.Critical, Message = "[Poll] the poll thread failed; the consumer stops")]
    private partial void LogPollThreadFailed(Exception error);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "[Poll] consume error at {Position}: {Code} {Reason}")]
    private partial void LogConsumeError(string position, ErrorCode code, string reason);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "[Commit] Kafka refused the commit of {Partitions} partition(s): {Code} {Reason}")]
    private partial void LogCommitFailed(int partitions, ErrorCode code, string reason);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information, Message = "[Assign] {Topic}[{Partition}] from offset {Offset}, epoch {Epoch}")]
    private partial void LogAssigned(string topic, int partition, long offset, long epoch);

    [LoggerMessage(EventId = 106, Level = LogLevel.Information, Message = "[Release] {Topic}[{Partition}] at next offset {Offset}, epoch {Epoch}")]
    private partial void LogReleased(string topic, int partition, long offset, long epoch);

    [LoggerMessage(EventId = 107, Level = LogLevel.Warning, Message = "[{Command}] {TopicPartition} ignored: epoch {Epoch} is lower than the held {HeldEpoch}")]
    private partial void LogStaleCommand(string command, string topicPartition, long epoch, long heldEpoch);

    [LoggerMessage(EventId = 109, Level = LogLevel.Warning, Message = "[Lease] fencing {Count} partition(s): no more fetching; messages already started finish")]
    private partial void LogFencing(int count);

    [LoggerMessage(EventId = 110, Level = LogLevel.Warning, Message = "[Lease] fenced {Count} partition(s), last commit succeeded: {Committed}; nothing more is committed until the scheduler assigns them again: {Offsets}")]
    private partial void LogFenced(int count, bool committed, string offsets);

    [LoggerMessage(EventId = 111, Level = LogLevel.Information, Message = "[Lease] {Topic}[{Partition}] given back at offset {Offset}, epoch {Epoch}: fetching again")]
    private partial void LogResumed(string topic, int partition, long offset, long epoch);

    [LoggerMessage(EventId = 108, Level = LogLevel.Warning, Message = "[Poll] closing the Kafka consumer failed")]
    private partial void LogCloseFailed(Exception error);
}
