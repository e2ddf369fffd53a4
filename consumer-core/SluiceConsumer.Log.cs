using Microsoft.Extensions.Logging;

namespace Sluice.Consumer;

public sealed partial class SluiceConsumer
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "[Consumer] {Name} started: {Workers} workers, ordering {Ordering}")]
    private partial void LogStarted(string name, int workers, MessageOrdering ordering);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "[Consumer] {Name} stopped in {Milliseconds:0} ms")]
    private partial void LogStopped(string name, double milliseconds);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "[Release] {Topic}[{Partition}]: messages still in flight after {Timeout}; committing the contiguous prefix")]
    private partial void LogReleaseTimedOut(string topic, int partition, TimeSpan timeout);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "[Consumer] messages still in flight after the stop timeout {Timeout}; cancelling them")]
    private partial void LogStopTimedOut(TimeSpan timeout);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "[Lease] messages still in flight {Timeout} after the fence; committing the contiguous prefix without them")]
    private partial void LogFenceDrainTimedOut(TimeSpan timeout);
}
