using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Sluice.Mesos.Http;
using Sluice.Mesos.RecordIO;
using Sluice.Proto.Mesos.V1;
using Sluice.Proto.Mesos.V1.Executor;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;

namespace Sluice.Mesos.Executor;

/// <summary>
/// The Mesos HTTP v1 executor API: the SUBSCRIBE stream from the agent, status updates kept
/// until the agent acknowledges them, and re-subscription after the agent restarts.
/// </summary>
/// <remarks>
/// <para>Bookkeeping (MESOS.md §3): every UPDATE stays in a list until ACKNOWLEDGED (matched by
/// uuid); every launched TaskInfo stays until one of its updates is acknowledged. Both lists
/// travel in each re-SUBSCRIBE.</para>
/// <para>Disconnects: with checkpointing (<c>MESOS_CHECKPOINT=1</c>) the client re-subscribes
/// with backoff (each wait at most <c>MESOS_SUBSCRIPTION_BACKOFF_MAX</c>) for at most
/// <c>MESOS_RECOVERY_TIMEOUT</c>; without it, a disconnect ends the event sequence and the
/// executor should exit. SHUTDOWN is yielded like any event: the executor kills its tasks and
/// exits within <see cref="ShutdownGracePeriod"/>.</para>
/// <para>Thread-safe: <see cref="SendUpdateAsync"/> may be called from any thread while one
/// consumer iterates <see cref="SubscribeAsync"/>.</para>
/// </remarks>
public sealed partial class MesosExecutorClient : IAsyncDisposable
{
    private const string ExecutorPath = "api/v1/executor";

    private readonly ExecutorClientSettings _settings;
    private readonly ExecutorEnvironment _environment;
    private readonly Uri _endpoint;
    private readonly ExecutorID _executorId;
    private readonly FrameworkID _frameworkId;
    private readonly AuthenticationHeaderValue? _authorization;
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Lock _lock = new();
    private readonly OrderedDictionary<string, TaskInfo> _unacknowledgedTasks = new(StringComparer.Ordinal);
    private readonly OrderedDictionary<ByteString, TaskStatus> _unacknowledgedUpdates = new();
    private AgentID? _agentId;
    private bool _subscribed;
    private ExecutorConnectionState _state = new ExecutorConnectionState.Disconnected("not subscribed yet", null, WillResubscribe: true);
    private int _subscribing;
    private int _disposed;

    internal MesosExecutorClient(ExecutorClientSettings settings)
    {
        _settings = settings;
        _environment = settings.Environment;
        _endpoint = MesosHttp.Endpoint(_environment.AgentEndpoint, ExecutorPath);
        _executorId = new ExecutorID { Value = _environment.ExecutorId };
        _frameworkId = new FrameworkID { Value = _environment.FrameworkId };
        _authorization = _environment.AuthenticationToken is { } token ? new AuthenticationHeaderValue("Bearer", token) : null;
        _logger = settings.LoggerFactory.CreateLogger<MesosExecutorClient>();
        var handler = settings.HttpHandler ?? new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectTimeout = settings.CallTimeout,
            MaxResponseDrainSize = 0,
        };
        _http = new HttpClient(handler, disposeHandler: settings.HttpHandler is null || settings.DisposeHttpHandler)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public ExecutorConnectionState State => Volatile.Read(ref _state);

    /// <summary>How long the executor has to exit after SHUTDOWN before the agent destroys its container.</summary>
    public TimeSpan ShutdownGracePeriod => _environment.ShutdownGracePeriod;

    /// <summary>Updates sent and not yet acknowledged by the agent, oldest first (copies).</summary>
    public IReadOnlyList<TaskStatus> UnacknowledgedUpdates
    {
        get
        {
            lock (_lock)
            {
                return [.. _unacknowledgedUpdates.Values.Select(status => status.Clone())];
            }
        }
    }

    /// <summary>Tasks launched and without an acknowledged update yet (copies).</summary>
    public IReadOnlyList<TaskInfo> UnacknowledgedTasks
    {
        get
        {
            lock (_lock)
            {
                return [.. _unacknowledgedTasks.Values.Select(task => task.Clone())];
            }
        }
    }

    /// <summary>
    /// Subscribes to the agent and yields its events, across re-subscriptions. ACKNOWLEDGED,
    /// LAUNCH and LAUNCH_GROUP update the bookkeeping before they are yielded.
    /// </summary>
    /// <remarks>
    /// The sequence ends (normally) when the client gives up: a disconnect without checkpointing,
    /// or no successful re-subscription within the recovery timeout. The last state reported is
    /// then Disconnected with WillResubscribe false. Cancelling <paramref name="cancellationToken"/>
    /// ends it with <see cref="OperationCanceledException"/>.
    /// </remarks>
    public async IAsyncEnumerable<Event> SubscribeAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _subscribing, 1) != 0)
        {
            throw new InvalidOperationException("SubscribeAsync is already being enumerated; an executor has one subscription.");
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        var ct = linked.Token;
        var backoff = new ExponentialBackoff(_settings.InitialBackoff, Max(_environment.SubscriptionBackoffMax, _settings.InitialBackoff), _settings.Random);
        long disconnectedAt = _settings.TimeProvider.GetTimestamp();
        bool everSubscribed = false;
        try
        {
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                TimeSpan down = _settings.TimeProvider.GetElapsedTime(disconnectedAt);
                if (down > _environment.RecoveryTimeout)
                {
                    string reason = $"could not subscribe to the agent for {down.TotalSeconds:0.#} s (recovery timeout {_environment.RecoveryTimeout.TotalSeconds:0.#} s); giving up";
                    LogGaveUp(reason);
                    SetState(new ExecutorConnectionState.Disconnected(reason, null, WillResubscribe: false));
                    yield break;
                }

                var (response, failure, failureError) = await ConnectAsync(ct).ConfigureAwait(false);
                if (response is null)
                {
                    LogSubscribeFailed(_endpoint, failure!, failureError);
                    if (everSubscribed && !_environment.Checkpoint)
                    {
                        SetState(new ExecutorConnectionState.Disconnected(failure!, failureError, WillResubscribe: false));
                        yield break;
                    }

                    SetState(new ExecutorConnectionState.Disconnected(failure!, failureError, WillResubscribe: true));
                    await Task.Delay(backoff.Next(), _settings.TimeProvider, ct).ConfigureAwait(false);
                    continue;
                }

                string? dropReason = null;
                Exception? dropError = null;
                using (response)
                {
                    var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
                    await using var reader = new RecordIOReader(body, _settings.MaxEventLength);
                    bool first = true;
                    while (true)
                    {
                        Event? next = null;
                        try
                        {
                            next = await reader.ReadAsync(static b => Event.Parser.ParseFrom(b), ct).ConfigureAwait(false);
                            dropReason = next is null ? "the agent closed the event stream" : null;
                        }
                        catch (Exception e) when (e is RecordIOException or InvalidProtocolBufferException)
                        {
                            dropReason = e is RecordIOException ? "the agent sent malformed RecordIO" : "the agent sent a record that is not an Event";
                            dropError = e;
                            LogMalformedStream(dropReason, e);
                        }
                        catch (Exception e) when (e is IOException or HttpRequestException)
                        {
                            dropReason = "the event stream broke";
                            dropError = e;
                        }

                        if (next is not null && first && next.Type is not (Event.Types.Type.Subscribed or Event.Types.Type.Error))
                        {
                            dropReason = $"the first event was {next.Type}, expected SUBSCRIBED";
                            LogMalformedStream(dropReason, null);
                        }

                        if (dropReason is not null)
                        {
                            break;
                        }

                        first = false;
                        switch (next!.Type)
                        {
                            case Event.Types.Type.Subscribed:
                                everSubscribed = true;
                                backoff.Reset();
                                OnSubscribed(next.Subscribed);
                                break;
                            case Event.Types.Type.Launch when next.Launch?.Task is { } task:
                                Track(task);
                                break;
                            case Event.Types.Type.LaunchGroup when next.LaunchGroup?.TaskGroup is { } group:
                                foreach (var member in group.Tasks)
                                {
                                    Track(member);
                                }

                                break;
                            case Event.Types.Type.Acknowledged when next.Acknowledged is { } ack:
                                OnAcknowledged(ack);
                                break;
                            case Event.Types.Type.Error:
                                LogAgentError(next.Error?.Message ?? "(no message)");
                                break;
                        }

                        yield return next;
                    }
                }

                lock (_lock)
                {
                    _subscribed = false;
                }

                disconnectedAt = _settings.TimeProvider.GetTimestamp();
                bool resubscribe = _environment.Checkpoint || !everSubscribed;
                LogDisconnected(dropReason, resubscribe, dropError);
                SetState(new ExecutorConnectionState.Disconnected(dropReason, dropError, resubscribe));
                if (!resubscribe)
                {
                    yield break;
                }

                await Task.Delay(backoff.Next(), _settings.TimeProvider, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            lock (_lock)
            {
                _subscribed = false;
            }

            if (State is not ExecutorConnectionState.Disconnected { WillResubscribe: false })
            {
                SetState(new ExecutorConnectionState.Disconnected("the subscription was stopped", null, WillResubscribe: false));
            }

            Interlocked.Exchange(ref _subscribing, 0);
        }
    }

    /// <summary>
    /// Sends a status update. The client fills in a fresh <c>uuid</c> (16 random bytes),
    /// <c>timestamp</c> (now), <c>source</c> = SOURCE_EXECUTOR, <c>executor_id</c> and, once known,
    /// <c>agent_id</c>; the caller sets <c>task_id</c>, <c>state</c> and optional details.
    /// </summary>
    /// <remarks>
    /// The update is kept until the agent acknowledges it, and re-sent in the next SUBSCRIBE if the
    /// connection breaks first; so a failed delivery is logged, not thrown. While not subscribed
    /// the update only waits for the next SUBSCRIBE.
    /// </remarks>
    /// <returns>The uuid given to the update.</returns>
    /// <exception cref="ArgumentException">No task_id, or state TASK_STAGING (which executors must not send).</exception>
    public async Task<ByteString> SendUpdateAsync(TaskStatus status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (status.TaskId is null || string.IsNullOrEmpty(status.TaskId.Value))
        {
            throw new ArgumentException("A status update needs task_id.", nameof(status));
        }

        if (!status.HasState || status.State == TaskState.TaskStaging)
        {
            throw new ArgumentException("A status update needs a state other than TASK_STAGING (the agent's initial state).", nameof(status));
        }

        var update = status.Clone();
        update.Uuid = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(16));
        update.Timestamp = _settings.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
        update.Source = TaskStatus.Types.Source.Executor;
        update.ExecutorId = _executorId.Clone();
        bool subscribed;
        lock (_lock)
        {
            if (_agentId is not null)
            {
                update.AgentId = _agentId.Clone();
            }

            _unacknowledgedUpdates.Add(update.Uuid, update);
            subscribed = _subscribed;
        }

        if (!subscribed)
        {
            LogUpdateQueued(update.TaskId.Value, update.State);
            return update.Uuid;
        }

        try
        {
            await PostAsync(ExecutorCalls.Update(_executorId, _frameworkId, update), cancellationToken).ConfigureAwait(false);
            LogUpdateSent(update.TaskId.Value, update.State);
        }
        catch (MesosCallException e)
        {
            LogUpdateNotDelivered(update.TaskId.Value, update.State, e.Message);
        }

        return update.Uuid;
    }

    /// <summary>Sends a framework message to the scheduler. Best effort: not kept, not retried.</summary>
    /// <exception cref="MesosCallException">The agent refused it or could not be reached.</exception>
    public Task SendMessageAsync(ByteString data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return PostAsync(ExecutorCalls.Message(_executorId, _frameworkId, data), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        _http.Dispose();
        _lifetime.Dispose();
    }

    private async Task<(HttpResponseMessage? Response, string? Failure, Exception? Error)> ConnectAsync(CancellationToken ct)
    {
        Call subscribe;
        lock (_lock)
        {
            subscribe = ExecutorCalls.Subscribe(_executorId, _frameworkId, _unacknowledgedTasks.Values, _unacknowledgedUpdates.Values);
        }

        LogSubscribing(_endpoint, subscribe.Subscribe.UnacknowledgedTasks.Count, subscribe.Subscribe.UnacknowledgedUpdates.Count);
        using var timeout = new CancellationTokenSource(_settings.CallTimeout, _settings.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        using var request = MesosHttp.CreatePost(_endpoint, subscribe, _authorization);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            return (null, $"no answer to SUBSCRIBE within {_settings.CallTimeout.TotalSeconds:0.###} s", e);
        }
        catch (HttpRequestException e)
        {
            return (null, $"cannot reach the agent: {e.Message}", e);
        }

        if (response.StatusCode == HttpStatusCode.OK)
        {
            return (response, null, null);
        }

        using (response)
        {
            string text = await MesosHttp.ReadErrorBodyAsync(response, ct).ConfigureAwait(false);
            var error = new MesosCallException($"SUBSCRIBE to {_endpoint} answered {(int)response.StatusCode} {response.StatusCode}: {text}", response.StatusCode, text, MesosHttp.IsTransient(response.StatusCode));
            return (null, error.Message, error);
        }
    }

    private async Task PostAsync(Call call, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_settings.CallTimeout, _settings.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, _lifetime.Token);
        using var request = MesosHttp.CreatePost(_endpoint, call, _authorization);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                string text = await MesosHttp.ReadErrorBodyAsync(response, linked.Token).ConfigureAwait(false);
                throw new MesosCallException($"{call.Type} was refused by {_endpoint}: {(int)response.StatusCode} {response.StatusCode}: {text}", response.StatusCode, text, MesosHttp.IsTransient(response.StatusCode));
            }
        }
        catch (HttpRequestException e)
        {
            throw new MesosCallException($"{call.Type} could not reach {_endpoint}: {e.Message}", null, null, isTransient: true, e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MesosCallException($"{call.Type} got no answer from {_endpoint} within {_settings.CallTimeout.TotalSeconds:0.###} s.", null, null, isTransient: true, e);
        }
    }

    private void OnSubscribed(Event.Types.Subscribed? subscribed)
    {
        var agentId = subscribed?.AgentInfo?.Id?.Clone();
        lock (_lock)
        {
            _agentId = agentId ?? _agentId;
            _subscribed = true;
        }

        LogSubscribed(_endpoint, agentId?.Value);
        SetState(new ExecutorConnectionState.Subscribed(agentId ?? new AgentID { Value = "" }, _endpoint));
    }

    private void Track(TaskInfo task)
    {
        lock (_lock)
        {
            _unacknowledgedTasks[task.TaskId?.Value ?? ""] = task.Clone();
        }
    }

    private void OnAcknowledged(Event.Types.Acknowledged ack)
    {
        lock (_lock)
        {
            if (_unacknowledgedUpdates.Remove(ack.Uuid, out var status))
            {
                // One acknowledged update is enough for the agent to know the task.
                _unacknowledgedTasks.Remove(status.TaskId.Value);
            }
            else if (ack.TaskId is { } taskId)
            {
                _unacknowledgedTasks.Remove(taskId.Value);
            }
        }

        LogAcknowledged(ack.TaskId?.Value);
    }

    private void SetState(ExecutorConnectionState state)
    {
        var previous = Interlocked.Exchange(ref _state, state);
        bool transition = previous is ExecutorConnectionState.Subscribed || state is ExecutorConnectionState.Subscribed
            || state is ExecutorConnectionState.Disconnected { WillResubscribe: false };
        if (!transition || _settings.StateHandler is not { } handler)
        {
            return;
        }

        try
        {
            handler(state);
        }
        catch (Exception e)
        {
            LogStateHandlerFailed(e);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
