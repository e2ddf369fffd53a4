using System.Collections;
using Sluice.Cli.Tests.Infrastructure;

namespace Sluice.Cli.Tests.Scheduler;

/// <summary>Bad input and unreachable APIs: one readable line on stderr and the documented exit code, never a stack trace.</summary>
[Collection(SchedulerCollection.Name)]
public sealed class InputErrorTests(SchedulerProcess scheduler) : SchedulerTests(scheduler)
{
    [Fact]
    public async Task Apply_MissingFile_Exit2()
    {
        var path = Files.PathOf("absent.json");

        var result = await SluiceCli.RunAsync(Scheduler.Api, "consumers", "apply", "-f", path);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"sluice: {path}: no such file", Assert.Single(result.StderrLines));
    }

    [Fact]
    public async Task Apply_InvalidJsonFile_Exit2_NamesTheLine()
    {
        var path = Files.Write("broken.json", "{\n  \"topics\": [\"orders\",]\n}");

        var result = await SluiceCli.RunAsync(Scheduler.Api, "consumers", "apply", "-f", path, "--name", "broken");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"sluice: {path} is not valid JSON (line 2, ", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_FileHoldsAnArray_Exit2()
    {
        var path = Files.Write("array.json", "[1, 2]");

        var result = await SluiceCli.RunAsync(Scheduler.Api, "consumers", "apply", "-f", path, "--name", "array");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"sluice: {path} must hold a JSON object ({{…}}), not an array", Assert.Single(result.StderrLines));
    }

    [Fact]
    public async Task Apply_InvalidSpec_Server400_OneLineWithEveryFieldError_Exit1()
    {
        var path = Files.Write("invalid.json", """{"topics": [], "handler": {}, "workers": 0}""");

        var result = await SluiceCli.RunAsync(Scheduler.Api, "consumers", "apply", "-f", path, "--name", SluiceCli.UniqueName("invalid"));

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("sluice: Invalid request: ", line, StringComparison.Ordinal);
        Assert.Contains("topics must name at least one topic", line, StringComparison.Ordinal);
        Assert.Contains("handler.type is required", line, StringComparison.Ordinal);
        Assert.EndsWith("(HTTP 400)", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_UnknownProperty_Server400MalformedJson_Exit1()
    {
        var path = Files.Write("unknown.json", """{"topics": ["orders"], "handler": {"type": "X"}, "colour": "blue"}""");

        var result = await SluiceCli.RunAsync(Scheduler.Api, "consumers", "apply", "-f", path, "--name", SluiceCli.UniqueName("unknown"));

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"^sluice: Malformed JSON: Malformed JSON at \$\.colour \(line 1, byte \d+\): unknown property 'colour' \(HTTP 400\)$", Assert.Single(result.StderrLines));
    }

    [Fact]
    public async Task AnyCommand_ApiUnreachable_Exit3_SaysWhereAndHowToFix()
    {
        var api = $"http://127.0.0.1:{FreePort.Next()}";

        var result = await SluiceCli.RunAsync(new Hashtable(), ["consumers", "list", "--api", api]);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal($"sluice: cannot reach the Sluice API at {api}: connection refused (set --api or SLUICE_API)", Assert.Single(result.StderrLines));
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task ApiOption_OverridesTheEnvironment()
    {
        var unreachable = $"http://127.0.0.1:{FreePort.Next()}";

        var result = await SluiceCli.RunAsync(new Hashtable { ["SLUICE_API"] = unreachable }, ["consumers", "list", "--api", Scheduler.Api]);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Theory]
    [InlineData("consumers", "frobnicate")]
    [InlineData("scale", "orders", "many")]
    [InlineData("consumers", "list", "--output", "yaml")]
    [InlineData("scale", "orders", "2", "--wait", "--timeout", "soon")]
    [InlineData("deploy", "orders", "-f", "v2.json", "--steps", "10,x")]
    [InlineData("consumers", "apply")]
    [InlineData()]
    public async Task BadCommandLine_Exit2_WithoutCallingTheApi(params string[] args)
    {
        var result = await SluiceCli.RunAsync(new Hashtable { ["SLUICE_API"] = $"http://127.0.0.1:{FreePort.Next()}" }, args);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("sluice: ", result.StderrLines[0], StringComparison.Ordinal);
        Assert.StartsWith("Run 'sluice", result.StderrLines[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("cannot reach", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiOption_NotAnHttpUrl_Exit2()
    {
        var result = await SluiceCli.RunAsync(new Hashtable(), ["consumers", "list", "--api", "ftp://example"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("sluice: --api takes an http:// or https:// URL, not 'ftp://example'", Assert.Single(result.StderrLines));
    }

    [Fact]
    public async Task Help_ListsEnvironmentAndExitCodes_Exit0()
    {
        var result = await SluiceCli.RunAsync(new Hashtable(), ["--help"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Exit codes:", result.Stdout, StringComparison.Ordinal);
        Lines.Has(@"^\s+3\s+cannot reach the API", result.Stdout);
        Lines.Has(@"^\s+5\s+the operation or deployment waited for ended failed", result.Stdout);
        Assert.Contains("SLUICE_TOKEN", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("deployments <NAME>", result.Stdout, StringComparison.Ordinal);
    }
}
