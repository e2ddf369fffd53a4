using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sluice.Cli.Api;
using Sluice.Cli.Waiting;

namespace Sluice.Cli.Commands;

/// <summary><c>sluice scale NAME N [--wait]</c>: <c>POST /api/v1/consumers/{name}/scale</c>, then optionally waits for the operation.</summary>
internal static class ScaleCommand
{
    public static Command Create(CliRuntime runtime)
    {
        var name = Arguments.Consumer();
        var instances = new Argument<int>("N")
        {
            Description = "The number of instances (tasks) wanted",
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                {
                    return n;
                }
                result.AddError($"N must be a whole number of instances, not '{text}'");
                return 0;
            },
        };
        var wait = new Option<bool>("--wait") { Description = "Wait until the operation succeeded or failed" };
        var timeout = Arguments.Timeout(TimeSpan.FromMinutes(5));
        var interval = Arguments.Interval();
        var command = new Command("scale", "Set a consumer's number of instances") { name, instances, wait, timeout.Option, interval.Option };
        command.SetAction(runtime.Action(async (context, parse, cancellationToken) =>
        {
            var body = JsonSerializer.Serialize(new { instances = parse.GetValue(instances) }, CliJson.Options);
            var accepted = await context.Client.SendAsync<Operation>(HttpMethod.Post, ApiPaths.Scale(parse.GetValue(name)!), body, cancellationToken);
            if (!parse.GetValue(wait))
            {
                if (context.IsJson)
                {
                    context.WriteJson(accepted.Body);
                }
                else
                {
                    context.Line($"{OperationWaiter.Describe(accepted.Value)} (poll {accepted.Value.Href ?? "/" + ApiPaths.Operation(accepted.Value.Id)})");
                }
                return ExitCode.Ok;
            }
            var final = await OperationWaiter.WaitAsync(context, accepted, interval.Get(parse)!.Value, timeout.Get(parse), cancellationToken);
            if (context.IsJson)
            {
                context.WriteJson(final.Body);
            }
            return final.Value.State == OperationState.Succeeded
                ? ExitCode.Ok
                : throw new CliException(CliError.Failed(OperationWaiter.Describe(final.Value)));
        }));
        return command;
    }
}
