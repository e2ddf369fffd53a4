using System.Collections;
using Sluice.Mesos.Executor;

namespace Sluice.Mesos.Tests.Executor;

public sealed class ExecutorEnvironmentTests
{
    private static Hashtable Agent(params (string Name, string? Value)[] overrides)
    {
        var variables = new Hashtable
        {
            ["MESOS_AGENT_ENDPOINT"] = "10.0.0.7:5051",
            ["MESOS_FRAMEWORK_ID"] = "fw-1",
            ["MESOS_EXECUTOR_ID"] = "exec-1",
            ["MESOS_DIRECTORY"] = "/var/lib/mesos/slaves/s/frameworks/fw-1/executors/exec-1/runs/r",
            ["MESOS_SANDBOX"] = "/mnt/mesos/sandbox",
            ["MESOS_CHECKPOINT"] = "1",
            ["MESOS_RECOVERY_TIMEOUT"] = "15mins",
            ["MESOS_SUBSCRIPTION_BACKOFF_MAX"] = "2secs",
            ["MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD"] = "5secs",
        };
        foreach (var (name, value) in overrides)
        {
            variables[name] = value;
        }

        return variables;
    }

    [Fact]
    public void FromEnvironment_EverythingTheAgentSets_IsRead()
    {
        var environment = ExecutorEnvironment.FromEnvironment(Agent(("MESOS_EXECUTOR_AUTHENTICATION_TOKEN", "jwt")));

        Assert.Equal(new Uri("http://10.0.0.7:5051/"), environment.AgentEndpoint);
        Assert.Equal("fw-1", environment.FrameworkId);
        Assert.Equal("exec-1", environment.ExecutorId);
        Assert.Equal("/mnt/mesos/sandbox", environment.Sandbox);
        Assert.StartsWith("/var/lib/mesos", environment.Directory);
        Assert.True(environment.Checkpoint);
        Assert.Equal(TimeSpan.FromMinutes(15), environment.RecoveryTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), environment.SubscriptionBackoffMax);
        Assert.Equal(TimeSpan.FromSeconds(5), environment.ShutdownGracePeriod);
        Assert.Equal("jwt", environment.AuthenticationToken);
    }

    [Fact]
    public void FromEnvironment_NoCheckpoint_UsesDefaultsForTheCheckpointOnlyVariables()
    {
        var environment = ExecutorEnvironment.FromEnvironment(Agent(
            ("MESOS_CHECKPOINT", "0"), ("MESOS_RECOVERY_TIMEOUT", null), ("MESOS_SUBSCRIPTION_BACKOFF_MAX", null),
            ("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", null), ("MESOS_SANDBOX", null)));

        Assert.False(environment.Checkpoint);
        Assert.Equal(ExecutorEnvironment.DefaultRecoveryTimeout, environment.RecoveryTimeout);
        Assert.Equal(ExecutorEnvironment.DefaultSubscriptionBackoffMax, environment.SubscriptionBackoffMax);
        Assert.Equal(ExecutorEnvironment.DefaultShutdownGracePeriod, environment.ShutdownGracePeriod);
        Assert.Equal(environment.Directory, environment.Sandbox);
    }

    [Theory]
    [InlineData("MESOS_AGENT_ENDPOINT")]
    [InlineData("MESOS_FRAMEWORK_ID")]
    [InlineData("MESOS_EXECUTOR_ID")]
    [InlineData("MESOS_RECOVERY_TIMEOUT")]
    [InlineData("MESOS_SUBSCRIPTION_BACKOFF_MAX")]
    public void FromEnvironment_RequiredVariableMissing_ThrowsNamingIt(string name)
    {
        var error = Assert.Throws<ExecutorEnvironmentException>(() => ExecutorEnvironment.FromEnvironment(Agent((name, null))));

        Assert.Equal(name, error.VariableName);
        Assert.Contains(name, error.Message);
        Assert.Contains("Mesos agent", error.Message);
    }

    [Fact]
    public void FromEnvironment_NoSandboxAtAll_ThrowsNamingBothVariables()
    {
        var error = Assert.Throws<ExecutorEnvironmentException>(
            () => ExecutorEnvironment.FromEnvironment(Agent(("MESOS_SANDBOX", null), ("MESOS_DIRECTORY", null))));

        Assert.Contains("MESOS_SANDBOX", error.Message);
        Assert.Contains("MESOS_DIRECTORY", error.Message);
    }

    [Theory]
    [InlineData("MESOS_RECOVERY_TIMEOUT", "15 minutes")]
    [InlineData("MESOS_SUBSCRIPTION_BACKOFF_MAX", "2")]
    [InlineData("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", "-5secs")]
    [InlineData("MESOS_CHECKPOINT", "yes")]
    public void FromEnvironment_UnreadableValue_ThrowsNamingTheVariableAndValue(string name, string value)
    {
        var error = Assert.Throws<ExecutorEnvironmentException>(() => ExecutorEnvironment.FromEnvironment(Agent((name, value))));

        Assert.Equal(name, error.VariableName);
        Assert.Contains($"'{value}'", error.Message);
    }

    [Theory]
    [InlineData("250ms", 250 * TimeSpan.TicksPerMillisecond)]
    [InlineData("5secs", 5 * TimeSpan.TicksPerSecond)]
    [InlineData("15mins", 15 * TimeSpan.TicksPerMinute)]
    [InlineData("1hrs", TimeSpan.TicksPerHour)]
    [InlineData("2days", 2 * TimeSpan.TicksPerDay)]
    [InlineData("1weeks", 7 * TimeSpan.TicksPerDay)]
    [InlineData("1.5secs", 15 * TimeSpan.TicksPerSecond / 10)]
    [InlineData("300ns", 3)]
    [InlineData("7us", 70)]
    [InlineData("0secs", 0)]
    public void MesosDuration_Parse_ReadsEveryUnit(string text, long ticks)
    {
        Assert.Equal(TimeSpan.FromTicks(ticks), MesosDuration.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("secs")]
    [InlineData("5 s")]
    [InlineData("5sec")]
    [InlineData("-1secs")]
    [InlineData("1e3ms")]
    [InlineData("99999999999weeks")]
    public void MesosDuration_Parse_RejectsWhatMesosRejects(string text)
    {
        var error = Assert.Throws<FormatException>(() => MesosDuration.Parse(text));

        Assert.Contains("ns, us, ms, secs, mins, hrs, days, weeks", error.Message);
    }
}
