using System.Text.Json;
using Sluice.Cli.Tests.Infrastructure;

namespace Sluice.Cli.Tests.Scheduler;

/// <summary><c>sluice consumers …</c> against the real scheduler process.</summary>
[Collection(SchedulerCollection.Name)]
public sealed class ConsumersCommandTests(SchedulerProcess scheduler) : SchedulerTests(scheduler)
{
    private string Spec(string name, string topic = "orders") =>
        Files.Write(name + ".json", $$$"""{"name": "{{{name}}}", "topics": ["{{{topic}}}"], "handler": {"type": "Acme.OrderHandler", "settings": {"mode": "fast"}}, "instances": 2}""");

    [Fact]
    public async Task Apply_List_Show_Delete_RoundTrip()
    {
        var name = SluiceCli.UniqueName("roundtrip");
        var spec = Spec(name);

        var created = await SluiceCli.RunAsync(Scheduler.Api, "consumers", "apply", "-f", spec);
        var replaced = await SluiceCli.RunAsync(Scheduler.Api, "consumers", "apply", "-f", spec);
        var list = await SluiceCli.RunAsync(Scheduler.Api, "consumers", "list");
        var show = await SluiceCli.RunAsync(Scheduler.Api, "consumers", "show", name);
        var deleted = await SluiceCli.RunAsync(Scheduler.Api, "consumers", "delete", name);
        var gone = await SluiceCli.RunAsync(Scheduler.Api, "consumers", "show", name);

        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Contains($"consumer '{name}' created (version v1, 2 instance(s), revision 0)", created.Stdout, StringComparison.Ordinal);
        Assert.True(replaced.ExitCode == 0, replaced.ToString());
        Assert.Contains($"consumer '{name}' replaced", replaced.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, list.ExitCode);
        Lines.Has($@"^{name}\s+orders\s+2\s+v1$", list.Stdout);
        Assert.Equal(0, show.ExitCode);
        Lines.Has(@"^handler\s+Acme\.OrderHandler; settings mode=fast$", show.Stdout);
        Lines.Has(@"^revision\s+1$", show.Stdout);
        Assert.Equal(0, deleted.ExitCode);
        Assert.Equal($"consumer '{name}' deleted\n", deleted.Stdout);
        Assert.Equal(1, gone.ExitCode);
        Assert.Equal($"sluice: Consumer not found: No consumer named '{name}'. (HTTP 404)", Assert.Single(gone.StderrLines));
        Assert.Empty(gone.Stdout);
    }

    [Fact]
    public async Task Apply_NameOption_NameNotInFile_UsesOption()
    {
        var name = SluiceCli.UniqueName("named");
        var spec = Files.Write("anonymous.json", """{"topics": ["orders"], "handler": {"type": "Acme.OrderHandler"}}""");

        var result = await SluiceCli.RunAsync(Scheduler.Api, "consumers", "apply", "-f", spec, "--name", name);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"consumer '{name}' created", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_NameOptionDiffersFromFile_UsageError()
    {
        var result = await SluiceCli.RunAsync(Scheduler.Api, "consumers", "apply", "-f", Spec("in-file"), "--name", "on-command-line");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--name 'on-command-line' differs from the name 'in-file'", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_OutputJson_PrintsTheServersJsonUnchanged()
    {
        var name = SluiceCli.UniqueName("json");
        Assert.Equal(0, (await SluiceCli.RunAsync(Scheduler.Api, "consumers", "apply", "-f", Spec(name))).ExitCode);
        using var http = new HttpClient();
        var direct = await http.GetStringAsync($"{Scheduler.Api}/api/v1/consumers/{name}");

        var result = await SluiceCli.RunAsync(Scheduler.Api, "consumers", "show", name, "--output", "json");
        var list = await SluiceCli.RunAsync(Scheduler.Api, "-o", "json", "consumers", "list");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(direct + "\n", result.Stdout);
        using var listed = JsonDocument.Parse(list.Stdout);
        Assert.Contains(listed.RootElement.EnumerateArray(), c => c.GetProperty("name").GetString() == name);
    }

    [Fact]
    public async Task Apply_JsonOutput_IsTheStoredSpec_WithoutTheNameInTheBody()
    {
        var name = SluiceCli.UniqueName("stored");

        var result = await SluiceCli.RunAsync(Scheduler.Api, "consumers", "apply", "-f", Spec(name, topic: "payments"), "-o", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var stored = JsonDocument.Parse(result.Stdout);
        Assert.Equal(name, stored.RootElement.GetProperty("name").GetString());
        Assert.Equal("payments", stored.RootElement.GetProperty("topics")[0].GetString());
    }
}
