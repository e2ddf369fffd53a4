using Microsoft.Extensions.Logging;

namespace Sluice.Consumer.Work;

internal sealed partial class WorkerPool
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Error, Message = "[Worker] {Topic}[{Partition}] stopped at offset {Offset}: DoNotCommitOffsetAndStop; the partition is paused until released")]
    private partial void LogPartitionStopped(string topic, int partition, long offset);

    [LoggerMessage(EventId = 202, Level = LogLevel.Critical, Message = "[Worker] unexpected fault outside the handler; the worker continues")]
    private partial void LogWorkerFault(Exception error);

    [LoggerMessage(EventId = 201, Level = LogLevel.Error, Message = "[Worker] the failure policy itself threw for {Message}; stopping the partition")]
    private partial void LogFailurePolicyThrew(string message, Exception error);
}
