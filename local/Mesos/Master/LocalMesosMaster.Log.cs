using Microsoft.Extensions.Logging;

namespace Sluice.Local.Mesos.Master;

public sealed partial class LocalMesosMaster
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Local Mesos master {MasterId} listening on {Url}")]
    private partial void LogStarted(Uri url, string masterId);

    [LoggerMessage(Level = LogLevel.Information, Message = "[Agent] registered {AgentId} with {Resources}")]
    private partial void LogAgentRegistered(string agentId, string resources);

    [LoggerMessage(Level = LogLevel.Information, Message = "[Subscribe] framework {FrameworkId} ({Name}) subscribed, stream {StreamId}")]
    private partial void LogSubscribed(string frameworkId, string name, string streamId);

    [LoggerMessage(Level = LogLevel.Information, Message = "[Subscribe] framework {FrameworkId} failed over to stream {StreamId}")]
    private partial void LogResubscribed(string frameworkId, string streamId);

    [LoggerMessage(Level = LogLevel.Information, Message = "[Disconnect] framework {FrameworkId} disconnected; failover timeout {Seconds} s")]
    private partial void LogDisconnected(string frameworkId, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "[Disconnect] framework {FrameworkId} did not come back within its failover timeout")]
    private partial void LogFailoverTimedOut(string frameworkId);

    [LoggerMessage(Level = LogLevel.Information, Message = "[Teardown] framework {FrameworkId} removed: {Why}")]
    private partial void LogFrameworkRemoved(string frameworkId, string why);

    [LoggerMessage(Level = LogLevel.Debug, Message = "[Offers] {Count} offer(s) to framework {FrameworkId}")]
    private partial void LogOffered(string frameworkId, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "[Accept] framework {FrameworkId} launches task {TaskId} on agent {AgentId}")]
    private partial void LogLaunching(string frameworkId, string taskId, string agentId);

    [LoggerMessage(Level = LogLevel.Information, Message = "[Accept] framework {FrameworkId}: task {TaskId} is invalid: {Error}")]
    private partial void LogTaskInvalid(string frameworkId, string taskId, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "[Accept] framework {FrameworkId}: operation {Operation} is not modelled and was ignored")]
    private partial void LogOperationIgnored(string frameworkId, string operation);

    [LoggerMessage(Level = LogLevel.Debug, Message = "[Update] framework {FrameworkId} task {TaskId} {State} from agent {AgentId}")]
    private partial void LogForwarded(string frameworkId, string taskId, string state, string agentId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "[Failover] master {MasterId} stopped: connections cut, {Frameworks} framework(s) forgotten; agents are kept in the registry")]
    private partial void LogStopped(string masterId, int frameworks);

    [LoggerMessage(Level = LogLevel.Information, Message = "[Failover] master {MasterId} recovered on {Url}; waiting for {Agents} agent(s) of the registry to re-register")]
    private partial void LogRecovered(Uri url, string masterId, int agents);

    [LoggerMessage(Level = LogLevel.Information, Message = "[Agent] {AgentId} re-registered with {Executors} executor(s) and {Tasks} task(s)")]
    private partial void LogAgentReregistered(string agentId, int executors, int tasks);

    [LoggerMessage(Level = LogLevel.Information, Message = "[Failover] framework {FrameworkId} recovered from agent {AgentId}; it is back when its scheduler subscribes")]
    private partial void LogFrameworkRecovered(string frameworkId, string agentId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Path}: {StatusCode} {Message}")]
    private partial void LogRefused(string path, int statusCode, string message);
}
