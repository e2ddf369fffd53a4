using Microsoft.Extensions.Logging;

namespace Sluice.ZooKeeper;

public sealed partial class ZooKeeperClient
{
    [LoggerMessage(EventName = "ZooKeeperCreated", Level = LogLevel.Debug,
        Message = "ZooKeeper client for {ConnectionString} created (session timeout {SessionTimeoutMs} ms, resuming session {ResumedSession})")]
    private static partial void LogCreated(ILogger logger, string connectionString, double sessionTimeoutMs, string? resumedSession);

    [LoggerMessage(EventName = "ZooKeeperStateChanged", Level = LogLevel.Information,
        Message = "ZooKeeper {ConnectionString}: session {Session} is {State}")]
    private static partial void LogStateChanged(ILogger logger, string connectionString, ZooKeeperState state, string? session);

    [LoggerMessage(EventName = "ZooKeeperStateHandlerFailed", Level = LogLevel.Error,
        Message = "A ZooKeeper StateChanged handler threw on {State}; the exception was swallowed")]
    private static partial void LogStateHandlerFailed(ILogger logger, ZooKeeperState state, Exception exception);

    [LoggerMessage(EventName = "ZooKeeperClosed", Level = LogLevel.Debug,
        Message = "ZooKeeper client for {ConnectionString} closed in {CloseMs:0.0} ms; {Swept} operations the C client never completed were failed")]
    private static partial void LogClosed(ILogger logger, string connectionString, double closeMs, int swept);
}
