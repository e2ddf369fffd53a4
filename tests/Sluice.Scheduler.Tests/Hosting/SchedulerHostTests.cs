using System.Collections;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Sluice.Scheduler.Configuration;
using Sluice.Scheduler.Hosting;
using Sluice.Testing;

namespace Sluice.Scheduler.Tests.Hosting;

public sealed class SchedulerHostTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("sluice-scheduler-host-").FullName;

    public void Dispose() => Directory.Delete(_state, recursive: true);

    private static Hashtable Env(params (string Name, string Value)[] values)
    {
        var env = new Hashtable();
        foreach (var (name, value) in values)
        {
            env[name] = value;
        }
        return env;
    }

    [Fact]
    public void ReadOptions_FlagsOverrideEnvironment_AndMarathonPortsAreDefaults()
    {
        var options = SchedulerHost.ReadOptions(
            ["--kafka", "broker:9092", "--listen", "http://127.0.0.1:9000"],
            Env(("PORT0", "31000"), ("PORT1", "31001"), ("HOST", "127.0.0.1"), ("SLUICE_MASTER", "http://m:5050"),
                ("SLUICE_STATE", "memory"), ("SLUICE_KAFKA", "ignored:1")));

        Assert.Equal("broker:9092", options.Kafka);
        Assert.Equal("http://127.0.0.1:9000", options.Listen);
        Assert.Equal("http://127.0.0.1:31001", options.ControlPlaneListen);
        Assert.Equal("127.0.0.1", options.Advertise);
    }

    [Fact]
    public void ReadOptions_MissingMaster_NamesTheFlag()
    {
        var error = Assert.Throws<SchedulerConfigurationException>(() =>
            SchedulerHost.ReadOptions(["--state", "memory", "--kafka", "b:9092"], Env()));

        Assert.StartsWith("--master is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadOptions_MarathonHostName_ListensEverywhere_SoATokenIsRequired()
    {
        var error = Assert.Throws<SchedulerConfigurationException>(() => SchedulerHost.ReadOptions([],
            Env(("PORT0", "31000"), ("HOST", "agent-7.example"), ("SLUICE_MASTER", "http://m:5050"), ("SLUICE_STATE", "memory"), ("SLUICE_KAFKA", "b:9092"))));

        Assert.Contains("'http://0.0.0.0:31000' listens beyond loopback without --api-token", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadOptions_BadDuration_SaysTheSettingHasTheWrongForm()
    {
        var error = Assert.Throws<SchedulerConfigurationException>(() => SchedulerHost.ReadOptions(
            ["--master", "http://m:5050", "--state", "memory", "--kafka", "b:9092", "--failover-timeout", "soon"], Env()));

        Assert.Contains("wrong form", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadOptions_LeaseAndControlPlaneAdvertise_FromFlagsAndEnvironment()
    {
        var fromFlags = SchedulerHost.ReadOptions(
            ["--master", "http://m:5050", "--state", "memory", "--kafka", "b:9092", "--lease-timeout", "3s", "--control-plane-advertise", "127.0.0.1:40123"], Env());
        var fromEnvironment = SchedulerHost.ReadOptions(
            ["--master", "http://m:5050", "--state", "memory", "--kafka", "b:9092"],
            Env(("SLUICE_LEASE_TIMEOUT", "1500ms"), ("SLUICE_CONTROL_PLANE_ADVERTISE", "proxy:9")));

        Assert.Equal(("3s", "127.0.0.1:40123"), (fromFlags.LeaseTimeout, fromFlags.ControlPlaneAdvertise));
        Assert.Equal(("1500ms", "proxy:9"), (fromEnvironment.LeaseTimeout, fromEnvironment.ControlPlaneAdvertise));
    }

    [Fact]
    public void ReadOptions_BadLease_NamesTheFlagAndTheForms()
    {
        var error = Assert.Throws<SchedulerConfigurationException>(() => SchedulerHost.ReadOptions(
            ["--master", "http://m:5050", "--state", "memory", "--kafka", "b:9092", "--lease-timeout", "3 seconds"], Env()));

        Assert.Equal("--lease-timeout '3 seconds' is not a duration: use e.g. 15s, 500ms, 2m or 00:00:15", error.Message);
    }

    [Fact]
    public async Task Started_with_a_Marathon_environment_it_is_healthy_on_PORT0_and_serves_the_api()
    {
        var (port0, port1) = (FreePort(), FreePort());
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var process = Start(output, [], ("PORT0", $"{port0}"), ("PORT1", $"{port1}"), ("HOST", "127.0.0.1"), ("MESOS_TASK_ID", "sluice.scheduler.1"),
            ("SLUICE_MASTER", "http://127.0.0.1:5050"), ("SLUICE_STATE", $"file:{_state}"), ("SLUICE_KAFKA", "127.0.0.1:9092"));
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port0}/"), Timeout = TimeSpan.FromSeconds(5) };
            await Eventually.TrueAsync(async () =>
            {
                try
                {
                    return (await http.GetAsync("health")).StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(60), $"the scheduler answers /health on PORT0 ({port0})");

            var health = await http.GetStringAsync("health");
            Assert.Contains("\"leader\":true", health, StringComparison.Ordinal);
            var consumers = await http.GetAsync("api/v1/consumers");
            Assert.Equal(HttpStatusCode.OK, consumers.StatusCode);
            Assert.Contains(output, line => line.Contains("sluice-scheduler sluice.scheduler.1 of framework sluice", StringComparison.Ordinal));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task An_unknown_flag_stops_startup_with_one_line_naming_it()
    {
        using var process = Start(new System.Collections.Concurrent.ConcurrentQueue<string>(), ["--mastr", "http://m:5050"]);
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(2, process.ExitCode);
        Assert.StartsWith("sluice-scheduler: unknown flag '--mastr'", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    private static Process Start(System.Collections.Concurrent.ConcurrentQueue<string> output, string[] args, params (string Name, string Value)[] env)
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = RepositoryRoot.Combine("scheduler", "bin", configuration, "net10.0", "sluice-scheduler.dll");
        var start = new ProcessStartInfo(Sluice.Testing.Mesos.MesosTestTasks.DotnetHost) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("SLUICE_", StringComparison.Ordinal) || k.StartsWith("PORT", StringComparison.Ordinal) || k == "MESOS_TASK_ID").ToList())
        {
            start.Environment.Remove(name);
        }
        foreach (var (name, value) in env)
        {
            start.Environment[name] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("the scheduler did not start");
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                output.Enqueue(line);
            }
        };
        process.BeginOutputReadLine();
        return process;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
