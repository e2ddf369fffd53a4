using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Sluice.Executor.ControlPlane;
using Sluice.Proto.ControlPlane.V1;
using Sluice.Testing;
using Sluice.Testing.Logging;

namespace Sluice.Executor.Tests.ControlPlane;

/// <summary>
/// Leader hints on the executor's side: the link switches to the hinted address and reconnects at once (against
/// scripted schedulers over real gRPC), a hint older than the last one applied is ignored, and whatever else arrives
/// as a scheduler MESSAGE is dropped with a warning.
/// </summary>
public sealed class LeaderHintTests : IAsyncLifetime
{
    /// <summary>A backoff no test waits out: a reconnect within seconds can only be the hint's doing.</summary>
    private static readonly TimeSpan LongBackoff = TimeSpan.FromSeconds(120);

    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(10);

    private readonly ListLoggerFactory _logs = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<IAsyncDisposable> _schedulers = [];
    private Task _running = Task.CompletedTask;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running.WaitAsync(TimeSpan.FromSeconds(10));
        foreach (var scheduler in _schedulers)
        {
            await scheduler.DisposeAsync();
        }
        _stop.Dispose();
    }

    private async Task<ScriptedControlPlane> StartSchedulerAsync()
    {
        var scheduler = await ScriptedControlPlane.StartAsync();
        _schedulers.Add(scheduler);
        return scheduler;
    }

    private SchedulerLink CreateLink(string address) => new(new SchedulerLinkOptions
    {
        Address = address,
        TaskId = "orders.v1.0001",
        Consumer = "orders",
        Version = "v1",
        ExecutorId = "orders.v1.0001",
        LeaseTimeout = TimeSpan.FromMinutes(5),
        ReconnectBackoffMin = LongBackoff,
        ReconnectBackoffMax = LongBackoff,
    }, new FakePartitionOwner(), TimeProvider.System, _logs.CreateLogger<SchedulerLink>());

    private SchedulerLink StartLink(string address)
    {
        var link = CreateLink(address);
        _running = link.RunAsync(_stop.Token);
        return link;
    }

    private static LeaderHint Hint(string address, ulong term) => new() { ControlPlaneAddress = address, SchedulerId = "new-leader", Term = term };

    private Task WaitingToReconnectAsync(string address) => Eventually.TrueAsync(
        () => _logs.Entries.Any(e => e.Message.StartsWith($"[ControlPlane] reconnecting to {address}", StringComparison.Ordinal)),
        Quick, $"the link waits to reconnect to {address}");

    private static SchedulerMessage Welcome() => new() { Welcome = new Welcome { LeaseTimeoutMs = 300_000, ProgressIntervalMs = 60_000, SchedulerId = "leader" } };

    [Fact]
    public async Task A_hint_switches_a_link_stuck_on_a_dead_address_and_it_connects_at_once()
    {
        var leader = await StartSchedulerAsync();
        var link = StartLink("127.0.0.1:1");
        await WaitingToReconnectAsync("127.0.0.1:1");

        var outcome = link.FollowLeaderHint(Hint(leader.Address, term: 3));

        Assert.Equal(LeaderHintOutcome.Switched, outcome);
        var session = await leader.NextSessionAsync(Quick);
        Assert.Equal("orders.v1.0001", (await session.ReceiveAsync(ExecutorMessage.BodyOneofCase.Hello)).Hello.TaskId);
        await session.SendAsync(Welcome());
        await Eventually.TrueAsync(() => link.IsConnected, Quick, "the link is connected to the new leader");
        Assert.Equal((leader.Address, 3UL), (link.Address, link.LeaderTerm));
    }

    [Fact]
    public async Task A_hint_naming_another_leader_ends_the_session_with_the_old_one_and_reconnects_there()
    {
        var deposed = await StartSchedulerAsync();
        var leader = await StartSchedulerAsync();
        var link = StartLink(deposed.Address);
        var old = await deposed.NextSessionAsync();
        await old.ReceiveAsync(ExecutorMessage.BodyOneofCase.Hello);
        await old.SendAsync(Welcome());
        await Eventually.TrueAsync(() => link.IsConnected, Quick, "the link is connected to the old leader");

        Assert.Equal(LeaderHintOutcome.Switched, link.FollowLeaderHint(Hint(leader.Address, term: 8)));

        var session = await leader.NextSessionAsync(Quick);
        await session.ReceiveAsync(ExecutorMessage.BodyOneofCase.Hello);
        Assert.Contains(_logs.Entries, e => e.Message.Contains($"a leader hint named {leader.Address}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_hint_for_the_address_in_use_cuts_the_backoff_short_and_does_nothing_while_connected()
    {
        var leader = await StartSchedulerAsync();
        var link = StartLink(leader.Address);
        var first = await leader.NextSessionAsync();
        await first.ReceiveAsync(ExecutorMessage.BodyOneofCase.Hello);
        await first.SendAsync(Welcome());
        await Eventually.TrueAsync(() => link.IsConnected, Quick, "the link is connected");
        Assert.Equal(LeaderHintOutcome.AlreadyConnected, link.FollowLeaderHint(Hint(leader.Address, term: 2)));

        first.End();
        await WaitingToReconnectAsync(leader.Address);
        Assert.Equal(LeaderHintOutcome.Reconnecting, link.FollowLeaderHint(Hint(leader.Address, term: 2)));

        var second = await leader.NextSessionAsync(Quick);
        await second.ReceiveAsync(ExecutorMessage.BodyOneofCase.Hello);
    }

    [Fact]
    public void A_hint_older_than_the_last_one_applied_is_ignored_and_one_of_the_same_term_is_applied()
    {
        var link = CreateLink("10.0.0.1:8081");

        Assert.Equal(LeaderHintOutcome.Switched, link.FollowLeaderHint(Hint("10.0.0.5:8081", term: 5)));
        Assert.Equal(LeaderHintOutcome.Stale, link.FollowLeaderHint(Hint("10.0.0.4:8081", term: 4)));
        Assert.Equal(("10.0.0.5:8081", 5UL), (link.Address, link.LeaderTerm));

        Assert.Equal(LeaderHintOutcome.Switched, link.FollowLeaderHint(Hint("10.0.0.6:8081", term: 5)));
        Assert.Equal("10.0.0.6:8081", link.Address);
    }

    [Fact]
    public void The_receiver_logs_a_stale_hint_and_leaves_the_link_where_it_is()
    {
        var link = CreateLink("10.0.0.1:8081");
        var receiver = new LeaderHintReceiver(_logs.CreateLogger<LeaderHintReceiver>());

        Assert.True(receiver.Receive(Hint("10.0.0.9:8081", term: 9).ToByteString(), [link]));
        Assert.True(receiver.Receive(Hint("10.0.0.1:8081", term: 2).ToByteString(), [link]));

        Assert.Equal("10.0.0.9:8081", link.Address);
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("stale leader hint", StringComparison.Ordinal));
    }

    public static TheoryData<string, byte[]> Garbage => new()
    {
        { "empty", [] },
        { "free text", "the leader is at 10.0.0.7:8081"u8.ToArray() },
        { "truncated protobuf", Hint("10.0.0.7:8081", 3).ToByteArray()[..5] },
        { "no term", Hint("10.0.0.7:8081", 0).ToByteArray() },
        { "no address", Hint("", 3).ToByteArray() },
        { "a word, not host:port", Hint("leader", 3).ToByteArray() },
        { "a sentence", Hint("go to 10.0.0.7:8081 now", 3).ToByteArray() },
        { "a URL with a path", Hint("http://10.0.0.7:8081/evil", 3).ToByteArray() },
        { "another scheme", Hint("file:///etc/passwd", 3).ToByteArray() },
        { "a huge address", Hint(new string('a', 5000) + ":1", 3).ToByteArray() },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public void A_message_that_is_not_a_valid_hint_is_ignored_with_a_warning(string kind, byte[] data)
    {
        var link = CreateLink("10.0.0.1:8081");
        var receiver = new LeaderHintReceiver(_logs.CreateLogger<LeaderHintReceiver>());

        Assert.False(receiver.Receive(ByteString.CopyFrom(data), [link]), kind);

        Assert.Equal(("10.0.0.1:8081", 0UL), (link.Address, link.LeaderTerm));
        var warning = Assert.Single(_logs.Entries, e => e.Level == LogLevel.Warning);
        Assert.StartsWith("[Message] ignoring a message from the scheduler", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_bytes_never_throw_and_never_move_the_link()
    {
        var link = CreateLink("10.0.0.1:8081");
        var receiver = new LeaderHintReceiver(_logs.CreateLogger<LeaderHintReceiver>());
        var random = new Random(20240611);

        for (var i = 0; i < 2_000; i++)
        {
            var data = new byte[random.Next(0, 64)];
            random.NextBytes(data);
            Assert.False(receiver.Receive(ByteString.CopyFrom(data), [link]));
        }

        Assert.Equal("10.0.0.1:8081", link.Address);
    }

    [Theory]
    [InlineData("10.0.0.7:8081")]
    [InlineData("scheduler-2.example.org:31002")]
    [InlineData("[::1]:8081")]
    [InlineData("http://10.0.0.7:8081")]
    public void Addresses_the_scheduler_advertises_are_accepted(string address)
    {
        Assert.True(LeaderHintReceiver.TryRead(Hint(address, 1).ToByteString(), out var hint, out var problem), problem);
        Assert.Equal(address, hint.ControlPlaneAddress);
    }
}
