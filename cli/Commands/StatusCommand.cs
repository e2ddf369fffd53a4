using System.CommandLine;
using Sluice.Cli.Api;
using Sluice.Cli.Rendering;

namespace Sluice.Cli.Commands;

/// <summary><c>sluice status NAME [--partitions]</c>: <c>GET /api/v1/consumers/{name}/status</c>.</summary>
internal static class StatusCommand
{
    public static Command Create(CliRuntime runtime)
    {
        var name = Arguments.Consumer();
        var partitions = new Option<bool>("--partitions") { Description = "List every partition: owner, epoch, state, offsets, lag" };
        var command = new Command("status", "Show a consumer's tasks, partition ownership and lag") { name, partitions };
        command.SetAction(runtime.Action(async (context, parse, cancellationToken) =>
        {
            var response = await context.Client.GetAsync<ConsumerStatus>(ApiPaths.Status(parse.GetValue(name)!), cancellationToken);
            if (context.IsJson)
            {
                context.WriteJson(response.Body);
            }
            else
            {
                context.Console.Write(StatusView.Render(response.Value, parse.GetValue(partitions)));
            }
            return ExitCode.Ok;
        }));
        return command;
    }
}
