using Microsoft.Extensions.Logging;
using Sluice.Proto.Mesos.V1.Scheduler;

namespace Sluice.Mesos.Scheduler;

public sealed partial class MesosSchedulerClient
{
    [LoggerMessage(EventId = 100, EventName = "Subscribe", Level = LogLevel.Information,
        Message = "[Subscribe] SUBSCRIBE to {Endpoint} (framework id: {FrameworkId})")]
    private partial void LogSubscribing(Uri endpoint, string? frameworkId);

    [LoggerMessage(EventId = 101, EventName = "Redirect", Level = LogLevel.Information,
        Message = "[Subscribe] {Endpoint} is not the leader; redirected to {Leader}")]
    private partial void LogRedirected(Uri endpoint, Uri leader);

    [LoggerMessage(EventId = 102, EventName = "SubscribeFailed", Level = LogLevel.Warning,
        Message = "[Subscribe] SUBSCRIBE to {Endpoint} failed: {Reason}")]
    private partial void LogSubscribeFailed(Uri? endpoint, string reason, Exception? exception);

    [LoggerMessage(EventId = 103, EventName = "SubscribeRefused", Level = LogLevel.Error,
        Message = "[Subscribe] {Endpoint} refused SUBSCRIBE with {Status}: {Body}; not retrying")]
    private partial void LogSubscribeRefused(Uri endpoint, int status, string body);

    [LoggerMessage(EventId = 110, EventName = "Subscribed", Level = LogLevel.Information,
        Message = "[Subscribed] framework {FrameworkId} subscribed at {Endpoint}, stream {StreamId}, heartbeat every {HeartbeatSeconds} s")]
    private partial void LogSubscribed(string frameworkId, Uri endpoint, string streamId, double heartbeatSeconds);

    [LoggerMessage(EventId = 115, EventName = "HeartbeatIntervalIgnored", Level = LogLevel.Warning,
        Message = "[Subscribed] {Endpoint} announced a heartbeat interval of {Seconds} s; assuming {AssumedSeconds} s")]
    private partial void LogHeartbeatIntervalIgnored(Uri endpoint, double seconds, double assumedSeconds);

    [LoggerMessage(EventId = 111, EventName = "Heartbeat", Level = LogLevel.Trace,
        Message = "[Heartbeat] from {Endpoint}")]
    private partial void LogHeartbeat(Uri endpoint);

    [LoggerMessage(EventId = 112, EventName = "Disconnected", Level = LogLevel.Warning,
        Message = "[Disconnected] from {Endpoint}: {Reason}; re-subscribing")]
    private partial void LogDisconnected(Uri endpoint, string reason, Exception? exception);

    [LoggerMessage(EventId = 113, EventName = "MalformedStream", Level = LogLevel.Error,
        Message = "[Disconnected] {Endpoint}: {Reason}; dropping the stream and re-subscribing")]
    private partial void LogMalformedStream(Uri endpoint, string reason, Exception? exception);

    [LoggerMessage(EventId = 114, EventName = "FrameworkError", Level = LogLevel.Error,
        Message = "[Error] {Endpoint} ended the subscription: {Message}")]
    private partial void LogFrameworkError(Uri endpoint, string message);

    [LoggerMessage(EventId = 120, EventName = "BackingOff", Level = LogLevel.Debug,
        Message = "Waiting {DelayMs:0} ms before retry {Attempt}")]
    private partial void LogBackingOff(double delayMs, int attempt);

    [LoggerMessage(EventId = 130, EventName = "CallAccepted", Level = LogLevel.Debug,
        Message = "[{CallType}] accepted by {Endpoint}")]
    private partial void LogCallAccepted(Call.Types.Type callType, Uri endpoint);

    [LoggerMessage(EventId = 131, EventName = "CallRetry", Level = LogLevel.Warning,
        Message = "[{CallType}] attempt {Attempt} failed, retrying: {Reason}")]
    private partial void LogCallRetry(Call.Types.Type callType, int attempt, string reason);

    [LoggerMessage(EventId = 140, EventName = "StateHandlerFailed", Level = LogLevel.Error,
        Message = "The connection state handler threw; ignored")]
    private partial void LogStateHandlerFailed(Exception exception);
}
