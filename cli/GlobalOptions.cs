using System.CommandLine;

namespace Sluice.Cli;

/// <summary>The options every command takes: where the API is, the token, and the output format.</summary>
internal sealed class GlobalOptions
{
    public const string DefaultApi = "http://127.0.0.1:8080";
    public const string ApiVariable = "SLUICE_API";
    public const string TokenVariable = "SLUICE_TOKEN";

    public Option<string?> Api { get; } = new("--api")
    {
        Description = $"The scheduler's REST API [env: {ApiVariable}; default: {DefaultApi}]",
        HelpName = "URL",
        Recursive = true,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = $"Bearer token for a scheduler started with --api-token [env: {TokenVariable}]",
        HelpName = "TOKEN",
        Recursive = true,
    };

    public Option<string> Output { get; } = CreateOutput();

    public void AddTo(Command root)
    {
        root.Options.Add(Api);
        root.Options.Add(Token);
        root.Options.Add(Output);
    }

    private static Option<string> CreateOutput()
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = "table for people, json prints the server's JSON unchanged (for scripts)",
            HelpName = "table|json",
            DefaultValueFactory = _ => "table",
            Recursive = true,
        };
        option.AcceptOnlyFromAmong("table", "json");
        return option;
    }
}
