using System.Text.Json;
using Sluice.Cli.Tests.Infrastructure;

namespace Sluice.Cli.Tests.Scheduler;

/// <summary>
/// <c>sluice scale</c> and <c>sluice status</c> against the real scheduler. Without a Mesos master the scale
/// operation stays pending (or running: the engine takes it up at once but no task can start), so <c>--wait</c> is tested to end at its <c>--timeout</c> with exit code 3.
/// </summary>
[Collection(SchedulerCollection.Name)]
public sealed class ScaleAndStatusCommandTests(SchedulerProcess scheduler) : SchedulerTests(scheduler)
{
    private async Task<string> CreateConsumerAsync(string prefix)
    {
        var name = SluiceCli.UniqueName(prefix);
        var spec = MinimalSpec(name + ".json");
        var created = await SluiceCli.RunAsync(Scheduler.Api, "consumers", "apply", "-f", spec, "--name", name);
        Assert.True(created.ExitCode == 0, created.ToString());
        return name;
    }

    [Fact]
    public async Task Scale_WithoutWait_PrintsTheOperation_Exit0()
    {
        var name = await CreateConsumerAsync("scale");

        var result = await SluiceCli.RunAsync(Scheduler.Api, "scale", name, "3");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches($@"^operation op-\w+: scale of '{name}' to 3 instance\(s\): pending \(poll /api/v1/operations/op-\w+\)\n$", result.Stdout);
    }

    [Fact]
    public async Task Scale_OutputJson_PrintsTheOperation()
    {
        var name = await CreateConsumerAsync("scalejson");

        var result = await SluiceCli.RunAsync(Scheduler.Api, "scale", name, "2", "-o", "json");

        Assert.Equal(0, result.ExitCode);
        using var operation = JsonDocument.Parse(result.Stdout);
        Assert.Equal("scale", operation.RootElement.GetProperty("kind").GetString());
        Assert.Equal(2, operation.RootElement.GetProperty("instances").GetInt32());
        Assert.StartsWith("/api/v1/operations/", operation.RootElement.GetProperty("href").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scale_WaitWithShortTimeout_OperationStaysPending_Exit3WithOneLine()
    {
        var name = await CreateConsumerAsync("scalewait");

        var result = await SluiceCli.RunAsync(Scheduler.Api, "scale", name, "2", "--wait", "--timeout", "1s", "--interval", "100ms");

        Assert.Equal(3, result.ExitCode);
        Assert.Matches($@"scale of '{name}' to 2 instance\(s\): (pending|running)", result.Stdout);
        Assert.Matches($@"^sluice: timed out after 1 s waiting for operation op-\w+ \(still (pending|running)\); it carries on in the scheduler \(sluice status {name}\)$",
            Assert.Single(result.StderrLines));
    }

    [Fact]
    public async Task Scale_WhileAnotherRuns_409_Exit1()
    {
        var name = await CreateConsumerAsync("scale409");
        Assert.Equal(0, (await SluiceCli.RunAsync(Scheduler.Api, "scale", name, "2")).ExitCode);

        var result = await SluiceCli.RunAsync(Scheduler.Api, "scale", name, "4");

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"^sluice: Conflict: Operation op-\w+ \(scale to 2\) is (pending|running) for consumer .*\(HTTP 409\)$", Assert.Single(result.StderrLines));
    }

    [Fact]
    public async Task Status_NewConsumer_ShowsDesiredInstancesNoTasksAndTheActiveOperation()
    {
        var name = await CreateConsumerAsync("status");
        Assert.Equal(0, (await SluiceCli.RunAsync(Scheduler.Api, "scale", name, "2")).ExitCode);

        var result = await SluiceCli.RunAsync(Scheduler.Api, "status", name);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"consumer {name}: topics orders, version v1, 0/2 task(s) running", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("No tasks.", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("No partitions assigned yet.", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"operation op-\w+: scale to 2 is (pending|running)", result.Stdout);
    }

    [Fact]
    public async Task Status_UnknownConsumer_404_Exit1()
    {
        var result = await SluiceCli.RunAsync(Scheduler.Api, "status", "no-such-consumer");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("sluice: Consumer not found: No consumer named 'no-such-consumer'. (HTTP 404)", Assert.Single(result.StderrLines));
    }
}
