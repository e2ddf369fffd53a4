using System.Text.Json;
using Sluice.Testing;

namespace Sluice.Scheduler.Tests.Deploy;

public sealed class MarathonAppTests
{
    public static TheoryData<string> AppFiles => new() { "sluice-scheduler.json", "sluice-scheduler-docker.json" };

    private static JsonElement Load(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(RepositoryRoot.Combine("deploy", "marathon", file)));
        return doc.RootElement.Clone();
    }

    [Theory]
    [MemberData(nameof(AppFiles))]
    public void App_runs_two_instances_on_distinct_hosts_with_two_named_ports(string file)
    {
        var app = Load(file);

        Assert.StartsWith("/", app.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, app.GetProperty("instances").GetInt32());
        Assert.True(app.GetProperty("cpus").GetDouble() > 0);
        Assert.True(app.GetProperty("mem").GetDouble() >= 256);
        var ports = app.GetProperty("portDefinitions").EnumerateArray().Select(p => p.GetProperty("name").GetString() ?? "").ToArray();
        Assert.Equal(new[] { "http", "grpc" }, ports);
        Assert.Contains(app.GetProperty("constraints").EnumerateArray(),
            c => c[0].GetString() == "hostname" && c[1].GetString() == "UNIQUE");
    }

    [Theory]
    [MemberData(nameof(AppFiles))]
    public void App_health_check_probes_health_on_the_rest_port(string file)
    {
        var check = Assert.Single(Load(file).GetProperty("healthChecks").EnumerateArray());

        Assert.Equal("/health", check.GetProperty("path").GetString());
        Assert.Equal(0, check.GetProperty("portIndex").GetInt32());
        Assert.Contains(check.GetProperty("protocol").GetString(), new[] { "HTTP", "MESOS_HTTP" });
        Assert.True(check.GetProperty("gracePeriodSeconds").GetInt32() > 0);
        Assert.True(check.GetProperty("intervalSeconds").GetInt32() > 0);
        Assert.True(check.GetProperty("maxConsecutiveFailures").GetInt32() > 0);
    }

    [Theory]
    [MemberData(nameof(AppFiles))]
    public void App_upgrade_keeps_a_standby_up_and_never_overlaps_a_third_scheduler(string file)
    {
        var strategy = Load(file).GetProperty("upgradeStrategy");

        // Two instances, one leader: replace one at a time (0.5 healthy) and never start extra (0 over).
        Assert.Equal(0.5, strategy.GetProperty("minimumHealthCapacity").GetDouble());
        Assert.Equal(0, strategy.GetProperty("maximumOverCapacity").GetDouble());
    }

    [Theory]
    [MemberData(nameof(AppFiles))]
    public void App_environment_sets_every_required_scheduler_setting(string file)
    {
        var env = Load(file).GetProperty("env");

        foreach (var name in new[] { "SLUICE_MASTER", "SLUICE_ZK", "SLUICE_KAFKA", "SLUICE_API_TOKEN" })
        {
            Assert.True(env.TryGetProperty(name, out _), $"{file} sets no {name}");
        }
        Assert.Equal(JsonValueKind.Object, env.GetProperty("SLUICE_API_TOKEN").ValueKind); // a secret, not plain text
    }

    [Fact]
    public void Command_variant_fetches_the_tarball_and_docker_variant_names_an_image()
    {
        var command = Load("sluice-scheduler.json");
        var docker = Load("sluice-scheduler-docker.json");

        Assert.True(command.GetProperty("fetch")[0].GetProperty("extract").GetBoolean());
        Assert.EndsWith(".tar.gz", command.GetProperty("fetch")[0].GetProperty("uri").GetString(), StringComparison.Ordinal);
        Assert.Contains("sluice-scheduler", command.GetProperty("cmd").GetString(), StringComparison.Ordinal);
        Assert.Equal("DOCKER", docker.GetProperty("container").GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(docker.GetProperty("container").GetProperty("docker").GetProperty("image").GetString()));
    }

    [Fact]
    public void Dockerfile_builds_in_stages_and_runs_as_a_non_root_user()
    {
        var lines = File.ReadAllLines(RepositoryRoot.Combine("deploy", "marathon", "Dockerfile"));

        Assert.Equal(2, lines.Count(l => l.StartsWith("FROM ", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.StartsWith("USER ", StringComparison.Ordinal) && !l.Contains("root", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("dotnet publish scheduler/Sluice.Scheduler.csproj", StringComparison.Ordinal));
    }
}
