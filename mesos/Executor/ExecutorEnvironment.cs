using System.Collections;

namespace Sluice.Mesos.Executor;

/// <summary>
/// What the Mesos agent tells an executor through its environment (MESOS.md §3; Mesos'
/// src/slave/slave.cpp executorEnvironment).
/// </summary>
/// <param name="AgentEndpoint">Base URL of the agent's HTTP API, from <c>MESOS_AGENT_ENDPOINT</c> (<c>ip:port</c>).</param>
/// <param name="FrameworkId"><c>MESOS_FRAMEWORK_ID</c>.</param>
/// <param name="ExecutorId"><c>MESOS_EXECUTOR_ID</c>.</param>
/// <param name="Sandbox">The sandbox as the executor sees it: <c>MESOS_SANDBOX</c>, else <c>MESOS_DIRECTORY</c>.</param>
/// <param name="Directory">The sandbox path on the agent host (<c>MESOS_DIRECTORY</c>), if set.</param>
/// <param name="Checkpoint"><c>MESOS_CHECKPOINT</c> = 1: the agent can recover this executor, so it reconnects after a disconnect.</param>
/// <param name="RecoveryTimeout"><c>MESOS_RECOVERY_TIMEOUT</c>: how long to keep trying to re-subscribe (default 15 min).</param>
/// <param name="SubscriptionBackoffMax"><c>MESOS_SUBSCRIPTION_BACKOFF_MAX</c>: the longest wait between attempts (default 2 s).</param>
/// <param name="ShutdownGracePeriod"><c>MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD</c>: time to exit after SHUTDOWN (default 5 s).</param>
/// <param name="AuthenticationToken"><c>MESOS_EXECUTOR_AUTHENTICATION_TOKEN</c>, sent as a bearer token when set.</param>
public sealed record ExecutorEnvironment(
    Uri AgentEndpoint,
    string FrameworkId,
    string ExecutorId,
    string Sandbox,
    string? Directory,
    bool Checkpoint,
    TimeSpan RecoveryTimeout,
    TimeSpan SubscriptionBackoffMax,
    TimeSpan ShutdownGracePeriod,
    string? AuthenticationToken)
{
    public static readonly TimeSpan DefaultRecoveryTimeout = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan DefaultSubscriptionBackoffMax = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan DefaultShutdownGracePeriod = TimeSpan.FromSeconds(5);

    /// <summary>Reads this process's environment.</summary>
    public static ExecutorEnvironment FromEnvironment() => FromEnvironment(System.Environment.GetEnvironmentVariables());

    /// <summary>Reads the agent's variables from <paramref name="variables"/> (name → value).</summary>
    /// <exception cref="ExecutorEnvironmentException">A required variable is missing or a value is unreadable; the message names it.</exception>
    public static ExecutorEnvironment FromEnvironment(IDictionary variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        string? Get(string name) => variables[name] is string { Length: > 0 } value ? value : null;
        string Require(string name) => Get(name)
            ?? throw new ExecutorEnvironmentException(name, $"The environment variable {name} is not set. A Mesos executor must be started by a Mesos agent, which sets it.");

        string endpoint = Require("MESOS_AGENT_ENDPOINT");
        if (!Uri.TryCreate(endpoint.Contains("://", StringComparison.Ordinal) ? endpoint : "http://" + endpoint, UriKind.Absolute, out var agent))
        {
            throw new ExecutorEnvironmentException("MESOS_AGENT_ENDPOINT", $"MESOS_AGENT_ENDPOINT='{endpoint}' is not an agent address (expected ip:port).");
        }

        string frameworkId = Require("MESOS_FRAMEWORK_ID");
        string executorId = Require("MESOS_EXECUTOR_ID");
        string? directory = Get("MESOS_DIRECTORY");
        string sandbox = Get("MESOS_SANDBOX") ?? directory
            ?? throw new ExecutorEnvironmentException("MESOS_SANDBOX", "Neither MESOS_SANDBOX nor MESOS_DIRECTORY is set. A Mesos executor must be started by a Mesos agent, which sets them.");

        bool checkpoint = Get("MESOS_CHECKPOINT") switch
        {
            null or "0" => false,
            "1" => true,
            var other => throw new ExecutorEnvironmentException("MESOS_CHECKPOINT", $"MESOS_CHECKPOINT='{other}' must be 1 or 0."),
        };

        // The agent sets these two only for checkpointing frameworks (MESOS.md §3).
        TimeSpan recovery = Duration("MESOS_RECOVERY_TIMEOUT", required: checkpoint) ?? DefaultRecoveryTimeout;
        TimeSpan backoffMax = Duration("MESOS_SUBSCRIPTION_BACKOFF_MAX", required: checkpoint) ?? DefaultSubscriptionBackoffMax;
        TimeSpan grace = Duration("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", required: false) ?? DefaultShutdownGracePeriod;
        return new ExecutorEnvironment(agent, frameworkId, executorId, sandbox, directory, checkpoint, recovery, backoffMax, grace, Get("MESOS_EXECUTOR_AUTHENTICATION_TOKEN"));

        TimeSpan? Duration(string name, bool required)
        {
            string? text = required ? Require(name) : Get(name);
            if (text is null)
            {
                return null;
            }

            return MesosDuration.TryParse(text, out var duration)
                ? duration
                : throw new ExecutorEnvironmentException(name, $"{name}='{text}' is not a Mesos duration (e.g. 250ms, 5secs, 15mins, 1hrs).");
        }
    }
}
