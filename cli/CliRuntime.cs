using System.Collections;
using System.CommandLine;
using Sluice.Cli.Api;

namespace Sluice.Cli;

/// <summary>
/// What one run of the CLI was given: its writers, its environment and the global options. Commands are built with it
/// and open a <see cref="CliContext"/> per invocation through <see cref="Action"/>.
/// </summary>
internal sealed class CliRuntime(TextWriter stdout, TextWriter stderr, IDictionary environment, bool? terminal)
{
    public GlobalOptions Globals { get; } = new();

    public TextWriter Stdout => stdout;

    public TextWriter Stderr => stderr;

    public string? Variable(string name) => environment[name] is string { Length: > 0 } value ? value : null;

    /// <summary>A command action that runs <paramref name="run"/> with a context it opens and disposes.</summary>
    public Func<ParseResult, CancellationToken, Task<int>> Action(Func<CliContext, ParseResult, CancellationToken, Task<ExitCode>> run) =>
        async (parse, cancellationToken) =>
        {
            using var context = Open(parse);
            return (int)await run(context, parse, cancellationToken);
        };

    private CliContext Open(ParseResult parse)
    {
        var api = parse.GetValue(Globals.Api) ?? Variable(GlobalOptions.ApiVariable) ?? GlobalOptions.DefaultApi;
        if (!Uri.TryCreate(api, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new CliException(CliError.Usage($"--api takes an http:// or https:// URL, not '{ApiProblem.Clean(api)}'"));
        }
        var token = parse.GetValue(Globals.Token) ?? Variable(GlobalOptions.TokenVariable);
        var output = parse.GetValue(Globals.Output) == "json" ? OutputFormat.Json : OutputFormat.Table;
        return new CliContext(new SluiceApiClient(uri, token), output, stdout, stderr, terminal, Variable("COLUMNS"));
    }
}
