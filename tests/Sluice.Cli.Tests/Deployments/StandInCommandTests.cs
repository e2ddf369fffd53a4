using System.Collections;
using System.Text.RegularExpressions;
using Sluice.Cli.Tests.Infrastructure;

namespace Sluice.Cli.Tests.Deployments;

/// <summary>Outputs that need a scheduler with running tasks or a failing one: <c>status</c> with partitions, a 5xx.</summary>
public sealed class StandInCommandTests(StandInFixture api) : IClassFixture<StandInFixture>
{
    [Fact]
    public async Task Status_SummarisesPartitionsPerOwnerAndVersion_AndTotalLag()
    {
        var result = await api.RunAsync("status", "orders");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("consumer orders: topics orders, version v1, 3/3 task(s) running", result.Stdout, StringComparison.Ordinal);
        Lines.Has(@"^task-a\s+v1\s+agent-1\s+running\s+connected\s+yes$", result.Stdout);
        Lines.Has(@"^task-a\s+v1\s+2\s+30$", result.Stdout);
        Lines.Has(@"^task-b\s+v1\s+1\s+30$", result.Stdout);
        Lines.Has(@"^task-c\s+v2\s+2\s+400$", result.Stdout);
        Lines.Has(@"^\(none\)\s+-\s+1\s+-$", result.Stdout);
        Assert.Contains("partitions per version: v1: 3, v2: 2, unowned: 1", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("total lag 460 over 6 partition(s) (2 without a reading)", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("COMMITTED", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_PartitionsOption_ListsEveryPartition()
    {
        var result = await api.RunAsync("status", "orders", "--partitions");

        Assert.Equal(0, result.ExitCode);
        Lines.Has(@"^TOPIC\s+PARTITION\s+OWNER\s+VERSION\s+EPOCH\s+STATE\s+START\s+COMMITTED\s+LAG$", result.Stdout);
        Lines.Has(@"^orders\s+3\s+task-c\s+v2\s+3\s+owned\s+100\s+1003\s+400$", result.Stdout);
        Lines.Has(@"^orders\s+5\s+-\s+-\s+3\s+free\s+100\s+-\s+-$", result.Stdout);
    }

    [Fact]
    public async Task Scale_Wait_OperationSucceeds_PrintsEachStatus_Exit0()
    {
        var result = await api.RunAsync("scale", "orders", "4", "--wait", "--interval", "50ms");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            "operation op-1: scale of 'orders' to 4 instance(s): pending\n" +
            "operation op-1: scale of 'orders' to 4 instance(s): running\n" +
            "operation op-1: scale of 'orders' to 4 instance(s): succeeded\n",
            result.Stdout.Replace(Regex.Match(result.Stdout, @"op-\d+").Value, "op-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Scale_Wait_OperationFails_Exit5WithTheMessage()
    {
        var result = await api.RunAsync("scale", "failing-orders", "4", "--wait", "--interval", "50ms", "-o", "json");

        Assert.Equal(5, result.ExitCode);
        Assert.Contains("\"status\":\"failed\"", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"^sluice: operation op-\d+: scale of 'failing-orders' to 4 instance\(s\): failed: no offers fit: cpus 0\.5 wanted$", Assert.Single(result.StderrLines));
    }

    [Fact]
    public async Task Scale_WaitOnATerminal_Spinner_Exit0()
    {
        var result = await SluiceCli.RunAsync(new Hashtable { ["SLUICE_API"] = api.Api }, ["scale", "orders", "2", "--wait", "--interval", "50ms"], terminal: true);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.EndsWith("to 2 instance(s): succeeded\n", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerError_500_OneLine_Exit4()
    {
        var result = await api.RunAsync("consumers", "show", "boom");

        Assert.Equal(4, result.ExitCode);
        Assert.Equal("sluice: Internal error: An unexpected error occurred; see the scheduler's log. (HTTP 500)", Assert.Single(result.StderrLines));
    }
}
