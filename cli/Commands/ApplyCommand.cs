using System.CommandLine;
using System.Net;
using System.Text.Json.Nodes;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands;

/// <summary>
/// <c>sluice consumers apply -f spec.json [--name NAME]</c>: creates or replaces a consumer
/// (<c>PUT /api/v1/consumers/{name}</c>). The name comes from <c>--name</c> or the file's <c>"name"</c>, which is
/// taken out of the body because the API refuses unknown properties (the name is the path).
/// </summary>
internal static class ApplyCommand
{
    public static Command Create(CliRuntime runtime)
    {
        var file = Arguments.File("The consumer spec, a JSON file (scheduler/Api/README.md shows the fields)");
        var nameOption = new Option<string?>("--name") { Description = "The consumer's name (default: the file's \"name\")", HelpName = "NAME" };
        var command = new Command("apply", "Create or replace a consumer from a JSON spec") { file, nameOption };
        command.SetAction(runtime.Action(async (context, parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            var spec = await JsonFile.ReadObjectAsync(path, cancellationToken);
            var name = TakeName(spec, parse.GetValue(nameOption), path);
            var response = await context.Client.SendAsync<ConsumerSpec>(HttpMethod.Put, ApiPaths.Consumer(name), spec.ToJsonString(CliJson.Options), cancellationToken);
            if (context.IsJson)
            {
                context.WriteJson(response.Body);
            }
            else
            {
                var verb = response.Status == HttpStatusCode.Created ? "created" : "replaced";
                context.Line($"consumer '{response.Value.Name}' {verb} (version {response.Value.Version}, {response.Value.Instances} instance(s), revision {response.Value.Revision})");
            }
            return ExitCode.Ok;
        }));
        return command;
    }

    /// <summary>The consumer's name, removing <c>"name"</c> from <paramref name="spec"/>.</summary>
    private static string TakeName(JsonObject spec, string? option, string path)
    {
        string? inFile = null;
        if (spec.TryGetPropertyValue("name", out var node))
        {
            inFile = node is JsonValue value && value.TryGetValue<string>(out var text) ? text
                : throw new CliException(CliError.Usage($"{path}: \"name\" must be a string"));
            spec.Remove("name");
        }
        if (option is not null && inFile is not null && option != inFile)
        {
            throw new CliException(CliError.Usage($"--name '{option}' differs from the name '{inFile}' in {path}; give one of them"));
        }
        return option ?? inFile
            ?? throw new CliException(CliError.Usage($"no consumer name: give --name or a \"name\" in {path}"));
    }
}
