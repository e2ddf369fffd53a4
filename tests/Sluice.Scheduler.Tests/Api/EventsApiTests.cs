using System.Net;

namespace Sluice.Scheduler.Tests.Api;

public sealed class EventsApiTests
{
    [Fact]
    public async Task Events_DeliversConsumerCreated_AfterPut()
    {
        await using var host = await ApiHost.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var response = await host.Client.GetAsync("/api/v1/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        await ReadUntilAsync(reader, "event: stream.opened", timeout.Token);
        (await host.PutAsync("orders", ApiHost.SimpleSpec)).Dispose();
        await ReadUntilAsync(reader, "event: consumer.created", timeout.Token);
        var data = await reader.ReadLineAsync(timeout.Token);

        Assert.StartsWith("data: ", data);
        Assert.Contains("\"consumer\":\"orders\"", data, StringComparison.Ordinal);
    }

    [Fact]
    public void Hub_SlowSubscriber_DropsOldest_PublisherNeverBlocks()
    {
        var hub = new Sluice.Scheduler.Api.SchedulerEvents(TimeProvider.System);
        using var subscription = hub.Subscribe();

        for (var i = 0; i < Sluice.Scheduler.Api.SchedulerEvents.SubscriberCapacity * 4; i++)
        {
            hub.Publish("test.event", message: i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.True(subscription.Reader.TryRead(out var first));
        Assert.Equal(Sluice.Scheduler.Api.SchedulerEvents.SubscriberCapacity * 3 + 1, first.Sequence);
        subscription.Dispose();
        Assert.Equal(0, hub.SubscriberCount);
    }

    private static async Task ReadUntilAsync(StreamReader reader, string line, CancellationToken cancellationToken)
    {
        while (await reader.ReadLineAsync(cancellationToken) is { } read)
        {
            if (read == line)
            {
                return;
            }
        }
        Assert.Fail($"The stream ended before '{line}'.");
    }
}
