using System.CommandLine;
using Sluice.Cli.Api;
using Sluice.Cli.Rendering;

namespace Sluice.Cli.Commands;

/// <summary><c>sluice consumers list | show NAME | apply -f FILE | delete NAME</c>.</summary>
internal static class ConsumersCommand
{
    public static Command Create(CliRuntime runtime)
    {
        var command = new Command("consumers", "List, show, create or replace, and delete consumers");
        command.Subcommands.Add(List(runtime));
        command.Subcommands.Add(Show(runtime));
        command.Subcommands.Add(ApplyCommand.Create(runtime));
        command.Subcommands.Add(Delete(runtime));
        return command;
    }

    private static Command List(CliRuntime runtime)
    {
        var command = new Command("list", "List the consumers");
        command.Aliases.Add("ls");
        command.SetAction(runtime.Action(async (context, _, cancellationToken) =>
        {
            var response = await context.Client.GetAsync<ConsumerSummary[]>(ApiPaths.Consumers, cancellationToken);
            if (context.IsJson)
            {
                context.WriteJson(response.Body);
            }
            else if (response.Value.Length == 0)
            {
                context.Line("No consumers.");
            }
            else
            {
                var table = Tables.Create("NAME", "TOPICS", "INSTANCES", "VERSION");
                foreach (var c in response.Value)
                {
                    table.Row(c.Name, string.Join(",", c.Topics), c.Instances.ToString(), c.ActiveVersion);
                }
                context.Console.Write(table);
            }
            return ExitCode.Ok;
        }));
        return command;
    }

    private static Command Show(CliRuntime runtime)
    {
        var name = Arguments.Consumer();
        var command = new Command("show", "Show a consumer's spec") { name };
        command.SetAction(runtime.Action(async (context, parse, cancellationToken) =>
        {
            var response = await context.Client.GetAsync<ConsumerSpec>(ApiPaths.Consumer(parse.GetValue(name)!), cancellationToken);
            if (context.IsJson)
            {
                context.WriteJson(response.Body);
            }
            else
            {
                context.Console.Write(ConsumerView.Render(response.Value));
            }
            return ExitCode.Ok;
        }));
        return command;
    }

    private static Command Delete(CliRuntime runtime)
    {
        var name = Arguments.Consumer();
        var command = new Command("delete", "Delete a consumer (its tasks are stopped)") { name };
        command.Aliases.Add("rm");
        command.SetAction(runtime.Action(async (context, parse, cancellationToken) =>
        {
            var consumer = parse.GetValue(name)!;
            await context.Client.SendAsync<object>(HttpMethod.Delete, ApiPaths.Consumer(consumer), body: null, cancellationToken);
            if (!context.IsJson)
            {
                context.Line($"consumer '{consumer}' deleted");
            }
            return ExitCode.Ok;
        }));
        return command;
    }
}
