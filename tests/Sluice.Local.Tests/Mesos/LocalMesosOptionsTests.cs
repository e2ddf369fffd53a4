using Sluice.Local.Mesos;

namespace Sluice.Local.Tests.Mesos;

/// <summary>Options of the local Mesos world and the <c>sluice-local mesos</c> command line.</summary>
public sealed class LocalMesosOptionsTests
{
    [Fact]
    public void Ctor_Defaults_AreMesosDefaults()
    {
        var options = new LocalMesosOptions();

        Assert.Equal(TimeSpan.FromSeconds(15), options.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), options.AllocationInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), options.StatusUpdateRetryInterval);
        Assert.Equal(TimeSpan.FromMinutes(1), options.ExecutorRegistrationTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ExecutorShutdownGracePeriod);
        Assert.Equal(TimeSpan.FromSeconds(1), options.RegistrationBackoffFactor);
        options.Validate();
    }

    [Theory]
    [InlineData(nameof(LocalMesosOptions.MasterPort))]
    [InlineData(nameof(LocalMesosOptions.AgentCount))]
    [InlineData(nameof(LocalMesosOptions.HeartbeatInterval))]
    [InlineData(nameof(LocalMesosOptions.AgentResources))]
    [InlineData(nameof(LocalMesosOptions.RegistrationBackoffFactor))]
    [InlineData(nameof(LocalMesosOptions.Credentials))]
    public void Validate_InvalidSetting_ThrowsNamingIt(string property)
    {
        var options = new LocalMesosOptions();
        switch (property)
        {
            case nameof(LocalMesosOptions.MasterPort): options.MasterPort = 70000; break;
            case nameof(LocalMesosOptions.AgentCount): options.AgentCount = 0; break;
            case nameof(LocalMesosOptions.HeartbeatInterval): options.HeartbeatInterval = TimeSpan.Zero; break;
            case nameof(LocalMesosOptions.AgentResources): options.AgentResources = "cpus:many"; break;
            case nameof(LocalMesosOptions.RegistrationBackoffFactor): options.RegistrationBackoffFactor = TimeSpan.Zero; break;
            case nameof(LocalMesosOptions.Credentials): options.Credentials = new Dictionary<string, string> { ["a:b"] = "secret" }; break;
        }

        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains(property, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--agents", "0", "--agents")]
    [InlineData("--resources", "cpus:x", "AgentResources")]
    [InlineData("--nonsense", "1", "unknown option --nonsense")]
    [InlineData("--credentials", "/dev/null", "names no principal")]
    public async Task Mesos_command_with_a_bad_option_prints_why_and_the_usage_and_exits_2(string option, string value, string expected)
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await LocalCommandLine.RunAsync(["mesos", option, value], output, error);

        Assert.Equal(2, exit);
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
        Assert.Contains("sluice-local mesos", error.ToString(), StringComparison.Ordinal);
    }
}
