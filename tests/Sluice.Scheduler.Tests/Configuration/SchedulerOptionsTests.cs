using Sluice.Scheduler.Configuration;
using Sluice.Scheduler.ControlPlane;
using Sluice.Scheduler.Engine;
using Sluice.Scheduler.Handover;

namespace Sluice.Scheduler.Tests.Configuration;

public sealed class SchedulerOptionsTests
{
    private static SchedulerOptions Valid() => new()
    {
        Master = "http://127.0.0.1:5050",
        State = "file:/tmp/sluice-state.json",
        Kafka = "127.0.0.1:9092",
    };

    private static IReadOnlyList<string> Failures(SchedulerOptions options) =>
        new SchedulerOptionsValidator().Validate(null, options).Failures?.ToList() ?? [];

    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var options = new SchedulerOptions();

        Assert.Equal("sluice", options.FrameworkName);
        Assert.Equal("*", options.Role);
        Assert.Equal(TimeSpan.FromDays(7), options.FailoverTimeout);
        Assert.False(options.Insecure);
        Assert.Null(options.Listen);
    }

    [Fact]
    public void Validate_ValidOptions_Succeeds()
    {
        Assert.Empty(Failures(Valid()));
        var zk = Valid();
        zk.State = null;
        zk.Zk = "zk1:2181,zk2:2181/sluice";
        zk.Master = "zk://zk1:2181,zk2:2181/mesos";
        zk.ZkAuth = "digest:sluice:pass:word";
        Assert.Empty(Failures(zk));
    }

    [Theory]
    [InlineData("Master", null, "--master is required")]
    [InlineData("Master", "master:5050", "--master 'master:5050' is not a master list")]
    [InlineData("Master", "zk://zk1:2181", "--master 'zk://zk1:2181' is not a master list")]
    [InlineData("Kafka", "", "--kafka is required")]
    [InlineData("Kafka", "broker", "--kafka 'broker' is not host:port")]
    [InlineData("State", "s3://bucket", "--state 's3://bucket' must be file:PATH or memory")]
    [InlineData("State", null, "--zk or --state is required")]
    [InlineData("FrameworkName", "a/b", "--framework-name must be a non-empty name")]
    [InlineData("Principal", "me", "--principal and --secret go together")]
    [InlineData("ZkAuth", "digest:sluice:pw", "--zk-auth must be digest:user:password, with --zk")]
    [InlineData("ZkAuth", "sluice:pw", "--zk-auth must be digest:user:password")]
    [InlineData("ZkAuth", "digest:sluice", "--zk-auth must be digest:user:password")]
    [InlineData("ControlPlaneAdvertise", "proxy", "--control-plane-advertise 'proxy' must be host:port")]
    [InlineData("ControlPlaneAdvertise", "proxy:0", "--control-plane-advertise 'proxy:0' must be host:port")]
    [InlineData("ControlPlaneAdvertise", "a:1,b:2", "--control-plane-advertise 'a:1,b:2' must be host:port")]
    [InlineData("LeaseTimeout", "soon", "--lease-timeout 'soon' is not a duration")]
    [InlineData("LeaseTimeout", "3 parsecs", "--lease-timeout '3 parsecs' is not a duration")]
    [InlineData("LeaseTimeout", "-3s", "--lease-timeout '-3s' is not a duration")]
    [InlineData("LeaseTimeout", "500ms", "--lease-timeout '500ms' must be between 1 s and 60 min")]
    [InlineData("LeaseTimeout", "2h", "--lease-timeout '2h' must be between 1 s and 60 min")]
    [InlineData("Listen", "ftp://x:1", "--listen 'ftp://x:1' must be http://address:port")]
    [InlineData("Listen", "http://0.0.0.0:8080", "--listen 'http://0.0.0.0:8080' listens beyond loopback without --api-token")]
    public void Validate_InvalidValue_NamesTheFlag(string property, string? value, string expected)
    {
        var options = Valid();
        typeof(SchedulerOptions).GetProperty(property)!.SetValue(options, value);

        var failures = Failures(options);

        Assert.Contains(failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("3s", 3_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("1500ms", 1_500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("00:00:15", 15_000)]
    [InlineData(" 4s ", 4_000)]
    public void DurationSetting_TryParse_ReadsUnitsAndTimeSpans(string text, long milliseconds)
    {
        Assert.True(DurationSetting.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("3")]
    [InlineData("3 s")]
    [InlineData("3sec")]
    [InlineData("s")]
    [InlineData("-00:00:01")]
    public void DurationSetting_TryParse_RejectsOtherText(string? text) => Assert.False(DurationSetting.TryParse(text, out _));

    [Fact]
    public void Validate_GoodLeaseAndControlPlaneAdvertise_Succeed()
    {
        var options = Valid();
        options.LeaseTimeout = "3s";
        options.ControlPlaneAdvertise = "127.0.0.1:40123";

        Assert.Empty(Failures(options));
    }

    [Theory]
    [InlineData(15_000, 3_000, 20_000)]
    [InlineData(3_000, 1_000, 8_000)]
    [InlineData(1_000, 333, 6_000)]
    [InlineData(60_000, 3_000, 80_000)]
    public void LeaseTimings_FollowTheLease(long leaseMs, long pingMs, long graceMs)
    {
        var timings = new LeaseTimings(TimeSpan.FromMilliseconds(leaseMs));

        Assert.Equal(pingMs, (long)timings.PingInterval.TotalMilliseconds);
        Assert.Equal(graceMs, (long)timings.SilentOwnerGrace.TotalMilliseconds);
        Assert.True(timings.SilentOwnerGrace - timings.Lease >= LeaseTimings.MinimumMargin);
    }

    [Fact]
    public void LeaseTimings_Default_KeepsTheFormerTimings()
    {
        Assert.Equal(TimeSpan.FromSeconds(15), LeaseTimings.Default.Lease);
        Assert.Equal(new EngineOptions().SilentTaskGrace, LeaseTimings.Default.SilentOwnerGrace);
        Assert.Equal(new HandoverOptions().SilentOwnerGrace, LeaseTimings.Default.SilentOwnerGrace);
        Assert.Equal(ControlPlaneOptions.DefaultPingInterval, LeaseTimings.Default.PingInterval);
    }

    [Fact]
    public void Validate_BadZkAuth_NeverEchoesTheSecret()
    {
        var options = Valid();
        options.ZkAuth = "digest:sluice-but-no-password-separator";

        Assert.DoesNotContain(Failures(options), f => f.Contains("sluice-but", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ZkAndStateTogether_IsRejected()
    {
        var options = Valid();
        options.Zk = "zk:2181";

        Assert.Contains(Failures(options), f => f.Contains("not both", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_PublicListenWithTokenOrInsecure_IsAccepted()
    {
        var withToken = Valid();
        withToken.Listen = "http://0.0.0.0:8080";
        withToken.ApiToken = "s3cret";
        var insecure = Valid();
        insecure.Listen = "http://0.0.0.0:8080";
        insecure.Insecure = true;

        Assert.Empty(Failures(withToken));
        Assert.Empty(Failures(insecure));
    }

    [Fact]
    public void Normalize_UnknownFlag_IsRejectedWithTheKnownOnes()
    {
        var error = Assert.Throws<SchedulerConfigurationException>(() => SchedulerCommandLine.Normalize(["--mastr", "x"]));

        Assert.Contains("unknown flag '--mastr'", error.Message, StringComparison.Ordinal);
        Assert.Contains("--master", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Normalize_FlagWithoutValue_IsRejected()
    {
        var error = Assert.Throws<SchedulerConfigurationException>(() => SchedulerCommandLine.Normalize(["--kafka", "--master", "http://m:5050"]));

        Assert.Equal("--kafka needs a value", error.Message);
    }

    [Fact]
    public void Normalize_ValuesFollowTheirFlags_AndAStrayValueIsRejected()
    {
        Assert.Equal(["--kafka", "b:9092", "--master=http://m:5050"], SchedulerCommandLine.Normalize(["--kafka", "b:9092", "--master=http://m:5050"]));
        var error = Assert.Throws<SchedulerConfigurationException>(() => SchedulerCommandLine.Normalize(["b:9092"]));
        Assert.Contains("unexpected argument 'b:9092'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Normalize_BareInsecure_BecomesTrue()
    {
        var args = SchedulerCommandLine.Normalize(["--insecure", "--master=http://m:5050"]);

        Assert.Equal(["--Sluice:Insecure=true", "--master=http://m:5050"], args);
    }

    [Fact]
    public void MarathonDefaults_MapPortsAndHost()
    {
        var defaults = SchedulerCommandLine.MarathonDefaults(new Dictionary<string, string?>
        {
            ["PORT0"] = "31000",
            ["PORT1"] = "31001",
            ["HOST"] = "agent-7.example",
        }).ToDictionary();

        Assert.Equal("http://0.0.0.0:31000", defaults["Sluice:Listen"]);
        Assert.Equal("http://0.0.0.0:31001", defaults["Sluice:ControlPlaneListen"]);
        Assert.Equal("agent-7.example", defaults["Sluice:Advertise"]);
    }

    [Fact]
    public void FromEnvironment_MapsSluiceVariablesToTheFlagsSettings()
    {
        var settings = SchedulerCommandLine.FromEnvironment(new Dictionary<string, string?>
        {
            ["SLUICE_MASTER"] = "zk://zk:2181/mesos",
            ["SLUICE_API_TOKEN"] = "t0ken",
            ["SLUICE_FAILOVER_TIMEOUT"] = "1.00:00:00",
            ["SLUICE_INSECURE"] = "true",
            ["UNRELATED"] = "x",
        }).ToDictionary();

        Assert.Equal("zk://zk:2181/mesos", settings["Sluice:Master"]);
        Assert.Equal("t0ken", settings["Sluice:ApiToken"]);
        Assert.Equal("1.00:00:00", settings["Sluice:FailoverTimeout"]);
        Assert.Equal("true", settings["Sluice:Insecure"]);
        Assert.Equal(4, settings.Count);
    }
}
