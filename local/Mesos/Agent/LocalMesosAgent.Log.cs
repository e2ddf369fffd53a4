using Microsoft.Extensions.Logging;

namespace Sluice.Local.Mesos.Agent;

public sealed partial class LocalMesosAgent
{
    [LoggerMessage(Level = LogLevel.Information, Message = "[Launch] executor {ExecutorId} started as pid {Pid} in {Sandbox}")]
    private partial void LogSpawned(string executorId, int pid, string sandbox);

    [LoggerMessage(Level = LogLevel.Warning, Message = "[Launch] executor {ExecutorId} failed to launch: {Error}")]
    private partial void LogLaunchFailed(string executorId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "[Launch] executor {ExecutorId} did not subscribe in time; killing it")]
    private partial void LogRegistrationTimeout(string executorId);

    [LoggerMessage(Level = LogLevel.Information, Message = "[Subscribe] executor {ExecutorId} of framework {FrameworkId} subscribed")]
    private partial void LogExecutorSubscribed(string executorId, string frameworkId);

    [LoggerMessage(Level = LogLevel.Information, Message = "[Subscribe] executor {ExecutorId} disconnected")]
    private partial void LogExecutorDisconnected(string executorId);

    [LoggerMessage(Level = LogLevel.Information, Message = "[Kill] task {TaskId} of executor {ExecutorId}")]
    private partial void LogKilling(string taskId, string executorId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "[Kill] task {TaskId} still alive after its grace period: SIGTERM to executor {ExecutorId}")]
    private partial void LogEscalating(string taskId, string executorId);

    [LoggerMessage(Level = LogLevel.Information, Message = "[Exit] executor {ExecutorId} ended with exit code {ExitCode}")]
    private partial void LogTerminated(string executorId, int? exitCode);

    [LoggerMessage(Level = LogLevel.Debug, Message = "[Update] re-sending unacknowledged {State} of task {TaskId}")]
    private partial void LogRetrying(string taskId, string state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "[Master] agent {AgentId} lost its master; executors keep running, status updates wait")]
    private partial void LogMasterLost(string agentId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "[Master] agent {AgentId} registering again with {Tasks} task(s)")]
    private partial void LogReregistering(string agentId, int tasks);

    [LoggerMessage(Level = LogLevel.Information, Message = "[Master] agent {AgentId} registered again; sending the status updates that waited")]
    private partial void LogReregistered(string agentId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Agent {AgentId}: some executor processes did not end after SIGKILL")]
    private partial void LogProcessesSurvived(string agentId);
}
