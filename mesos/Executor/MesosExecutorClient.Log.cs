using Microsoft.Extensions.Logging;
using Sluice.Proto.Mesos.V1;

namespace Sluice.Mesos.Executor;

public sealed partial class MesosExecutorClient
{
    [LoggerMessage(EventId = 200, EventName = "Subscribe", Level = LogLevel.Information,
        Message = "[Subscribe] SUBSCRIBE to {Endpoint} with {Tasks} unacknowledged tasks and {Updates} unacknowledged updates")]
    private partial void LogSubscribing(Uri endpoint, int tasks, int updates);

    [LoggerMessage(EventId = 201, EventName = "SubscribeFailed", Level = LogLevel.Warning,
        Message = "[Subscribe] SUBSCRIBE to {Endpoint} failed: {Reason}")]
    private partial void LogSubscribeFailed(Uri endpoint, string reason, Exception? exception);

    [LoggerMessage(EventId = 210, EventName = "Subscribed", Level = LogLevel.Information,
        Message = "[Subscribed] to agent {AgentId} at {Endpoint}")]
    private partial void LogSubscribed(Uri endpoint, string? agentId);

    [LoggerMessage(EventId = 211, EventName = "Disconnected", Level = LogLevel.Warning,
        Message = "[Disconnected] {Reason}; re-subscribing: {Resubscribe}")]
    private partial void LogDisconnected(string reason, bool resubscribe, Exception? exception);

    [LoggerMessage(EventId = 212, EventName = "MalformedStream", Level = LogLevel.Error,
        Message = "[Disconnected] {Reason}; dropping the stream")]
    private partial void LogMalformedStream(string reason, Exception? exception);

    [LoggerMessage(EventId = 213, EventName = "GaveUp", Level = LogLevel.Error,
        Message = "[Disconnected] {Reason}")]
    private partial void LogGaveUp(string reason);

    [LoggerMessage(EventId = 214, EventName = "AgentError", Level = LogLevel.Error,
        Message = "[Error] the agent reports: {Message}")]
    private partial void LogAgentError(string message);

    [LoggerMessage(EventId = 220, EventName = "UpdateSent", Level = LogLevel.Debug,
        Message = "[Update] {TaskId} {State} sent")]
    private partial void LogUpdateSent(string taskId, TaskState state);

    [LoggerMessage(EventId = 221, EventName = "UpdateQueued", Level = LogLevel.Information,
        Message = "[Update] {TaskId} {State} kept until the next SUBSCRIBE (not subscribed)")]
    private partial void LogUpdateQueued(string taskId, TaskState state);

    [LoggerMessage(EventId = 222, EventName = "UpdateNotDelivered", Level = LogLevel.Warning,
        Message = "[Update] {TaskId} {State} not delivered ({Reason}); it is re-sent with the next SUBSCRIBE")]
    private partial void LogUpdateNotDelivered(string taskId, TaskState state, string reason);

    [LoggerMessage(EventId = 223, EventName = "Acknowledged", Level = LogLevel.Debug,
        Message = "[Acknowledged] update of {TaskId}")]
    private partial void LogAcknowledged(string? taskId);

    [LoggerMessage(EventId = 240, EventName = "StateHandlerFailed", Level = LogLevel.Error,
        Message = "The connection state handler threw; ignored")]
    private partial void LogStateHandlerFailed(Exception exception);
}
