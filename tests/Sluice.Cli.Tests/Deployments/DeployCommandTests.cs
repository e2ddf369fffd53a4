using System.Collections;
using System.Text.Json;
using Sluice.Cli.Tests.Infrastructure;
using Sluice.Testing;

namespace Sluice.Cli.Tests.Deployments;

/// <summary>
/// <c>sluice deploy</c> and the deployment commands against <see cref="DeploymentApiStandIn"/>, which implements the
/// deployment endpoints' contract with a scripted progression (the scheduler's endpoints are being written).
/// </summary>
public sealed class DeployCommandTests(StandInFixture api) : IClassFixture<StandInFixture>, IDisposable
{
    private const string Fast = "50ms";
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private string Version(string version = "v2") =>
        _files.Write($"{version}.json", $$"""{"version": "{{version}}", "handler": {"type": "Acme.OrderHandlerV2"}, "workers": 4}""");

    [Fact]
    public async Task Deploy_Watch_FollowsEveryStepToSucceeded_Exit0()
    {
        var name = SluiceCli.UniqueName("deploy");

        var result = await api.RunAsync("deploy", name, "-f", Version(), "--steps", "10,50,100", "--bake-seconds", "5", "--watch", "--interval", Fast);

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches($@"^deployment dep-\d+ of {name} v1 → v2: pending, step 1/3 \(10%\), v1 24 \[\.{{20}}\] 0 v2 \(0%\), gates: maxErrorRate -/0\.01 pending; maxLagGrowth -/10000 pending$", lines[0]);
        Assert.Contains(lines, l => l.Contains("inProgress, step 1/3 (10%), v1 22 [##..................] 2 v2 (8%)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("baking, step 2/3 (50%), v1 12 [##########..........] 12 v2 (50%), gates: maxErrorRate 0.001/0.01 ok; maxLagGrowth 120/10000 ok", StringComparison.Ordinal));
        Assert.EndsWith("succeeded, step 3/3 (100%), v1 0 [####################] 24 v2 (100%), gates: maxErrorRate 0.001/0.01 ok; maxLagGrowth 120/10000 ok", lines[^1], StringComparison.Ordinal);
        Assert.Equal(lines.Length, lines.Distinct().Count());
        Assert.Empty(result.Stderr);

        var sent = api.StandIn.Requests[name];
        Assert.Equal("v2", sent["version"]!["version"]!.GetValue<string>());
        Assert.Equal(4, sent["version"]!["workers"]!.GetValue<int>());
        Assert.Equal("[10,50,100]", sent["strategy"]!["steps"]!.ToJsonString());
        Assert.Equal(5, sent["strategy"]!["bakeSeconds"]!.GetValue<int>());
        Assert.Null(sent["strategy"]!["autoPromote"]);
    }

    [Fact]
    public async Task Deploy_WatchAndGateFails_RolledBack_Exit5WithOneLine()
    {
        var name = SluiceCli.UniqueName("failing");

        var result = await api.RunAsync("deploy", name, "-f", Version(), "--watch", "--interval", Fast);

        Assert.Equal(5, result.ExitCode);
        Assert.Contains("rollingBack", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("maxErrorRate 0.2/0.01 FAILING", result.Stdout, StringComparison.Ordinal);
        Assert.Matches($@"^sluice: deployment dep-\d+ of {name} ended rolledBack: gate maxErrorRate failed: 0\.2 > 0\.01; rolled back$", Assert.Single(result.StderrLines));
    }

    [Fact]
    public async Task Deploy_WithoutWatch_PrintsTheStart_AndAHint()
    {
        var name = SluiceCli.UniqueName("nowatch");

        var result = await api.RunAsync("deploy", name, "-f", Version(), "--auto-promote", "false", "--max-error-rate", "0.02", "--max-lag-growth", "5000");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches($@"^deployment dep-\d+ of {name} started: v1 → v2, steps 10/50/100%, bake 30 s, auto-promote off \(pending\)\n$", result.Stdout);
        Assert.Equal($"sluice: follow it with: sluice deployments {name} --watch", Assert.Single(result.StderrLines));
        var strategy = api.StandIn.Requests[name]["strategy"]!;
        Assert.False(strategy["autoPromote"]!.GetValue<bool>());
        Assert.Equal("""{"maxErrorRate":0.02,"maxLagGrowth":5000}""", strategy["gates"]!.ToJsonString());
    }

    [Fact]
    public async Task Deploy_WholeRequestFile_OptionsOverrideItsStrategy()
    {
        var name = SluiceCli.UniqueName("wholefile");
        var file = _files.Write("request.json", """
            {"version": {"version": "v3", "handler": {"type": "Acme.V3"}},
             "strategy": {"steps": [25, 100], "bakeSeconds": 60, "gates": {"maxErrorRate": 0.05}}}
            """);

        var result = await api.RunAsync("deploy", name, "-f", file, "--bake-seconds", "10", "-o", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var document = JsonDocument.Parse(result.Stdout);
        Assert.Equal("v3", document.RootElement.GetProperty("toVersion").GetString());
        Assert.Equal(10, document.RootElement.GetProperty("bakeSeconds").GetInt32());
        var sent = api.StandIn.Requests[name];
        Assert.Equal("""{"steps":[25,100],"bakeSeconds":10,"gates":{"maxErrorRate":0.05}}""", sent["strategy"]!.ToJsonString());
        Assert.Equal("""{"version":"v3","handler":{"type":"Acme.V3"}}""", sent["version"]!.ToJsonString());
    }

    [Fact]
    public async Task Deploy_WhileOneIsActive_409_Exit1()
    {
        var name = SluiceCli.UniqueName("twice");
        Assert.Equal(0, (await api.RunAsync("deploy", name, "-f", Version())).ExitCode);

        var result = await api.RunAsync("deploy", name, "-f", Version("v3"));

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"^sluice: Conflict: Deployment dep-\d+ of '.*' is pending; wait for it to end or roll it back\. \(HTTP 409\)$", Assert.Single(result.StderrLines));
    }

    [Fact]
    public async Task Rollback_NoActiveDeployment_Exit1_ClearLine()
    {
        var name = SluiceCli.UniqueName("nodeploy");

        var result = await api.RunAsync("rollback", name);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"sluice: consumer '{name}' has no active deployment to roll back (it has none)", Assert.Single(result.StderrLines));
    }

    [Fact]
    public async Task Promote_AfterTheLatestSucceeded_Exit1_NamesTheLatest()
    {
        var name = SluiceCli.UniqueName("done");
        Assert.Equal(0, (await api.RunAsync("deploy", name, "-f", Version(), "--watch", "--interval", Fast)).ExitCode);

        var result = await api.RunAsync("promote", name);

        Assert.Equal(1, result.ExitCode);
        Assert.Matches($@"^sluice: consumer '{name}' has no active deployment to promote \(the latest, dep-\d+, succeeded\)$", Assert.Single(result.StderrLines));
    }

    [Fact]
    public async Task Promote_WaitingForPromotion_MovesToTheNextStep()
    {
        var name = SluiceCli.UniqueName("manual");
        Assert.Equal(0, (await api.RunAsync("deploy", name, "-f", Version(), "--auto-promote", "false")).ExitCode);
        // Without auto-promotion the watch stops moving at waitingForPromotion, so it runs out of time (exit 3).
        var watched = await api.RunAsync("deployments", name, "--watch", "--timeout", "1s", "--interval", Fast);
        Assert.Equal(3, watched.ExitCode);
        Assert.Contains("waitingForPromotion, step 1/3 (10%)", watched.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"^sluice: timed out after 1 s watching deployment dep-\d+ \(still waitingForPromotion\)", Assert.Single(watched.StderrLines));

        var promoted = await api.RunAsync("promote", name);
        var again = await api.RunAsync("promote", name);

        Assert.True(promoted.ExitCode == 0, promoted.ToString());
        Assert.Matches(@"^promote of deployment dep-\d+ accepted: deployment dep-\d+ of .* inProgress, step 2/3 \(50%\)", promoted.Stdout);
        Assert.Equal(1, again.ExitCode);
        Assert.Matches(@"^sluice: Conflict: Cannot promote deployment dep-\d+ while it is inProgress\. \(HTTP 409\)$", Assert.Single(again.StderrLines));
    }

    [Fact]
    public async Task PauseResume_ThenRollbackWithWatch_RolledBack_Exit5()
    {
        var name = SluiceCli.UniqueName("pausing");
        Assert.Equal(0, (await api.RunAsync("deploy", name, "-f", Version())).ExitCode);

        var paused = await api.RunAsync("pause", name, "-o", "json");
        var pausedAgain = await api.RunAsync("pause", name);
        var resumed = await api.RunAsync("resume", name);
        var rolledBack = await api.RunAsync("rollback", name, "--watch", "--interval", Fast);

        Assert.True(paused.ExitCode == 0, paused.ToString());
        using (var document = JsonDocument.Parse(paused.Stdout))
        {
            Assert.Equal("paused", document.RootElement.GetProperty("status").GetString());
        }
        Assert.Equal(1, pausedAgain.ExitCode);
        Assert.Contains("Cannot pause deployment", pausedAgain.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, resumed.ExitCode);
        Assert.Equal(5, rolledBack.ExitCode);
        Assert.Contains("rollingBack", rolledBack.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"^sluice: deployment dep-\d+ of .* ended rolledBack: rolled back on request$", Assert.Single(rolledBack.StderrLines));
    }

    [Fact]
    public async Task Abort_WithId_Aborted()
    {
        var name = SluiceCli.UniqueName("aborting");
        var started = await api.RunAsync("deploy", name, "-f", Version(), "-o", "json");
        using var document = JsonDocument.Parse(started.Stdout);
        var id = document.RootElement.GetProperty("id").GetString()!;

        var result = await api.RunAsync("abort", name, "--id", id);
        var list = await api.RunAsync("deployments", name);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"abort of deployment {id} accepted", result.Stdout, StringComparison.Ordinal);
        Lines.Has($@"^{id}\s+v1 → v2\s+aborted\s+step 1/3 \(10%\)\s+v1:24 v2:0\s+1970-01-01 \d\d:\d\d:\d\dZ\s+aborted on request$", list.Stdout);
    }

    [Fact]
    public async Task Watch_CtrlC_Exit130_TheDeploymentCarriesOn()
    {
        var name = SluiceCli.UniqueName("interrupted");
        Assert.Equal(0, (await api.RunAsync("deploy", name, "-f", Version(), "--auto-promote", "false")).ExitCode);
        using var stdout = new CapturedWriter();
        using var stderr = new CapturedWriter();
        using var ctrlC = new CancellationTokenSource();

        var watch = CliApp.RunAsync(["deployments", name, "--watch", "--interval", Fast], stdout, stderr, new Hashtable { ["SLUICE_API"] = api.Api }, ctrlC.Token);
        await Eventually.TrueAsync(() => stdout.ToString().Contains("waitingForPromotion", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the watch reaches waitingForPromotion");
        await ctrlC.CancelAsync();
        var exit = await Eventually.WithinAsync(watch, TimeSpan.FromSeconds(30), "the watch ends after Ctrl-C");

        Assert.Equal(130, exit);
        Assert.Equal("sluice: interrupted; what was asked carries on in the scheduler", Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Contains("waitingForPromotion", (await api.RunAsync("deployments", name)).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deployments_None_SaysSo()
    {
        var result = await api.RunAsync("deployments", SluiceCli.UniqueName("empty"));

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("No deployments of", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_WatchOnATerminal_LiveView_Exit0()
    {
        var name = SluiceCli.UniqueName("live");

        var result = await SluiceCli.RunAsync(new Hashtable { ["SLUICE_API"] = api.Api }, ["deploy", name, "-f", Version(), "--watch", "--interval", Fast], terminal: true);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\u001b[", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("GATE", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("v2: 24 partition(s), 100%", result.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("succeeded, step 3/3 (100%), v1 0 [####################] 24 v2 (100%), gates: maxErrorRate 0.001/0.01 ok; maxLagGrowth 120/10000 ok\n", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_ThroughAStandbyRedirect_KeepsTheTokenAndTheBody()
    {
        var name = SluiceCli.UniqueName("standby");
        var environment = new Hashtable { ["SLUICE_API"] = api.Api + "/standby", ["SLUICE_TOKEN"] = "t0ken" };

        var result = await SluiceCli.RunAsync(environment, ["deploy", name, "-f", Version()]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("v2", api.StandIn.Requests[name]["version"]!["version"]!.GetValue<string>());
        Assert.Contains("Bearer t0ken", api.StandIn.Authorizations);
    }

    [Fact]
    public async Task Deploy_MissingVersionFile_Exit2()
    {
        var result = await api.RunAsync("deploy", "orders", "-f", _files.PathOf("v9.json"));

        Assert.Equal(2, result.ExitCode);
        Assert.EndsWith("v9.json: no such file", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }
}
