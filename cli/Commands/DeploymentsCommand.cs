using System.CommandLine;
using System.Globalization;
using Sluice.Cli.Api;
using Sluice.Cli.Rendering;

namespace Sluice.Cli.Commands;

/// <summary><c>sluice deployments NAME [--watch]</c>: lists a consumer's deployments, or follows its active one.</summary>
internal static class DeploymentsCommand
{
    public static Command Create(CliRuntime runtime)
    {
        var name = Arguments.Consumer();
        var watch = new WatchOptions();
        watch.Watch.Description = "Follow the active deployment until it ends: exit 0 when it succeeded, 5 otherwise";
        var command = new Command("deployments", "List a consumer's deployments, newest first") { name };
        watch.AddTo(command);
        command.SetAction(runtime.Action(async (context, parse, cancellationToken) =>
        {
            var consumer = parse.GetValue(name)!;
            if (watch.IsSet(parse))
            {
                var active = await DeploymentLookup.ActiveAsync(context, consumer, "watch", cancellationToken);
                var current = await context.Client.GetAsync<Deployment>(ApiPaths.Deployment(consumer, active.Id), cancellationToken);
                return await watch.WatchAsync(context, consumer, current, parse, cancellationToken);
            }
            var response = await context.Client.GetAsync<Deployment[]>(ApiPaths.Deployments(consumer), cancellationToken);
            if (context.IsJson)
            {
                context.WriteJson(response.Body);
                return ExitCode.Ok;
            }
            var all = response.Value ?? [];
            if (all.Length == 0)
            {
                context.Line($"No deployments of '{consumer}'.");
                return ExitCode.Ok;
            }
            var table = Tables.Create("ID", "VERSIONS", "STATUS", "STEP", "PARTITIONS", "CREATED", "MESSAGE");
            foreach (var d in all.OrderByDescending(d => d.CreatedAt))
            {
                table.Row(d.Id, DeploymentView.Versions(d), d.Status, DeploymentView.Step(d),
                    string.Join(" ", DeploymentView.Owned(d).Select(p => $"{p.Version}:{p.Count}")),
                    d.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    d.Message is null ? null : ApiProblem.Clean(d.Message));
            }
            context.Console.Write(table);
            return ExitCode.Ok;
        }));
        return command;
    }
}
