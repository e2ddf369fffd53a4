using System.CommandLine;
using System.CommandLine.Invocation;

namespace Sluice.Cli;

/// <summary>The usual help, followed on <c>sluice --help</c> by the environment variables and exit codes.</summary>
internal sealed class HelpWithEpilog(CommandLineAction inner) : SynchronousCommandLineAction
{
    public const string Epilog = """
        Environment:
          SLUICE_API     the REST API's URL, when --api is not given (default http://127.0.0.1:8080)
          SLUICE_TOKEN   the bearer token, when --token is not given

        Exit codes:
          0    ok
          1    the server refused the request (4xx: invalid spec, not found, conflict, unauthorized)
          2    usage error (bad arguments, a missing or invalid JSON file)
          3    cannot reach the API, no answer in time, or --timeout ran out while waiting
          4    server error (5xx)
          5    the operation or deployment waited for ended failed, rolled back or aborted
          130  interrupted with Ctrl-C while waiting (the scheduler carries on)
        """;

    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        var result = inner is SynchronousCommandLineAction synchronous ? synchronous.Invoke(parseResult) : 0;
        if (parseResult.CommandResult.Command is RootCommand)
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine(Epilog);
            output.WriteLine();
        }
        return result;
    }
}
