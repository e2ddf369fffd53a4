using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Executor.ControlPlane;
using Sluice.Proto.ControlPlane.V1;
using Sluice.Testing;
using Sluice.Testing.Network;

namespace Sluice.Executor.Tests.ControlPlane;

/// <summary>The executor's link against a scripted scheduler over real gRPC (HTTP/2 on loopback).</summary>
public sealed class SchedulerLinkTests : IAsyncLifetime
{
    private readonly FakePartitionOwner _owner = new();
    private readonly CancellationTokenSource _stop = new();
    private ScriptedControlPlane _scheduler = null!;
    private SchedulerLink _link = null!;
    private Task _running = Task.CompletedTask;

    public async Task InitializeAsync() => _scheduler = await ScriptedControlPlane.StartAsync();

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running.WaitAsync(TimeSpan.FromSeconds(10));
        await _scheduler.DisposeAsync();
        _stop.Dispose();
    }

    private void StartLink(string? address = null, TimeSpan? lease = null)
    {
        var options = new SchedulerLinkOptions
        {
            Address = address ?? _scheduler.Address,
            TaskId = "orders.v2.0001",
            Consumer = "orders",
            Version = "v2",
            ExecutorId = "exec-1",
            AuthSecret = "s3cret",
            LeaseTimeout = lease ?? TimeSpan.FromSeconds(30),
            ReconnectBackoffMin = TimeSpan.FromMilliseconds(20),
            ReconnectBackoffMax = TimeSpan.FromMilliseconds(200),
        };
        _link = new SchedulerLink(options, _owner, TimeProvider.System, NullLogger<SchedulerLink>.Instance);
        _running = _link.RunAsync(_stop.Token);
    }

    private static SchedulerMessage Welcome(long leaseMs = 30_000, long progressMs = 60_000) =>
        new() { Welcome = new Welcome { LeaseTimeoutMs = leaseMs, ProgressIntervalMs = progressMs, SchedulerId = "leader-1" } };

    [Fact]
    public async Task Hello_names_the_task_and_its_held_partitions()
    {
        _owner.Hold("orders", 0, 3);
        StartLink();
        var session = await _scheduler.NextSessionAsync();

        var hello = (await session.ReceiveAsync(ExecutorMessage.BodyOneofCase.Hello)).Hello;

        Assert.Equal("orders.v2.0001", hello.TaskId);
        Assert.Equal("orders", hello.Consumer);
        Assert.Equal("v2", hello.Version);
        Assert.Equal("exec-1", hello.ExecutorId);
        Assert.Equal("s3cret", hello.AuthSecret);
        var held = Assert.Single(hello.Held);
        Assert.Equal(("orders", 0, 3L), (held.Topic, held.Partition, held.Epoch));
    }

    [Fact]
    public async Task Assign_and_release_are_carried_out_and_answered_with_offsets()
    {
        _owner.Hold("orders", 0, 3);
        StartLink();
        var session = await _scheduler.NextSessionAsync();
        await session.ReceiveAsync(ExecutorMessage.BodyOneofCase.Hello);
        await session.SendAsync(Welcome());

        await session.SendAsync(new SchedulerMessage { Assign = new Assign { Topic = "orders", Partition = 1, Epoch = 1, StartOffset = 42 } });
        var assigned = (await session.ReceiveAsync(ExecutorMessage.BodyOneofCase.Assigned)).Assigned;
        await session.SendAsync(new SchedulerMessage { Release = new Release { Topic = "orders", Partition = 0, Epoch = 3, TimeoutMs = 1_000 } });
        var released = (await session.ReceiveAsync(ExecutorMessage.BodyOneofCase.Released)).Released;

        Assert.Equal(("orders", 1, 1L, 42L), (assigned.Topic, assigned.Partition, assigned.Epoch, assigned.StartOffset));
        Assert.Equal(("orders", 0, 3L, 100L), (released.Topic, released.Partition, released.Epoch, released.NextOffset));
    }

    [Fact]
    public async Task A_command_with_a_stale_epoch_is_rejected_naming_the_held_epoch()
    {
        _owner.Hold("orders", 5, 7);
        StartLink();
        var session = await _scheduler.NextSessionAsync();
        await session.ReceiveAsync(ExecutorMessage.BodyOneofCase.Hello);
        await session.SendAsync(Welcome());

        await session.SendAsync(new SchedulerMessage { Assign = new Assign { Topic = "orders", Partition = 5, Epoch = 6, StartOffset = 0 } });
        var rejected = (await session.ReceiveAsync(ExecutorMessage.BodyOneofCase.CommandRejected)).CommandRejected;

        Assert.Equal(CommandKind.Assign, rejected.Command);
        Assert.Equal(6, rejected.Epoch);
        Assert.Equal(7, rejected.HeldEpoch);
    }

    [Fact]
    public async Task Silence_beyond_the_lease_fences_and_the_partitions_wait_for_the_scheduler_to_give_them_back()
    {
        _owner.Hold("orders", 0, 3);
        _owner.Hold("orders", 1, 3);
        StartLink();
        var first = await _scheduler.NextSessionAsync();
        await first.ReceiveAsync(ExecutorMessage.BodyOneofCase.Hello);
        await first.SendAsync(Welcome(leaseMs: 300));
        await Eventually.TrueAsync(() => _owner.Fenced, TimeSpan.FromSeconds(10), "the consumer is fenced once the lease runs out");
        Assert.True(_link.IsFenced);

        // The stream was only stalled: what comes on it after the lease ran out is not trusted; a new Hello names what is fenced.
        await first.SendAsync(new SchedulerMessage { Ping = new Ping { SentAtUnixMs = 1 } });
        var second = await _scheduler.NextSessionAsync();
        var hello = (await second.ReceiveAsync(ExecutorMessage.BodyOneofCase.Hello)).Hello;
        Assert.All(hello.Held, h => Assert.Equal(PartitionState.Fenced, h.State));
        Assert.Equal([0, 1], hello.Held.Select(h => h.Partition).Order());

        await second.SendAsync(Welcome());
        await Eventually.TrueAsync(() => !_link.IsFenced, TimeSpan.FromSeconds(10), "the lease is held again once welcomed");
        Assert.True(_owner.IsFenced("orders", 0) && _owner.IsFenced("orders", 1), "nothing resumes before the scheduler says so");

        await second.SendAsync(new SchedulerMessage { Assign = new Assign { Topic = "orders", Partition = 0, Epoch = 3, StartOffset = 17 } });
        var assigned = (await second.ReceiveAsync(ExecutorMessage.BodyOneofCase.Assigned)).Assigned;
        await second.SendAsync(new SchedulerMessage { Release = new Release { Topic = "orders", Partition = 1, Epoch = 3, TimeoutMs = 1_000 } });
        await second.ReceiveAsync(ExecutorMessage.BodyOneofCase.Released);

        Assert.Equal((0, 3L, 17L), (assigned.Partition, assigned.Epoch, assigned.StartOffset));
        Assert.False(_owner.IsFenced("orders", 0));
        Assert.Equal(17, _owner.StartOf("orders", 0));
        Assert.Equal(1, _owner.FenceChanges);
    }

    [Fact]
    public async Task A_proxy_cut_by_task_id_cuts_only_that_executor_because_its_Hello_carries_the_id_in_clear()
    {
        // h2c without compression: the task id of Hello travels as plain bytes in the first DATA frame.
        await using var proxy = new FaultProxy(IPEndPoint.Parse(_scheduler.Address));
        var other = new FakePartitionOwner();
        var otherLink = new SchedulerLink(new SchedulerLinkOptions
        {
            Address = proxy.Address,
            TaskId = "orders.v2.0002",
            Consumer = "orders",
            Version = "v2",
            ExecutorId = "exec-2",
            ReconnectBackoffMin = TimeSpan.FromMilliseconds(20),
            ReconnectBackoffMax = TimeSpan.FromMilliseconds(200),
        }, other, TimeProvider.System, NullLogger<SchedulerLink>.Instance);
        using var stopOther = new CancellationTokenSource();
        var otherRunning = otherLink.RunAsync(stopOther.Token);
        StartLink(address: proxy.Address);
        for (var i = 0; i < 2; i++)
        {
            var session = await _scheduler.NextSessionAsync();
            var hello = (await session.ReceiveAsync(ExecutorMessage.BodyOneofCase.Hello)).Hello;
            await session.SendAsync(Welcome(leaseMs: hello.TaskId == "orders.v2.0001" ? 500 : 30_000));
            _ = PingAsync(session, stopOther.Token);
        }
        await Eventually.TrueAsync(() => _link.IsConnected && otherLink.IsConnected, TimeSpan.FromSeconds(10), "both links connected through the proxy");

        Assert.Equal(1, proxy.Cut("orders.v2.0001"));

        await Eventually.TrueAsync(() => _owner.Fenced, TimeSpan.FromSeconds(10), "the cut executor fences after its lease");
        Assert.False(_link.IsConnected);
        Assert.True(otherLink.IsConnected);
        Assert.False(other.Fenced);
        // Its reconnects reach the scheduler as far as the call's headers, never as far as Hello.
        while (_scheduler.Sessions.Reader.TryRead(out var attempt))
        {
            Assert.Null(await HelloOrNullAsync(attempt));
        }

        proxy.Restore();
        Hello? back = null;
        while (back is null)
        {
            back = await HelloOrNullAsync(await _scheduler.NextSessionAsync());
        }
        Assert.Equal("orders.v2.0001", back.TaskId);
        await stopOther.CancelAsync();
        await otherRunning.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static async Task<Hello?> HelloOrNullAsync(ScriptedSession session)
    {
        try
        {
            return (await session.ReceiveAsync(ExecutorMessage.BodyOneofCase.Hello, TimeSpan.FromMilliseconds(500))).Hello;
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException or ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>Keeps a long lease alive the way the scheduler does.</summary>
    private static async Task PingAsync(ScriptedSession session, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(100, cancellationToken);
                await session.SendAsync(new SchedulerMessage { Ping = new Ping { SentAtUnixMs = 1 } });
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException)
        {
            // The stream ended (the cut, or the test is over).
        }
    }

    [Fact]
    public void FenceDrainTimeout_IsAQuarterOfTheLease_AtMostTwoSeconds()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(750), SchedulerLink.FenceDrainTimeout(TimeSpan.FromSeconds(3)));
        Assert.Equal(TimeSpan.FromSeconds(2), SchedulerLink.FenceDrainTimeout(TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task Without_any_scheduler_the_lease_from_task_data_still_fences()
    {
        StartLink(address: "127.0.0.1:1", lease: TimeSpan.FromMilliseconds(300));

        await Eventually.TrueAsync(() => _owner.Fenced, TimeSpan.FromSeconds(10), "an executor that never reaches a scheduler fences after its lease");
        Assert.False(_link.IsConnected);
    }

    [Fact]
    public async Task A_stream_ended_by_the_scheduler_is_reopened_with_a_new_hello()
    {
        StartLink();
        var first = await _scheduler.NextSessionAsync();
        await first.ReceiveAsync(ExecutorMessage.BodyOneofCase.Hello);
        await first.SendAsync(Welcome());
        await Eventually.TrueAsync(() => _link.IsConnected, TimeSpan.FromSeconds(10), "the link is connected");
        _owner.Hold("orders", 2, 9);

        first.End();
        var second = await _scheduler.NextSessionAsync();
        var hello = (await second.ReceiveAsync(ExecutorMessage.BodyOneofCase.Hello)).Hello;

        Assert.Contains(hello.Held, h => h.Partition == 2 && h.Epoch == 9);
    }

    [Fact]
    public async Task A_standby_redirect_is_followed_to_the_leader()
    {
        await using var leader = await ScriptedControlPlane.StartAsync();
        _scheduler.RedirectTo = leader.Address;
        StartLink();

        var session = await leader.NextSessionAsync();
        await session.ReceiveAsync(ExecutorMessage.BodyOneofCase.Hello);
        await session.SendAsync(Welcome());

        await Eventually.TrueAsync(() => _link.IsConnected, TimeSpan.FromSeconds(10), "the link connects to the leader");
        Assert.Equal(leader.Address, _link.Address);
    }

    [Fact]
    public async Task Progress_is_reported_at_the_interval_the_welcome_sets()
    {
        _owner.Hold("orders", 3, 4);
        StartLink();
        var session = await _scheduler.NextSessionAsync();
        await session.ReceiveAsync(ExecutorMessage.BodyOneofCase.Hello);
        await session.SendAsync(Welcome(progressMs: 50));

        var first = (await session.ReceiveAsync(ExecutorMessage.BodyOneofCase.Progress)).Progress;
        var second = (await session.ReceiveAsync(ExecutorMessage.BodyOneofCase.Progress)).Progress;

        var partition = Assert.Single(second.Partitions);
        Assert.Equal((3, 4L, PartitionState.Owned), (partition.Partition, partition.Epoch, partition.State));
        Assert.Equal(10, partition.CommittedOffset);
        Assert.True(second.SampledAtUnixMs >= first.SampledAtUnixMs);
    }

    [Fact]
    public async Task Stop_from_the_scheduler_is_surfaced_with_its_reason()
    {
        StartLink();
        var session = await _scheduler.NextSessionAsync();
        await session.ReceiveAsync(ExecutorMessage.BodyOneofCase.Hello);
        await session.SendAsync(Welcome());

        await session.SendAsync(new SchedulerMessage { Stop = new Stop { Reason = "scaled in" } });

        Assert.Equal("scaled in", await Eventually.WithinAsync(_link.StopRequested, TimeSpan.FromSeconds(10), "Stop reaches the executor"));
    }
}
