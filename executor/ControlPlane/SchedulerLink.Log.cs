using Microsoft.Extensions.Logging;

namespace Sluice.Executor.ControlPlane;

internal sealed partial class SchedulerLink
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "[ControlPlane] connected to {Address} (scheduler {SchedulerId}, lease {LeaseMs} ms)")]
    private partial void LogConnected(string address, string schedulerId, double leaseMs);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "[ControlPlane] stream to {Address} ended by the scheduler")]
    private partial void LogStreamEnded(string address);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "[ControlPlane] stream to {Address} failed: {Reason}")]
    private partial void LogStreamFailed(string address, string reason);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "[ControlPlane] reconnecting to {Address} in {DelayMs:0} ms")]
    private partial void LogReconnecting(string address, double delayMs);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "[ControlPlane] {Address} is a standby; following it to the leader at {Leader}")]
    private partial void LogRedirected(string address, string leader);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information, Message = "[ControlPlane] a leader hint named {Address}: connecting there now")]
    private partial void LogFollowingHint(string address);

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "[Assign] {Topic}[{Partition}] epoch {Epoch} at offset {Offset}: {Outcome}")]
    private partial void LogAssign(string topic, int partition, long epoch, long offset, string outcome);

    [LoggerMessage(EventId = 111, Level = LogLevel.Information, Message = "[Release] {Topic}[{Partition}] epoch {Epoch}: next offset {NextOffset}, {Outcome} in {DurationMs:0.0} ms")]
    private partial void LogRelease(string topic, int partition, long epoch, long nextOffset, string outcome, double durationMs);

    [LoggerMessage(EventId = 112, Level = LogLevel.Error, Message = "[{Command}] {Topic}[{Partition}] failed: {Reason}")]
    private partial void LogCommandFailed(string command, string topic, int partition, string reason);

    [LoggerMessage(EventId = 113, Level = LogLevel.Information, Message = "[Stop] the scheduler asked this task to stop: {Reason}")]
    private partial void LogStopRequested(string reason);

    [LoggerMessage(EventId = 114, Level = LogLevel.Warning, Message = "[ControlPlane] ignoring an unknown message ({Kind})")]
    private partial void LogUnknownMessage(string kind);

    [LoggerMessage(EventId = 120, Level = LogLevel.Warning, Message = "[Lease] nothing from the scheduler for {SilentMs:0} ms (lease {LeaseMs:0} ms): pausing every partition, committing once what finishes, then nothing until it is back")]
    private partial void LogLeaseExpired(double silentMs, double leaseMs);

    [LoggerMessage(EventId = 121, Level = LogLevel.Information, Message = "[Lease] the scheduler is back: it gives each fenced partition back or releases it")]
    private partial void LogUnfenced();

    [LoggerMessage(EventId = 122, Level = LogLevel.Warning, Message = "[Lease] fenced {Partitions} partition(s) in {DurationMs:0} ms (in-flight finished: {Drained}, last commit: {Committed})")]
    private partial void LogFenced(int partitions, bool drained, bool committed, double durationMs);
}
