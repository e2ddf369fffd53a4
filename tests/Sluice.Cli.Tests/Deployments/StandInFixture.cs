using Sluice.Cli.Tests.Infrastructure;

namespace Sluice.Cli.Tests.Deployments;

/// <summary>One <see cref="DeploymentApiStandIn"/> for a test class; consumers are named uniquely per test.</summary>
public sealed class StandInFixture : IAsyncLifetime
{
    private DeploymentApiStandIn? _standIn;

    internal DeploymentApiStandIn StandIn => _standIn ?? throw new InvalidOperationException("not started");

    public string Api => StandIn.Api;

    public async Task InitializeAsync() => _standIn = await DeploymentApiStandIn.StartAsync();

    public async Task DisposeAsync()
    {
        if (_standIn is not null)
        {
            await _standIn.DisposeAsync();
        }
    }

    /// <summary>Runs <c>sluice</c> against the stand-in, polling fast.</summary>
    internal Task<CliResult> RunAsync(params string[] args) => SluiceCli.RunAsync(Api, args);
}
