using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Sluice.Cli.Api;
using Sluice.Cli.Rendering;

namespace Sluice.Cli.Commands;

/// <summary>
/// <c>sluice deploy NAME -f version.json [--steps 10,50,100] [--bake-seconds N] [--auto-promote true|false] [--watch]</c>:
/// starts a blue/green deployment (<c>POST /api/v1/consumers/{name}/deployments</c>). The file holds the new version
/// (<c>{"version": "v2", "handler": {…}, …}</c>), or a whole request (<c>{"version": {…}, "strategy": {…}}</c>);
/// the options override the strategy's fields.
/// </summary>
internal static class DeployCommand
{
    public static Command Create(CliRuntime runtime)
    {
        var name = Arguments.Consumer();
        var file = Arguments.File("The new version, a JSON file: the version fields of a consumer spec (version, handler, artifactUris, resources, …)");
        var steps = new Option<int[]?>("--steps")
        {
            Description = "Percent of partitions on the new version at each step, e.g. 10,50,100",
            HelpName = "P,P,…",
            CustomParser = ParseSteps,
        };
        var bake = new Option<int?>("--bake-seconds") { Description = "Seconds to watch the gates after each step", HelpName = "N" };
        var autoPromote = new Option<bool?>("--auto-promote") { Description = "Move to the next step by itself when the gates pass (true|false)", HelpName = "true|false" };
        var maxErrorRate = new Option<double?>("--max-error-rate") { Description = "Gate: highest error rate of the new version, e.g. 0.01", HelpName = "RATE" };
        var maxLagGrowth = new Option<long?>("--max-lag-growth") { Description = "Gate: highest growth of lag during a bake, in messages", HelpName = "N" };
        var watch = new WatchOptions();
        var command = new Command("deploy", "Start a blue/green deployment of a new version of a consumer")
        {
            name, file, steps, bake, autoPromote, maxErrorRate, maxLagGrowth,
        };
        watch.AddTo(command);
        command.SetAction(runtime.Action(async (context, parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            var (version, strategy) = Split(await JsonFile.ReadObjectAsync(path, cancellationToken), path);
            Set(strategy, "steps", parse.GetValue(steps) is { Length: > 0 } s ? new JsonArray([.. s.Select(p => (JsonNode)p)]) : null);
            Set(strategy, "bakeSeconds", parse.GetValue(bake) is { } b ? JsonValue.Create(b) : null);
            Set(strategy, "autoPromote", parse.GetValue(autoPromote) is { } a ? JsonValue.Create(a) : null);
            var gates = strategy["gates"] as JsonObject ?? new JsonObject();
            Set(gates, "maxErrorRate", parse.GetValue(maxErrorRate) is { } r ? JsonValue.Create(r) : null);
            Set(gates, "maxLagGrowth", parse.GetValue(maxLagGrowth) is { } g ? JsonValue.Create(g) : null);
            if (gates.Count > 0 && gates.Parent is null)
            {
                strategy["gates"] = gates;
            }
            var body = new JsonObject { ["version"] = version };
            if (strategy.Count > 0)
            {
                body["strategy"] = strategy;
            }

            var consumer = parse.GetValue(name)!;
            var started = await context.Client.SendAsync<Deployment>(HttpMethod.Post, ApiPaths.Deployments(consumer), body.ToJsonString(CliJson.Options), cancellationToken);
            if (watch.IsSet(parse))
            {
                return await watch.WatchAsync(context, consumer, started, parse, cancellationToken);
            }
            if (context.IsJson)
            {
                context.WriteJson(started.Body);
            }
            else
            {
                var d = started.Value;
                context.Line(ApiProblem.Clean(string.Create(CultureInfo.InvariantCulture,
                    $"deployment {d.Id} of {d.Consumer} started: {DeploymentView.Versions(d)}, steps {string.Join("/", d.Steps ?? [])}%, bake {d.BakeSeconds} s, auto-promote {(d.AutoPromote ? "on" : "off")} ({d.Status})")));
                context.Note($"follow it with: sluice deployments {consumer} --watch");
            }
            return ExitCode.Ok;
        }));
        return command;
    }

    /// <summary>The file's version part and strategy: a whole request has an object <c>"version"</c>, a bare version a string one.</summary>
    private static (JsonObject Version, JsonObject Strategy) Split(JsonObject file, string path)
    {
        if (file["version"] is not JsonObject version)
        {
            return (file, new JsonObject());
        }
        var unknown = file.Select(p => p.Key).Where(k => k is not ("version" or "strategy")).ToList();
        if (unknown.Count > 0)
        {
            throw new CliException(CliError.Usage($"{path}: a deployment request has only \"version\" and \"strategy\", not {string.Join(", ", unknown.Select(k => $"\"{k}\""))}"));
        }
        var strategy = file["strategy"] switch
        {
            null => new JsonObject(),
            JsonObject s => s,
            _ => throw new CliException(CliError.Usage($"{path}: \"strategy\" must be an object")),
        };
        file.Remove("version");
        file.Remove("strategy");
        return (version, strategy);
    }

    private static void Set(JsonObject target, string property, JsonNode? value)
    {
        if (value is not null)
        {
            target[property] = value;
        }
    }

    private static int[]? ParseSteps(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = string.Join(",", result.Tokens.Select(t => t.Value));
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var steps = new List<int>(parts.Length);
        foreach (var part in parts)
        {
            if (!int.TryParse(part.TrimEnd('%'), NumberStyles.None, CultureInfo.InvariantCulture, out var percent) || percent is < 1 or > 100)
            {
                result.AddError($"--steps takes percentages from 1 to 100 separated by commas, e.g. 10,50,100; not '{text}'");
                return null;
            }
            steps.Add(percent);
        }
        if (steps.Count == 0)
        {
            result.AddError("--steps needs at least one percentage, e.g. 10,50,100");
            return null;
        }
        return [.. steps];
    }
}
