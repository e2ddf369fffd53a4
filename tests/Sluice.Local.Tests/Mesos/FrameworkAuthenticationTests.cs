using System.Net;
using Sluice.Mesos.Http;
using Sluice.Mesos.Scheduler;
using Sluice.Proto.Mesos.V1;
using Sluice.Proto.Mesos.V1.Scheduler;
using Sluice.Testing.Logging;
using static Sluice.Local.Tests.Mesos.LocalMesosTesting;

namespace Sluice.Local.Tests.Mesos;

/// <summary>
/// Framework authentication (issue 11, "Security"): the local master with credentials, as a
/// Mesos master with <c>--authenticate_http_frameworks</c>, and the scheduler client's
/// <see cref="MesosSchedulerClientBuilder.UseBasicAuthentication"/> against it.
/// </summary>
public sealed class FrameworkAuthenticationTests
{
    private const string Principal = "sluice";
    private const string Secret = "s3cret";

    private readonly ListLoggerFactory _logs = new() { MinimumLevel = Microsoft.Extensions.Logging.LogLevel.Information };

    private Task<Sluice.Local.Mesos.LocalMesosWorld> StartAsync() => StartWorldAsync(configure: o =>
    {
        o.Credentials = new Dictionary<string, string> { [Principal] = Secret, ["other"] = "another" };
        o.LoggerFactory = _logs;
    });

    private static MesosSchedulerClientBuilder Client(Uri master, string? principal, string? secret)
    {
        var info = TestScheduler.Framework("authenticated");
        info.Principal = Principal;
        var builder = new MesosSchedulerClientBuilder(info)
            .UseMasters(master)
            .WithBackoff(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(100));
        return principal is null ? builder : builder.UseBasicAuthentication(principal, secret!);
    }

    [Fact]
    public async Task The_right_credentials_subscribe_and_call()
    {
        await using var world = await StartAsync();
        await using var client = Client(world.MasterUrl, Principal, Secret).Build();
        using var timeout = new CancellationTokenSource(Quick);

        await using var events = client.SubscribeAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);
        Assert.True(await events.MoveNextAsync());
        await client.CallAsync(SchedulerCalls.Revive(), timeout.Token);

        Assert.Equal(Event.Types.Type.Subscribed, events.Current.Type);
        Assert.IsType<SchedulerConnectionState.Subscribed>(client.State);
    }

    [Theory]
    [InlineData(Principal, "wrong")]
    [InlineData("nobody", Secret)]
    [InlineData("other", Secret)]
    [InlineData(null, null)]
    public async Task Missing_or_wrong_credentials_end_the_subscription_with_a_401_after_one_attempt(string? principal, string? secret)
    {
        await using var world = await StartAsync();
        await using var client = Client(world.MasterUrl, principal, secret).Build();
        using var timeout = new CancellationTokenSource(Quick);

        var error = await Assert.ThrowsAsync<MesosCallException>(async () =>
        {
            await foreach (var _ in client.SubscribeAsync(timeout.Token))
            {
            }
        });

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.False(error.IsTransient);
        Assert.False(Assert.IsType<SchedulerConnectionState.Disconnected>(client.State).WillResubscribe);
        // No retry loop: the master saw one attempt.
        Assert.Single(_logs.Entries, e => e.Message.Contains(": 401 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_subscribe_naming_another_principal_in_framework_info_is_refused_400()
    {
        await using var world = await StartAsync();
        await using var client = Client(world.MasterUrl, "other", "another").Build();
        using var timeout = new CancellationTokenSource(Quick);

        var error = await Assert.ThrowsAsync<MesosCallException>(async () =>
        {
            await foreach (var _ in client.SubscribeAsync(timeout.Token))
            {
            }
        });

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains("does not match principal 'sluice'", error.ResponseBody);
    }

    [Fact]
    public async Task A_call_without_credentials_is_challenged_401_even_on_a_live_stream()
    {
        await using var world = await StartAsync();
        await using var client = Client(world.MasterUrl, Principal, Secret).Build();
        using var timeout = new CancellationTokenSource(Quick);
        await using var events = client.SubscribeAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);
        Assert.True(await events.MoveNextAsync());
        var subscribed = Assert.IsType<SchedulerConnectionState.Subscribed>(client.State);

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(world.MasterUrl, "api/v1/scheduler"))
        {
            Content = TestScheduler.Body(new Call { Type = Call.Types.Type.Revive, FrameworkId = subscribed.FrameworkId }),
        };
        request.Headers.Add("Mesos-Stream-Id", subscribed.StreamId);
        using var response = await http.SendAsync(request, timeout.Token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }
}
