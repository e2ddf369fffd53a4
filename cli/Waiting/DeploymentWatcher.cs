using Sluice.Cli.Api;
using Sluice.Cli.Rendering;
using Spectre.Console;

namespace Sluice.Cli.Waiting;

/// <summary>
/// <c>--watch</c>: polls <c>GET …/deployments/{id}</c> until the deployment succeeded, rolled back, failed or was
/// aborted; a live view on a terminal, one line per change otherwise. Succeeded is exit 0, any other end exit 5.
/// </summary>
internal static class DeploymentWatcher
{
    public static async Task<ExitCode> WatchAsync(CliContext context, string consumer, ApiResponse<Deployment> start, TimeSpan interval, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var deployment = start.Value;
        var final = await WaitDisplay.RunAsync(context, deployment, DeploymentView.Line,
            poll => context.Console.Live(DeploymentView.Render(deployment)).AutoClear(false).StartAsync(live => poll(d =>
            {
                live.UpdateTarget(DeploymentView.Render(d));
                live.Refresh();
            })),
            update => Poller.UntilFinishedAsync(
                start,
                c => context.Client.GetAsync<Deployment>(ApiPaths.Deployment(consumer, deployment.Id), c),
                d => d.IsFinished,
                update,
                interval,
                timeout,
                d => $"timed out after {Duration.Format(timeout!.Value)} watching deployment {d.Id} (still {d.Status}); it carries on in the scheduler (sluice deployments {d.Consumer})",
                cancellationToken));
        if (context.IsJson)
        {
            context.WriteJson(final.Body);
        }
        var ended = final.Value;
        return ended.State == DeploymentState.Succeeded
            ? ExitCode.Ok
            : throw new CliException(CliError.Failed(ApiProblem.Clean(
                $"deployment {ended.Id} of {ended.Consumer} ended {ended.Status}{(string.IsNullOrWhiteSpace(ended.Message) ? "" : ": " + ended.Message)}")));
    }
}
