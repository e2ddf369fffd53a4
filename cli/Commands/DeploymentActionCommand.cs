using System.CommandLine;
using Sluice.Cli.Api;
using Sluice.Cli.Rendering;

namespace Sluice.Cli.Commands;

/// <summary>
/// <c>sluice promote|rollback|pause|resume|abort NAME [--id ID] [--watch]</c>: <c>POST …/deployments/{id}/{action}</c>
/// on the consumer's active deployment (or the one named by <c>--id</c>). No active deployment: exit 1 with one line;
/// an action that does not apply now: the server's 409, exit 1.
/// </summary>
internal static class DeploymentActionCommand
{
    private sealed record DeploymentAction(string Name, string Purpose, string Description);

    private static readonly DeploymentAction[] Actions =
    [
        new("promote", "promote", "Move a deployment to its next step now (or finish it), without waiting for auto-promotion"),
        new("rollback", "roll back", "Move every partition back to the old version and end the deployment"),
        new("pause", "pause", "Hold a deployment at its current step"),
        new("resume", "resume", "Continue a paused deployment"),
        new("abort", "abort", "Stop a deployment where it is, leaving partitions as they are now"),
    ];

    public static IEnumerable<Command> All(CliRuntime runtime) => Actions.Select(a => Create(runtime, a));

    private static Command Create(CliRuntime runtime, DeploymentAction action)
    {
        var name = Arguments.Consumer();
        var id = new Option<string?>("--id") { Description = "The deployment (default: the consumer's active one)", HelpName = "ID" };
        var watch = new WatchOptions();
        var command = new Command(action.Name, action.Description) { name, id };
        watch.AddTo(command);
        command.SetAction(runtime.Action(async (context, parse, cancellationToken) =>
        {
            var consumer = parse.GetValue(name)!;
            var deploymentId = parse.GetValue(id) ?? (await DeploymentLookup.ActiveAsync(context, consumer, action.Purpose, cancellationToken)).Id;
            var accepted = await context.Client.SendAsync<Deployment>(
                HttpMethod.Post, ApiPaths.DeploymentAction(consumer, deploymentId, action.Name), "{}", cancellationToken);
            if (watch.IsSet(parse))
            {
                return await watch.WatchAsync(context, consumer, accepted, parse, cancellationToken);
            }
            if (context.IsJson)
            {
                context.WriteJson(accepted.Body);
            }
            else
            {
                context.Line(ApiProblem.Clean($"{action.Name} of deployment {deploymentId} accepted: {DeploymentView.Line(accepted.Value)}"));
            }
            return ExitCode.Ok;
        }));
        return command;
    }
}
