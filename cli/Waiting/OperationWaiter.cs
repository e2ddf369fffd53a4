using Sluice.Cli.Api;
using Spectre.Console;

namespace Sluice.Cli.Waiting;

/// <summary><c>scale --wait</c>: polls <c>GET /api/v1/operations/{id}</c> until the operation succeeded or failed, showing a spinner.</summary>
internal static class OperationWaiter
{
    public static Task<ApiResponse<Operation>> WaitAsync(CliContext context, ApiResponse<Operation> accepted, TimeSpan interval, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var operation = accepted.Value;
        return WaitDisplay.RunAsync(context, operation, Describe,
            poll => context.Console.Status().Spinner(Spinner.Known.Dots).StartAsync(
                Markup.Escape(Describe(operation)),
                status => poll(o => status.Status(Markup.Escape(Describe(o))))),
            update => Poller.UntilFinishedAsync(
                accepted,
                c => context.Client.GetAsync<Operation>(ApiPaths.Operation(operation.Id), c),
                o => o.IsFinished,
                update,
                interval,
                timeout,
                o => $"timed out after {Duration.Format(timeout!.Value)} waiting for operation {o.Id} (still {o.Status}); it carries on in the scheduler (sluice status {o.Consumer})",
                cancellationToken));
    }

    /// <summary><c>operation op-1: scale of 'orders' to 3 instance(s): running</c>.</summary>
    public static string Describe(Operation o)
    {
        var target = o.Instances is { } n ? $" to {n} instance(s)" : "";
        var message = string.IsNullOrWhiteSpace(o.Message) ? "" : ": " + o.Message;
        return ApiProblem.Clean($"operation {o.Id}: {o.Kind} of '{o.Consumer}'{target}: {o.Status}{message}");
    }
}
