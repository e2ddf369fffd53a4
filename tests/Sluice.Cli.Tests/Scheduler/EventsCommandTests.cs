using System.Collections;
using Sluice.Cli.Tests.Infrastructure;
using Sluice.Testing;

namespace Sluice.Cli.Tests.Scheduler;

/// <summary><c>sluice events</c> follows the real scheduler's event stream until cancelled (Ctrl-C), then exits 0.</summary>
[Collection(SchedulerCollection.Name)]
public sealed class EventsCommandTests(SchedulerProcess scheduler) : SchedulerTests(scheduler)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    [Theory]
    [InlineData("table")]
    [InlineData("json")]
    public async Task Events_PrintsConsumerCreated_CancelledAfterIt_Exit0(string output)
    {
        var name = SluiceCli.UniqueName("events");
        var environment = new Hashtable { ["SLUICE_API"] = Scheduler.Api };
        using var stdout = new CapturedWriter();
        using var stderr = new CapturedWriter();
        using var ctrlC = new CancellationTokenSource();
        var events = CliApp.RunAsync(["events", "--consumer", name, "-o", output], stdout, stderr, environment, ctrlC.Token);
        await Eventually.TrueAsync(() => (output == "json" ? stdout : stderr).ToString().Contains("stream.opened", StringComparison.Ordinal)
                || stderr.ToString().Contains("following events", StringComparison.Ordinal),
            Limit, $"the event stream is open (stderr: {stderr})");

        var spec = MinimalSpec();
        Assert.Equal(0, (await SluiceCli.RunAsync(Scheduler.Api, "consumers", "apply", "-f", spec, "--name", name)).ExitCode);
        await Eventually.TrueAsync(() => stdout.ToString().Contains("consumer.created", StringComparison.Ordinal), Limit, "sluice events prints consumer.created");
        await ctrlC.CancelAsync();
        var exit = await Eventually.WithinAsync(events, Limit, "sluice events ends after Ctrl-C");

        Assert.Equal(0, exit);
        var line = Assert.Single(stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("consumer.created", StringComparison.Ordinal));
        if (output == "json")
        {
            Assert.StartsWith("{\"sequence\":", line, StringComparison.Ordinal);
            Assert.Contains($"\"consumer\":\"{name}\"", line, StringComparison.Ordinal);
        }
        else
        {
            Assert.Matches($@"^\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\dZ  consumer\.created\s+{name}  instances=1 version=v1$", line);
        }
        Assert.DoesNotContain("keepalive", stdout.ToString(), StringComparison.Ordinal);
    }
}
