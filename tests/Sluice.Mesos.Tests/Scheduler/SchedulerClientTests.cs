using System.Text;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Sluice.Mesos.Http;
using Sluice.Mesos.RecordIO;
using Sluice.Mesos.Scheduler;
using Sluice.Mesos.Tests.Support;
using Sluice.Proto.Mesos.V1;
using Sluice.Proto.Mesos.V1.Scheduler;
using Sluice.Testing.Logging;

namespace Sluice.Mesos.Tests.Scheduler;

/// <summary>The scheduler client against a scripted master on real loopback sockets.</summary>
public sealed class SchedulerClientTests
{
    private readonly StateRecorder<SchedulerConnectionState> _states = new();
    private readonly ListLoggerFactory _logs = new();

    private MesosSchedulerClientBuilder Builder(params Uri[] masters) =>
        new MesosSchedulerClientBuilder(new FrameworkInfo { User = "", Name = "sluice-test" })
            .UseMasters(masters)
            .WithBackoff(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(100))
            .WithCallTimeout(TimeSpan.FromSeconds(5))
            .UseLoggerFactory(_logs)
            .OnConnectionStateChanged(_states.Record);

    private static EventPump<Event> Pump(MesosSchedulerClient client) => new(client.SubscribeAsync);

    [Fact]
    public async Task Subscribe_NewFramework_PostsProtobufWithoutStreamIdOrFrameworkId_AndYieldsSubscribed()
    {
        await using var master = await ScriptedMaster.StartAsync();
        await using var client = Builder(master.BaseUrl).Build();
        await using var events = Pump(client);

        var subscribed = await events.NextAsync("SUBSCRIBED");
        var state = await _states.NextAsync<SchedulerConnectionState.Subscribed>("the Subscribed state");

        Assert.Equal(Event.Types.Type.Subscribed, subscribed.Type);
        Assert.Equal(ScriptedMaster.FrameworkIdValue, state.FrameworkId.Value);
        Assert.Equal("stream-1", state.StreamId);
        Assert.Equal(new Uri(master.BaseUrl, "api/v1/scheduler"), state.Master);
        var request = Assert.Single(master.Server.Requests);
        Assert.Equal("/api/v1/scheduler", request.Path);
        Assert.Equal("application/x-protobuf", request.ContentType);
        Assert.Contains("application/x-protobuf", request.Accept);
        Assert.Null(request.StreamId);
        Assert.Null(request.SchedulerCall.FrameworkId);
        Assert.Null(request.SchedulerCall.Subscribe.FrameworkInfo.Id);
        Assert.Equal("sluice-test", request.SchedulerCall.Subscribe.FrameworkInfo.Name);
    }

    [Fact]
    public async Task Calls_AfterSubscribed_CarryTheStreamIdAndFrameworkId_AndSucceedOn202()
    {
        await using var master = await ScriptedMaster.StartAsync();
        await using var client = Builder(master.BaseUrl).Build();
        await using var events = Pump(client);
        await _states.NextAsync<SchedulerConnectionState.Subscribed>("subscription");

        await client.CallAsync(SchedulerCalls.Decline([new OfferID { Value = "o-1" }], TimeSpan.FromSeconds(120)), Bounded.Deadline());
        await client.CallAsync(SchedulerCalls.ReconcileAll(), Bounded.Deadline());

        var calls = master.Calls.ToList();
        Assert.Equal(2, calls.Count);
        Assert.All(calls, call =>
        {
            Assert.Equal("stream-1", call.StreamId);
            Assert.Equal(ScriptedMaster.FrameworkIdValue, call.SchedulerCall.FrameworkId.Value);
            Assert.Equal("application/x-protobuf", call.ContentType);
        });
        Assert.Equal(120, calls[0].SchedulerCall.Decline.Filters.RefuseSeconds);
        Assert.NotNull(calls[1].SchedulerCall.Reconcile);
    }

    [Fact]
    public async Task Subscribe_FollowsSchemeRelativeRedirect_AndResubscribesAtLeader()
    {
        await using var leader = await ScriptedMaster.StartAsync();
        await using var follower = await FakeMesosServer.StartAsync(exchange =>
            exchange.ReplyAsync(307, location: $"//{leader.BaseUrl.Authority}/api/v1/scheduler"));
        await using var client = Builder(follower.BaseUrl).Build();
        await using var events = Pump(client);

        var state = await _states.NextAsync<SchedulerConnectionState.Subscribed>("subscription at the leader");
        await client.CallAsync(SchedulerCalls.Revive(), Bounded.Deadline());

        Assert.Equal(leader.BaseUrl.Authority, state.Master.Authority);
        Assert.Equal("http", state.Master.Scheme);
        Assert.Equal(Call.Types.Type.Subscribe, Assert.Single(follower.Requests).SchedulerCall.Type);
        Assert.Single(leader.Subscribes);
        Assert.Equal(Call.Types.Type.Revive, Assert.Single(leader.Calls).SchedulerCall.Type);
    }

    [Fact]
    public async Task Subscribe_MasterAnswers503_RetriesWithBackoffUntilSubscribed()
    {
        await using var master = await ScriptedMaster.StartAsync();
        master.OnSubscribe = (exchange, number) => number <= 2
            ? exchange.ReplyAsync(503, "Master has not finished recovery")
            : master.AcceptSubscribeAsync(exchange, number);
        await using var client = Builder(master.BaseUrl).Build();
        await using var events = Pump(client);

        var state = await _states.NextAsync<SchedulerConnectionState.Subscribed>("subscription after two 503s");

        Assert.Equal("stream-3", state.StreamId);
        Assert.Equal(3, master.Subscribes.Count());
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("503", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Subscribe_FirstMasterUnreachable_TriesTheNextMasterInTheList()
    {
        await using var master = await ScriptedMaster.StartAsync();
        Uri dead;
        await using (var gone = await FakeMesosServer.StartAsync(_ => Task.CompletedTask))
        {
            dead = gone.BaseUrl;
        }

        await using var client = Builder(dead, master.BaseUrl).Build();
        await using var events = Pump(client);

        var state = await _states.NextAsync<SchedulerConnectionState.Subscribed>("subscription at the live master");

        Assert.Equal(master.BaseUrl.Authority, state.Master.Authority);
    }

    [Fact]
    public async Task Subscribe_NoEventForThreeHeartbeats_DropsAndResubscribesWithTheSameFrameworkId()
    {
        await using var master = await ScriptedMaster.StartAsync();
        // Only the first subscription is quiet: the second must stay up for the call below.
        master.HeartbeatSeconds = number => number == 1 ? 0.1 : 30;
        await using var client = Builder(master.BaseUrl).Build();
        await using var events = Pump(client);
        await _states.NextAsync<SchedulerConnectionState.Subscribed>("first subscription");

        // The master now stays silent on stream-1.
        var disconnected = await _states.NextAsync<SchedulerConnectionState.Disconnected>("the watchdog");
        var again = await _states.NextAsync<SchedulerConnectionState.Subscribed>("re-subscription");
        await client.CallAsync(SchedulerCalls.Suppress(), Bounded.Deadline());

        Assert.Contains("heartbeats missed", disconnected.Reason);
        Assert.True(disconnected.WillResubscribe);
        Assert.Equal("stream-2", again.StreamId);
        var resubscribe = master.Subscribes.ElementAt(1);
        Assert.Equal(ScriptedMaster.FrameworkIdValue, resubscribe.FrameworkId.Value);
        Assert.Equal(ScriptedMaster.FrameworkIdValue, resubscribe.Subscribe.FrameworkInfo.Id.Value);
        Assert.Equal("stream-2", Assert.Single(master.Calls).StreamId);
    }

    // Found by SchedulerClientFuzzTests: 1e7 s × 3 missed heartbeats overflowed the watchdog timer and threw out of SubscribeAsync.
    [Theory]
    [InlineData(1e7, 3600)]
    [InlineData(1e300, 3600)]
    [InlineData(double.PositiveInfinity, 15)]
    [InlineData(double.NaN, 15)]
    [InlineData(-5, 15)]
    public async Task Subscribe_AbsurdHeartbeatInterval_IsCappedOrReplaced_AndTheStreamKeepsWorking(double announced, double expectedSeconds)
    {
        await using var master = await ScriptedMaster.StartAsync();
        master.HeartbeatSeconds = _ => announced;
        await using var client = Builder(master.BaseUrl).Build();
        await using var events = Pump(client);
        var stream = await master.NextStreamAsync("stream-1");
        await events.NextAsync("SUBSCRIBED");

        await stream.SendAsync(ScriptedMaster.Heartbeat);
        await events.NextAsync("a heartbeat after SUBSCRIBED");
        await client.CallAsync(SchedulerCalls.Revive(), Bounded.Deadline());

        var state = Assert.IsType<SchedulerConnectionState.Subscribed>(client.State);
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), state.HeartbeatInterval);
        Assert.False(events.Completion.IsCompleted);
        Assert.Single(master.Subscribes);
    }

    [Fact]
    public async Task Subscribe_HeartbeatsArrive_KeepTheSubscriptionAlive()
    {
        await using var master = await ScriptedMaster.StartAsync();
        master.HeartbeatSeconds = _ => 0.5;
        await using var client = Builder(master.BaseUrl).Build();
        await using var events = Pump(client);
        var stream = await master.NextStreamAsync("stream-1");
        await events.NextAsync("SUBSCRIBED");

        // 20 rounds of ~100 ms: well past the 1.5 s the watchdog allows a silent master.
        for (int i = 0; i < 20; i++)
        {
            await stream.SendAsync(ScriptedMaster.Heartbeat);
            Assert.Equal(Event.Types.Type.Heartbeat, (await events.NextAsync("a heartbeat")).Type);
            await Task.Delay(100);
        }

        Assert.Single(master.Subscribes);
        Assert.IsType<SchedulerConnectionState.Subscribed>(client.State);
    }

    [Fact]
    public async Task Subscribe_MalformedRecordIO_ReportsTheErrorAndResubscribes()
    {
        await using var master = await ScriptedMaster.StartAsync();
        await using var client = Builder(master.BaseUrl).Build();
        await using var events = Pump(client);
        var stream = await master.NextStreamAsync("stream-1");

        await stream.SendRawAsync(Encoding.ASCII.GetBytes("12x\n<html>"));
        var disconnected = await _states.NextAsync<SchedulerConnectionState.Disconnected>("the malformed stream");
        await _states.NextAsync<SchedulerConnectionState.Subscribed>("re-subscription");

        Assert.IsType<RecordIOException>(disconnected.Error);
        Assert.Contains("malformed RecordIO", disconnected.Reason);
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Error && e.Exception is RecordIOException);
        Assert.False(events.Completion.IsCompleted);
    }

    [Fact]
    public async Task Subscribe_GarbageProtobuf_ReportsTheErrorAndResubscribes()
    {
        await using var master = await ScriptedMaster.StartAsync();
        await using var client = Builder(master.BaseUrl).Build();
        await using var events = Pump(client);
        var stream = await master.NextStreamAsync("stream-1");

        // Field 1 with wire type 7: no protobuf parser accepts it.
        await stream.SendRawAsync(RecordIOWriter.Encode([0x0F, 0x01, 0x02]));
        var disconnected = await _states.NextAsync<SchedulerConnectionState.Disconnected>("the garbage event");
        var again = await _states.NextAsync<SchedulerConnectionState.Subscribed>("re-subscription");

        Assert.IsType<InvalidProtocolBufferException>(disconnected.Error);
        Assert.Equal("stream-2", again.StreamId);
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Error && e.Exception is InvalidProtocolBufferException);
    }

    [Fact]
    public async Task Subscribe_StreamClosedByMaster_ResubscribesAndCallsUseTheNewStreamId()
    {
        await using var master = await ScriptedMaster.StartAsync();
        await using var client = Builder(master.BaseUrl).Build();
        await using var events = Pump(client);
        (await master.NextStreamAsync("stream-1")).Close();

        await _states.NextAsync<SchedulerConnectionState.Disconnected>("the closed stream");
        await _states.NextAsync<SchedulerConnectionState.Subscribed>("re-subscription");
        await client.CallAsync(SchedulerCalls.Kill(new TaskID { Value = "t-1" }), Bounded.Deadline());

        Assert.Equal("stream-2", Assert.Single(master.Calls).StreamId);
    }

    [Fact]
    public async Task Subscribe_ErrorEvent_IsYieldedAndEndsTheSubscriptionForGood()
    {
        await using var master = await ScriptedMaster.StartAsync();
        await using var client = Builder(master.BaseUrl).Build();
        await using var events = Pump(client);
        var stream = await master.NextStreamAsync("stream-1");
        await events.NextAsync("SUBSCRIBED");

        await stream.SendAsync(new Event { Type = Event.Types.Type.Error, Error = new Event.Types.Error { Message = "Framework failed over" } });
        var error = await events.NextAsync("ERROR");
        await Bounded.WithinAsync(events.Completion, "the end of the event sequence");

        Assert.Equal("Framework failed over", error.Error.Message);
        var final = Assert.IsType<SchedulerConnectionState.Disconnected>(client.State);
        Assert.False(final.WillResubscribe);
        Assert.Single(master.Subscribes);
    }

    [Fact]
    public async Task Subscribe_RefusedWith400_ThrowsWithTheMastersExplanation()
    {
        await using var master = await ScriptedMaster.StartAsync();
        master.OnSubscribe = (exchange, _) => exchange.ReplyAsync(400, "Failed to validate scheduler::Call: Expecting 'framework_info.name'");
        await using var client = Builder(master.BaseUrl).Build();
        await using var events = Pump(client);

        var error = await Assert.ThrowsAsync<MesosCallException>(() => Bounded.WithinAsync(events.Completion, "the refusal"));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains("Expecting 'framework_info.name'", error.ResponseBody);
        Assert.False(error.IsTransient);
        Assert.False(Assert.IsType<SchedulerConnectionState.Disconnected>(client.State).WillResubscribe);
    }

    [Fact]
    public async Task Subscribe_KnownFrameworkId_FailsOverWithBothIdsSet()
    {
        await using var master = await ScriptedMaster.StartAsync();
        await using var client = Builder(master.BaseUrl).UseFrameworkId(new FrameworkID { Value = "fw-saved" }).Build();
        await using var events = Pump(client);

        await _states.NextAsync<SchedulerConnectionState.Subscribed>("subscription");

        var subscribe = Assert.Single(master.Subscribes);
        Assert.Equal("fw-saved", subscribe.FrameworkId.Value);
        Assert.Equal("fw-saved", subscribe.Subscribe.FrameworkInfo.Id.Value);
    }

    [Fact]
    public async Task Call_BeforeSubscribed_FailsAtOnceAsTransient()
    {
        await using var client = Builder(new Uri("http://127.0.0.1:9/")).Build();

        var error = await Assert.ThrowsAsync<MesosCallException>(() => client.CallAsync(SchedulerCalls.ReconcileAll(), Bounded.Deadline()));

        Assert.True(error.IsTransient);
        Assert.Contains("not subscribed", error.Message);
    }

    [Fact]
    public async Task Call_MasterAnswers503ThenAccepts_IsRetried()
    {
        await using var master = await ScriptedMaster.StartAsync();
        int calls = 0;
        master.OnCall = exchange => Interlocked.Increment(ref calls) == 1 ? exchange.ReplyAsync(503, "busy") : exchange.ReplyAsync(202);
        await using var client = Builder(master.BaseUrl).Build();
        await using var events = Pump(client);
        await _states.NextAsync<SchedulerConnectionState.Subscribed>("subscription");

        await client.CallAsync(SchedulerCalls.Teardown(), Bounded.Deadline());

        Assert.Equal(2, master.Calls.Count());
    }

    [Fact]
    public async Task Call_RefusedWith400_ThrowsWithoutRetrying()
    {
        await using var master = await ScriptedMaster.StartAsync();
        master.OnCall = exchange => exchange.ReplyAsync(400, "Framework is not subscribed with this stream id");
        await using var client = Builder(master.BaseUrl).Build();
        await using var events = Pump(client);
        await _states.NextAsync<SchedulerConnectionState.Subscribed>("subscription");

        var error = await Assert.ThrowsAsync<MesosCallException>(() => client.CallAsync(SchedulerCalls.Revive(), Bounded.Deadline()));

        Assert.False(error.IsTransient);
        Assert.Contains("stream id", error.ResponseBody);
        Assert.Single(master.Calls);
    }

    [Fact]
    public async Task BasicAuthentication_IsSentOnSubscribeAndOnCalls()
    {
        await using var master = await ScriptedMaster.StartAsync();
        await using var client = Builder(master.BaseUrl).UseBasicAuthentication("sluice", "s3cret").Build();
        await using var events = Pump(client);
        await _states.NextAsync<SchedulerConnectionState.Subscribed>("subscription");

        await client.CallAsync(SchedulerCalls.Revive(), Bounded.Deadline());

        string expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("sluice:s3cret"));
        Assert.All(master.Server.Requests, request => Assert.Equal(expected, request.Authorization));
    }

    [Fact]
    public async Task Subscribe_DetectorReportsANewLeader_DropsTheStreamAndSubscribesThere()
    {
        await using var first = await ScriptedMaster.StartAsync();
        await using var second = await ScriptedMaster.StartAsync();
        var detector = new SwitchableDetector(first.BaseUrl);
        await using var client = new MesosSchedulerClientBuilder(new FrameworkInfo { User = "", Name = "sluice-test" })
            .UseMasterDetector(detector)
            .WithBackoff(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(100))
            .OnConnectionStateChanged(_states.Record)
            .Build();
        await using var events = Pump(client);
        await _states.NextAsync<SchedulerConnectionState.Subscribed>("subscription at the first leader");

        detector.SwitchTo(second.BaseUrl);
        var disconnected = await _states.NextAsync<SchedulerConnectionState.Disconnected>("the leader change");
        var again = await _states.NextAsync<SchedulerConnectionState.Subscribed>("subscription at the new leader");

        Assert.Contains("new leader", disconnected.Reason);
        Assert.Equal(second.BaseUrl.Authority, again.Master.Authority);
        Assert.Equal(ScriptedMaster.FrameworkIdValue, Assert.Single(second.Subscribes).FrameworkId.Value);
    }

    [Fact]
    public async Task Subscribe_CancelledByTheCaller_EndsAndReportsAFinalDisconnect()
    {
        await using var master = await ScriptedMaster.StartAsync();
        await using var client = Builder(master.BaseUrl).Build();
        using var stop = new CancellationTokenSource();
        var events = new EventPump<Event>(token => client.SubscribeAsync(stop.Token));
        await _states.NextAsync<SchedulerConnectionState.Subscribed>("subscription");

        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Bounded.WithinAsync(events.Completion, "the end of the subscription"));
        var final = await _states.NextAsync<SchedulerConnectionState.Disconnected>("the final state");
        Assert.False(final.WillResubscribe);
        await Assert.ThrowsAsync<MesosCallException>(() => client.CallAsync(SchedulerCalls.Revive(), Bounded.Deadline()));
        await events.DisposeAsync();
    }

    [Fact]
    public async Task Subscribe_AnswerWithoutStreamId_IsRejectedAndRetried()
    {
        await using var master = await ScriptedMaster.StartAsync();
        master.OnSubscribe = async (exchange, number) =>
        {
            if (number > 1)
            {
                await master.AcceptSubscribeAsync(exchange, number);
                return;
            }

            var stream = await exchange.OpenStreamAsync(streamId: null);
            await stream.SendAsync(ScriptedMaster.Subscribed(5));
            await stream.RunAsync();
        };
        await using var client = Builder(master.BaseUrl).Build();
        await using var events = Pump(client);

        var state = await _states.NextAsync<SchedulerConnectionState.Subscribed>("subscription with a stream id");

        Assert.Equal("stream-2", state.StreamId);
        Assert.Contains(_logs.Entries, e => e.Message.Contains("Mesos-Stream-Id", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Subscribe_EventOverTheMaximumLength_DropsTheStreamWithoutReadingIt()
    {
        await using var master = await ScriptedMaster.StartAsync();
        await using var client = Builder(master.BaseUrl).WithMaxEventLength(1024).Build();
        await using var events = Pump(client);
        var stream = await master.NextStreamAsync("stream-1");

        // Announces 10 MB and sends nothing more: the client must not wait for (or allocate) it.
        await stream.SendRawAsync(Encoding.ASCII.GetBytes("10000000\n"));
        var disconnected = await _states.NextAsync<SchedulerConnectionState.Disconnected>("the oversized event");

        Assert.Contains("maximum of 1024 bytes", Assert.IsType<RecordIOException>(disconnected.Error).Message);
        await _states.NextAsync<SchedulerConnectionState.Subscribed>("re-subscription");
    }

    [Fact]
    public async Task Call_AnsweredWithRedirect_FailsAsTransientNamingTheNewLeader()
    {
        await using var master = await ScriptedMaster.StartAsync();
        master.OnCall = exchange => exchange.ReplyAsync(307, location: "//10.9.9.9:5050/api/v1/scheduler");
        await using var client = Builder(master.BaseUrl).Build();
        await using var events = Pump(client);
        await _states.NextAsync<SchedulerConnectionState.Subscribed>("subscription");

        var error = await Assert.ThrowsAsync<MesosCallException>(() => client.CallAsync(SchedulerCalls.Revive(), Bounded.Deadline()));

        Assert.True(error.IsTransient);
        Assert.Contains("http://10.9.9.9:5050/api/v1/scheduler", error.Message);
        Assert.Single(master.Calls);
    }

    private sealed class SwitchableDetector(Uri leader) : Sluice.Mesos.Detection.IMasterDetector
    {
        private Uri _leader = leader;

        public event EventHandler<Uri?>? LeaderChanged;

        public ValueTask<Uri> GetLeaderAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Volatile.Read(ref _leader));

        public void SwitchTo(Uri leader)
        {
            Volatile.Write(ref _leader, leader);
            LeaderChanged?.Invoke(this, leader);
        }
    }
}
