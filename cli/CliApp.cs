using System.Collections;
using System.CommandLine;
using System.CommandLine.Help;
using Sluice.Cli.Commands;

namespace Sluice.Cli;

/// <summary>
/// The <c>sluice</c> command line: parses <c>args</c>, runs the command against the REST API and returns the exit code
/// (<see cref="ExitCode"/>). Nothing here touches <see cref="Console"/> or the process environment, so tests run it
/// in-process with their own writers and variables.
/// </summary>
public static class CliApp
{
    /// <summary>Runs one command line.</summary>
    /// <param name="args">The arguments after the program name.</param>
    /// <param name="stdout">What the command returns: tables, lines, or JSON with <c>--output json</c>.</param>
    /// <param name="stderr">Errors (one line each, starting <c>sluice: </c>) and notes.</param>
    /// <param name="environment">Variables: <c>SLUICE_API</c>, <c>SLUICE_TOKEN</c>, <c>COLUMNS</c>.</param>
    /// <param name="cancellationToken">Ctrl-C: ends <c>events</c> cleanly and stops waits (the scheduler carries on).</param>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IDictionary environment, CancellationToken cancellationToken) =>
        RunAsync(args, stdout, stderr, environment, terminal: null, cancellationToken);

    /// <param name="terminal">Treat stdout as a terminal (true) or not (false) whatever it is; null detects it.</param>
    internal static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IDictionary environment, bool? terminal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        var runtime = new CliRuntime(stdout, stderr, environment, terminal);
        var root = CreateRootCommand(runtime);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not { ClearsParseErrors: true })
        {
            foreach (var error in parse.Errors)
            {
                stderr.WriteLine("sluice: " + error.Message);
            }
            stderr.WriteLine($"Run '{CommandPath(parse)} --help' for usage.");
            return (int)ExitCode.Usage;
        }
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            }, cancellationToken);
        }
        catch (CliException e)
        {
            stderr.WriteLine("sluice: " + e.Error.Message);
            return (int)e.Error.Code;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            stderr.WriteLine("sluice: interrupted; what was asked carries on in the scheduler");
            return (int)ExitCode.Interrupted;
        }
    }

    private static RootCommand CreateRootCommand(CliRuntime runtime)
    {
        var root = new RootCommand("sluice: the command line of the Sluice scheduler's REST API (Kafka consumers on Mesos).");
        runtime.Globals.AddTo(root);
        root.Subcommands.Add(ConsumersCommand.Create(runtime));
        root.Subcommands.Add(ScaleCommand.Create(runtime));
        root.Subcommands.Add(StatusCommand.Create(runtime));
        root.Subcommands.Add(EventsCommand.Create(runtime));
        root.Subcommands.Add(DeployCommand.Create(runtime));
        foreach (var action in DeploymentActionCommand.All(runtime))
        {
            root.Subcommands.Add(action);
        }
        root.Subcommands.Add(DeploymentsCommand.Create(runtime));
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new HelpWithEpilog(help.Action!);
        return root;
    }

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Add(result.Command is RootCommand ? "sluice" : result.Command.Name);
        }
        names.Reverse();
        return string.Join(' ', names);
    }
}
