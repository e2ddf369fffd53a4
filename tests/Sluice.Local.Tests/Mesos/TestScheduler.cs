using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Sluice.Mesos.RecordIO;
using Sluice.Proto.Mesos.V1;
using Sluice.Proto.Mesos.V1.Scheduler;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;

namespace Sluice.Local.Tests.Mesos;

/// <summary>
/// A small test-side scheduler over the real HTTP v1 API: SUBSCRIBE with a RecordIO event stream
/// read in the background, calls on other connections with the stream id, and bounded waits
/// for events.
/// </summary>
internal sealed class TestScheduler : IAsyncDisposable
{
    public const string Protobuf = "application/x-protobuf";

    private readonly HttpClient _http;
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Event> _events = [];
    private readonly List<Event> _all = [];
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _reader = Task.CompletedTask;

    private TestScheduler(Uri master, HttpClient http, HttpResponseMessage response, string streamId)
    {
        Master = master;
        _http = http;
        _response = response;
        StreamId = streamId;
    }

    public Uri Master { get; }

    public string StreamId { get; }

    public string FrameworkId { get; private set; } = "";

    public Event.Types.Subscribed Subscribed { get; private set; } = new();

    /// <summary>Set when the master ended the stream.</summary>
    public bool StreamEnded { get; private set; }

    public static FrameworkInfo Framework(string name = "sluice-test", double failoverTimeout = 0) =>
        new() { User = "", Name = name, FailoverTimeout = failoverTimeout };

    /// <summary>Subscribes and waits for SUBSCRIBED (or returns after an ERROR as first event, with <see cref="StreamEnded"/> soon).</summary>
    public static async Task<TestScheduler> SubscribeAsync(Uri master, FrameworkInfo info, bool expectSubscribed = true)
    {
        var call = new Call { Type = Call.Types.Type.Subscribe, Subscribe = new Call.Types.Subscribe { FrameworkInfo = info } };
        if (info.Id is not null)
        {
            call.FrameworkId = info.Id;
        }
        var http = new HttpClient { BaseAddress = master, Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/scheduler") { Content = Body(call) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(Protobuf));
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var text = await response.Content.ReadAsStringAsync();
            response.Dispose();
            http.Dispose();
            throw new InvalidOperationException($"SUBSCRIBE answered {(int)response.StatusCode}: {text}");
        }
        var streamId = response.Headers.GetValues("Mesos-Stream-Id").Single();
        var scheduler = new TestScheduler(master, http, response, streamId);
        scheduler._reader = scheduler.ReadAsync(await response.Content.ReadAsStreamAsync());
        if (expectSubscribed)
        {
            var subscribed = await scheduler.NextAsync(e => e.Type == Event.Types.Type.Subscribed, TimeSpan.FromSeconds(10), "SUBSCRIBED");
            scheduler.Subscribed = subscribed.Subscribed;
            scheduler.FrameworkId = subscribed.Subscribed.FrameworkId.Value;
        }
        return scheduler;
    }

    private async Task ReadAsync(Stream stream)
    {
        try
        {
            await using var reader = new RecordIOReader(stream);
            while (await reader.ReadAsync(static body => Event.Parser.ParseFrom(body), _stop.Token) is { } ev)
            {
                lock (_gate)
                {
                    _all.Add(ev);
                    if (ev.Type != Event.Types.Type.Heartbeat)
                    {
                        _events.Add(ev);
                    }
                    _changed.TrySetResult();
                    _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException or ObjectDisposedException)
        {
        }
        lock (_gate)
        {
            StreamEnded = true;
            _changed.TrySetResult();
        }
    }

    /// <summary>Every event received so far, heartbeats included.</summary>
    public IReadOnlyList<Event> AllEvents
    {
        get
        {
            lock (_gate)
            {
                return _all.ToList();
            }
        }
    }

    /// <summary>Takes the first unconsumed event that matches, waiting up to <paramref name="timeout"/>.</summary>
    public async Task<Event> NextAsync(Func<Event, bool> match, TimeSpan timeout, string because)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                var index = _events.FindIndex(e => match(e));
                if (index >= 0)
                {
                    var found = _events[index];
                    _events.RemoveAt(index);
                    return found;
                }
                if (StreamEnded)
                {
                    throw new InvalidOperationException($"The event stream ended while waiting for {because}");
                }
                changed = _changed.Task;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || await Task.WhenAny(changed, Task.Delay(left)) != changed)
            {
                throw new TimeoutException($"No {because} within {timeout.TotalSeconds:0.#} s; unconsumed events: {Describe()}");
            }
        }
    }

    /// <summary>True when no matching event arrives within <paramref name="window"/> (a bounded observation, for "no offer" checks).</summary>
    public async Task<bool> NoneWithinAsync(Func<Event, bool> match, TimeSpan window)
    {
        try
        {
            await NextAsync(match, window, "an event that should not come");
            return false;
        }
        catch (TimeoutException)
        {
            return true;
        }
    }

    public async Task<TaskStatus> NextUpdateAsync(string taskId, TimeSpan timeout, Func<TaskStatus, bool>? match = null)
    {
        var ev = await NextAsync(e => e.Type == Event.Types.Type.Update && e.Update.Status.TaskId.Value == taskId && (match?.Invoke(e.Update.Status) ?? true),
            timeout, $"an update of task {taskId}");
        return ev.Update.Status;
    }

    /// <summary>Waits for an update of the task in <paramref name="state"/>, acknowledging every update it passes that has a uuid.</summary>
    public async Task<TaskStatus> WaitForStateAsync(string taskId, TaskState state, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var status = await NextUpdateAsync(taskId, deadline - DateTime.UtcNow);
            if (status.HasUuid)
            {
                await AcknowledgeAsync(status);
            }
            if (status.State == state)
            {
                return status;
            }
        }
    }

    public async Task<Offer> NextOfferAsync(TimeSpan timeout, string? agentId = null)
    {
        while (true)
        {
            var ev = await NextAsync(e => e.Type == Event.Types.Type.Offers && (agentId is null || e.Offers.Offers_.Any(o => o.AgentId.Value == agentId)),
                timeout, agentId is null ? "an offer" : $"an offer of agent {agentId}");
            var offers = ev.Offers.Offers_.ToList();
            var wanted = offers.First(o => agentId is null || o.AgentId.Value == agentId);
            // Offers of the same event we do not use go back, unfiltered.
            var others = offers.Where(o => o != wanted).ToList();
            if (others.Count > 0)
            {
                await DeclineAsync(others, refuseSeconds: 0);
            }
            return wanted;
        }
    }

    /// <summary>Posts a call with this framework's id and the current stream id (or <paramref name="streamId"/>).</summary>
    public async Task<HttpResponseMessage> CallAsync(Call call, string? streamId = null)
    {
        call.FrameworkId ??= new FrameworkID { Value = FrameworkId };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/scheduler") { Content = Body(call) };
        request.Headers.Add("Mesos-Stream-Id", streamId ?? StreamId);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(Protobuf));
        return await _http.SendAsync(request);
    }

    public async Task CallAcceptedAsync(Call call)
    {
        using var response = await CallAsync(call);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"{call.Type} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    public Task LaunchAsync(Offer offer, params TaskInfo[] tasks) => LaunchAsync([offer], tasks, refuseSeconds: null);

    public Task LaunchAsync(IEnumerable<Offer> offers, TaskInfo[] tasks, double? refuseSeconds)
    {
        var launch = new Offer.Types.Operation.Types.Launch();
        launch.TaskInfos.AddRange(tasks);
        var accept = new Call.Types.Accept();
        accept.OfferIds.AddRange(offers.Select(o => o.Id));
        accept.Operations.Add(new Offer.Types.Operation { Type = Offer.Types.Operation.Types.Type.Launch, Launch = launch });
        if (refuseSeconds is { } seconds)
        {
            accept.Filters = new Filters { RefuseSeconds = seconds };
        }
        return CallAcceptedAsync(new Call { Type = Call.Types.Type.Accept, Accept = accept });
    }

    public Task DeclineAsync(IEnumerable<Offer> offers, double refuseSeconds)
    {
        var decline = new Call.Types.Decline { Filters = new Filters { RefuseSeconds = refuseSeconds } };
        decline.OfferIds.AddRange(offers.Select(o => o.Id));
        return CallAcceptedAsync(new Call { Type = Call.Types.Type.Decline, Decline = decline });
    }

    public Task AcknowledgeAsync(TaskStatus status) => CallAcceptedAsync(new Call
    {
        Type = Call.Types.Type.Acknowledge,
        Acknowledge = new Call.Types.Acknowledge { AgentId = status.AgentId, TaskId = status.TaskId, Uuid = status.Uuid },
    });

    public Task KillAsync(string taskId, AgentID? agentId = null)
    {
        var kill = new Call.Types.Kill { TaskId = new TaskID { Value = taskId } };
        if (agentId is not null)
        {
            kill.AgentId = agentId;
        }
        return CallAcceptedAsync(new Call { Type = Call.Types.Type.Kill, Kill = kill });
    }

    public Task ReconcileAsync(params (string TaskId, AgentID? AgentId)[] tasks)
    {
        var reconcile = new Call.Types.Reconcile();
        foreach (var (taskId, agentId) in tasks)
        {
            var task = new Call.Types.Reconcile.Types.Task { TaskId = new TaskID { Value = taskId } };
            if (agentId is not null)
            {
                task.AgentId = agentId;
            }
            reconcile.Tasks.Add(task);
        }
        return CallAcceptedAsync(new Call { Type = Call.Types.Type.Reconcile, Reconcile = reconcile });
    }

    /// <summary>
    /// Explicit reconciliation of one task, sent again every <paramref name="every"/> until the
    /// master answers (it stays silent while the task may be on an agent that has not registered
    /// with it yet, as after a master failover), as docs/reconciliation.md tells schedulers to.
    /// </summary>
    public async Task<TaskStatus> ReconcileUntilAnsweredAsync(string taskId, AgentID? agentId, TimeSpan timeout, TimeSpan? every = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        var wait = every ?? TimeSpan.FromMilliseconds(500);
        while (true)
        {
            await ReconcileAsync((taskId, agentId));
            try
            {
                return await NextUpdateAsync(taskId, wait, s => s.Reason == TaskStatus.Types.Reason.Reconciliation);
            }
            catch (TimeoutException) when (DateTime.UtcNow < deadline)
            {
            }
        }
    }

    public static ByteArrayContent Body(IMessage message)
    {
        var content = new ByteArrayContent(message.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue(Protobuf);
        return content;
    }

    private string Describe()
    {
        lock (_gate)
        {
            return string.Join(", ", _events.Select(e => e.Type == Event.Types.Type.Update
                ? $"UPDATE({e.Update.Status.TaskId.Value} {e.Update.Status.State})"
                : e.Type.ToString()));
        }
    }

    /// <summary>Closes the stream: the master sees the scheduler disconnect.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        try
        {
            await _reader.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
        }
        _http.Dispose();
        _stop.Dispose();
    }
}
