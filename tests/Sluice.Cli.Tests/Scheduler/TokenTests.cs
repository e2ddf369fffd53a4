using System.Collections;
using Sluice.Cli.Tests.Infrastructure;

namespace Sluice.Cli.Tests.Scheduler;

/// <summary>A scheduler started with <c>--api-token</c>: without <c>--token</c> a change is refused (401, exit 1).</summary>
public sealed class TokenTests(TokenSchedulerProcess scheduler) : IClassFixture<TokenSchedulerProcess>, IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private string Spec() => _files.Write("spec.json", """{"topics": ["orders"], "handler": {"type": "Acme.OrderHandler"}}""");

    [Fact]
    public async Task Apply_WithoutToken_401_OneLine_Exit1()
    {
        var result = await SluiceCli.RunAsync(scheduler.Api, "consumers", "apply", "-f", Spec(), "--name", SluiceCli.UniqueName("notoken"));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("sluice: Unauthorized: This scheduler requires 'Authorization: Bearer <token>' (its --api-token) on every mutating request. (HTTP 401)",
            Assert.Single(result.StderrLines));
    }

    [Fact]
    public async Task Apply_WithTokenOption_Succeeds()
    {
        var result = await SluiceCli.RunAsync(scheduler.Api, "consumers", "apply", "-f", Spec(), "--name", SluiceCli.UniqueName("token"), "--token", TokenSchedulerProcess.Token);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task ScaleAndDelete_WithTokenFromEnvironment_Succeed()
    {
        var name = SluiceCli.UniqueName("envtoken");
        var environment = new Hashtable { ["SLUICE_API"] = scheduler.Api, ["SLUICE_TOKEN"] = TokenSchedulerProcess.Token };

        var applied = await SluiceCli.RunAsync(environment, ["consumers", "apply", "-f", Spec(), "--name", name]);
        var scaled = await SluiceCli.RunAsync(environment, ["scale", name, "2"]);
        var deleted = await SluiceCli.RunAsync(environment, ["consumers", "delete", name]);

        Assert.True(applied.ExitCode == 0, applied.ToString());
        Assert.True(scaled.ExitCode == 0, scaled.ToString());
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
    }

    [Fact]
    public async Task List_WithoutToken_ReadsAreOpen()
    {
        var result = await SluiceCli.RunAsync(scheduler.Api, "consumers", "list");

        Assert.Equal(0, result.ExitCode);
    }
}
