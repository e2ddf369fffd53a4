using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Sluice.Mesos.RecordIO;
using Sluice.Proto.Mesos.V1;
using Sluice.Proto.Mesos.V1.Scheduler;
using static Sluice.Local.Tests.Mesos.LocalMesosTesting;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;

namespace Sluice.Local.Tests.Mesos;

/// <summary>The scheduler endpoint's protocol rules, reconciliation, heartbeats and /master/state.</summary>
public sealed class SchedulerApiTests
{
    [Fact]
    public async Task Subscribed_carries_the_framework_id_heartbeat_interval_and_master_info_then_heartbeats_follow()
    {
        await using var world = await StartWorldAsync();
        await using var scheduler = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework());

        Assert.StartsWith(world.Master.Id, scheduler.FrameworkId, StringComparison.Ordinal);
        Assert.Equal(1, scheduler.Subscribed.HeartbeatIntervalSeconds);
        Assert.Equal((uint)world.MasterUrl.Port, scheduler.Subscribed.MasterInfo.Port);
        Assert.True(Guid.TryParse(scheduler.StreamId, out _));
        await Sluice.Testing.Eventually.TrueAsync(() => scheduler.AllEvents.Count(e => e.Type == Event.Types.Type.Heartbeat) >= 2,
            TimeSpan.FromSeconds(5), "two heartbeats at a 1 s interval");
    }

    [Fact]
    public async Task Reconcile_answers_known_tasks_with_their_latest_state_and_unknown_ones_TASK_LOST_without_uuid()
    {
        await using var world = await StartWorldAsync();
        await using var scheduler = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework());
        var offer = await scheduler.NextOfferAsync(Quick);
        await scheduler.LaunchAsync(offer, CommandTask(offer, "known-1", "sleep 60"), CommandTask(offer, "known-2", "sleep 60"));
        await scheduler.WaitForStateAsync("known-1", TaskState.TaskRunning, Slow);
        await scheduler.WaitForStateAsync("known-2", TaskState.TaskRunning, Slow);

        // Explicit.
        await scheduler.ReconcileAsync(("known-1", offer.AgentId), ("nobody", offer.AgentId));
        var known = await scheduler.NextUpdateAsync("known-1", Quick);
        Assert.Equal(TaskState.TaskRunning, known.State);
        Assert.Equal(TaskStatus.Types.Reason.Reconciliation, known.Reason);
        Assert.Equal(TaskStatus.Types.Source.Master, known.Source);
        Assert.False(known.HasUuid);
        var unknown = await scheduler.NextUpdateAsync("nobody", Quick);
        Assert.Equal(TaskState.TaskLost, unknown.State);
        Assert.Equal(TaskStatus.Types.Reason.Reconciliation, unknown.Reason);
        Assert.False(unknown.HasUuid);

        // Implicit: every task the master knows for the framework.
        await scheduler.ReconcileAsync();
        foreach (var taskId in new[] { "known-1", "known-2" })
        {
            var status = await scheduler.NextUpdateAsync(taskId, Quick);
            Assert.Equal(TaskState.TaskRunning, status.State);
            Assert.Equal(TaskStatus.Types.Reason.Reconciliation, status.Reason);
            Assert.False(status.HasUuid);
        }

        // Killing a task the master does not know: TASK_LOST.
        await scheduler.KillAsync("nobody");
        Assert.Equal(TaskState.TaskLost, (await scheduler.NextUpdateAsync("nobody", Quick)).State);
    }

    [Fact]
    public async Task A_call_with_a_wrong_or_missing_stream_id_is_refused_with_400()
    {
        await using var world = await StartWorldAsync();
        await using var scheduler = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework());
        var revive = new Call { Type = Call.Types.Type.Revive, Revive = new Call.Types.Revive() };

        using var wrong = await scheduler.CallAsync(revive, Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("didn't match", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var http = new HttpClient { BaseAddress = world.MasterUrl };
        revive.FrameworkId = new FrameworkID { Value = scheduler.FrameworkId };
        using var missing = await http.PostAsync("/api/v1/scheduler", TestScheduler.Body(revive));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("Mesos-Stream-Id", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var right = await scheduler.CallAsync(revive);
        Assert.Equal(HttpStatusCode.Accepted, right.StatusCode);
    }

    [Fact]
    public async Task A_malformed_protobuf_body_is_refused_with_400_and_the_master_keeps_serving()
    {
        await using var world = await StartWorldAsync();
        using var http = new HttpClient { BaseAddress = world.MasterUrl };

        using var garbage = new ByteArrayContent([0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x12, 0x99]);
        garbage.Headers.ContentType = new MediaTypeHeaderValue(TestScheduler.Protobuf);
        using var refused = await http.PostAsync("/api/v1/scheduler", garbage);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.StartsWith("Failed to parse body into Call protobuf", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var health = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        await using var scheduler = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework());
        await scheduler.NextOfferAsync(Quick);
    }

    [Fact]
    public async Task Bad_requests_get_the_status_codes_Mesos_gives_them()
    {
        await using var world = await StartWorldAsync();
        await using var scheduler = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework());
        using var http = new HttpClient { BaseAddress = world.MasterUrl };
        var subscribe = new Call
        {
            Type = Call.Types.Type.Subscribe,
            Subscribe = new Call.Types.Subscribe { FrameworkInfo = TestScheduler.Framework() },
        };

        // SUBSCRIBE must not carry a stream id.
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/scheduler") { Content = TestScheduler.Body(subscribe) })
        {
            request.Headers.Add("Mesos-Stream-Id", scheduler.StreamId);
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        // Unknown Content-Type: 415; missing: 400; GET: 405.
        using (var text = new StringContent("hello"))
        {
            using var response = await http.PostAsync("/api/v1/scheduler", text);
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        }
        using (var bare = new ByteArrayContent(subscribe.ToByteArray()))
        {
            using var response = await http.PostAsync("/api/v1/scheduler", bare);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
        using (var response = await http.GetAsync("/api/v1/scheduler"))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        }

        // A framework the master does not know: 400 (Mesos: "Framework cannot be found").
        var unknown = new Call { FrameworkId = new FrameworkID { Value = "nobody" }, Type = Call.Types.Type.Revive, Revive = new Call.Types.Revive() };
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/scheduler") { Content = TestScheduler.Body(unknown) })
        {
            request.Headers.Add("Mesos-Stream-Id", scheduler.StreamId);
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_disconnected_framework_is_answered_403()
    {
        await using var world = await StartWorldAsync();
        var scheduler = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework(failoverTimeout: 60));
        var (frameworkId, streamId) = (scheduler.FrameworkId, scheduler.StreamId);
        await scheduler.DisposeAsync();
        await Sluice.Testing.Eventually.TrueAsync(async () => (bool)(await MasterStateAsync(world))["frameworks"]![0]!["connected"]! == false,
            Quick, "the master saw the disconnect");

        using var http = new HttpClient { BaseAddress = world.MasterUrl };
        var revive = new Call { FrameworkId = new FrameworkID { Value = frameworkId }, Type = Call.Types.Type.Revive, Revive = new Call.Types.Revive() };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/scheduler") { Content = TestScheduler.Body(revive) };
        request.Headers.Add("Mesos-Stream-Id", streamId);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_JSON_subscribe_gets_a_JSON_RecordIO_stream()
    {
        await using var world = await StartWorldAsync();
        using var http = new HttpClient { BaseAddress = world.MasterUrl, Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/scheduler")
        {
            Content = new StringContent("""{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"","name":"json"}}}""",
                System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var reader = new RecordIOReader(await response.Content.ReadAsStreamAsync());
        var first = await reader.ReadRecordAsync(CancellationToken.None);
        var json = System.Text.Encoding.UTF8.GetString(first!.Value.Span);
        Assert.Contains("\"type\":\"SUBSCRIBED\"", json.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("\"framework_id\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Master_state_lists_frameworks_agents_and_tasks_with_their_states()
    {
        await using var world = await StartWorldAsync(agents: 2, attributes: "rack:a");
        await using var scheduler = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework("state-test"));
        var offer = await scheduler.NextOfferAsync(Quick);
        await scheduler.LaunchAsync(offer, CommandTask(offer, "listed-1", "sleep 60"));
        await scheduler.WaitForStateAsync("listed-1", TaskState.TaskRunning, Slow);

        var state = await MasterStateAsync(world);
        Assert.Equal(world.Master.Id, (string)state["id"]!);
        var agents = state["slaves"]!.AsArray();
        Assert.Equal(2, agents.Count);
        Assert.All(agents, a => Assert.Equal("a", (string)a!["attributes"]!["rack"]!));
        Assert.Equal(4.0, (double)agents[0]!["resources"]!["cpus"]!);
        var framework = state["frameworks"]!.AsArray().Single()!;
        Assert.Equal("state-test", (string)framework["name"]!);
        Assert.True((bool)framework["connected"]!);
        var task = framework["tasks"]!.AsArray().Single()!;
        Assert.Equal("listed-1", (string)task["id"]!);
        Assert.Equal("TASK_RUNNING", (string)task["state"]!);
        Assert.Equal(offer.AgentId.Value, (string)task["slave_id"]!);
    }
}
