namespace Sluice.Mesos.Executor;

/// <summary>A variable the Mesos agent sets for an executor is missing or unreadable.</summary>
public sealed class ExecutorEnvironmentException : Exception
{
    public ExecutorEnvironmentException(string variableName, string message)
        : base(message)
    {
        VariableName = variableName;
    }

    /// <summary>The environment variable at fault, e.g. <c>MESOS_EXECUTOR_ID</c>.</summary>
    public string VariableName { get; }
}
