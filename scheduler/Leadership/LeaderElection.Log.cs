using Microsoft.Extensions.Logging;
using Sluice.ZooKeeper;

namespace Sluice.Scheduler.Leadership;

internal sealed partial class LeaderElection
{
    [LoggerMessage(EventName = "ElectionJoined", Level = LogLevel.Information,
        Message = "Joined the leader election as {Node} (REST {RestAddress}, gRPC {GrpcAddress})")]
    private static partial void LogJoined(ILogger logger, string node, string? restAddress, string? grpcAddress);

    [LoggerMessage(EventName = "ElectionStateChanged", Level = LogLevel.Information, Message = "Election node {Node} is now {State}")]
    private static partial void LogStateChanged(ILogger logger, string? node, LeadershipState state);

    [LoggerMessage(EventName = "ElectionWatchingPredecessor", Level = LogLevel.Debug, Message = "{Node} stands by, watching {Predecessor}")]
    private static partial void LogWatchingPredecessor(ILogger logger, string node, string predecessor);

    [LoggerMessage(EventName = "ElectionLost", Level = LogLevel.Warning, Message = "Leadership of {Node} lost: {Reason}")]
    private static partial void LogLost(ILogger logger, string? node, string reason);

    [LoggerMessage(EventName = "ElectionTransientError", Level = LogLevel.Debug, Message = "Election interrupted by {Code}; retrying")]
    private static partial void LogTransient(ILogger logger, ZooKeeperErrorCode code);

    [LoggerMessage(EventName = "ElectionResignDeleteFailed", Level = LogLevel.Warning,
        Message = "Could not delete election node {Node} when resigning ({Code}); it goes with the session")]
    private static partial void LogResignDeleteFailed(ILogger logger, string node, ZooKeeperErrorCode code);

    [LoggerMessage(EventName = "ElectionHandlerFailed", Level = LogLevel.Error,
        Message = "A leadership StateChanged handler threw on {State}; the exception was swallowed")]
    private static partial void LogHandlerFailed(ILogger logger, LeadershipState state, Exception exception);
}
