using System.CommandLine;
using Sluice.Cli.Api;
using Sluice.Cli.Waiting;

namespace Sluice.Cli.Commands;

/// <summary><c>--watch [--timeout D] [--interval D]</c> of the deployment commands, and the watch they start.</summary>
internal sealed class WatchOptions
{
    public Option<bool> Watch { get; } = new("--watch")
    {
        Description = "Follow the deployment until it ends: exit 0 when it succeeded, 5 otherwise",
    };

    public DurationOption Timeout { get; } = Arguments.Timeout(null);

    public DurationOption Interval { get; } = Arguments.Interval();

    public void AddTo(Command command)
    {
        command.Options.Add(Watch);
        command.Options.Add(Timeout.Option);
        command.Options.Add(Interval.Option);
    }

    public bool IsSet(ParseResult parse) => parse.GetValue(Watch);

    public Task<ExitCode> WatchAsync(CliContext context, string consumer, ApiResponse<Deployment> start, ParseResult parse, CancellationToken cancellationToken) =>
        DeploymentWatcher.WatchAsync(context, consumer, start, Interval.Get(parse)!.Value, Timeout.Get(parse), cancellationToken);
}
