using System.Net;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Sluice.Mesos.Http;
using Sluice.Mesos.RecordIO;
using Sluice.Proto.Mesos.V1;
using Sluice.Proto.Mesos.V1.Scheduler;

namespace Sluice.Mesos.Scheduler;

/// <summary>
/// The Mesos HTTP v1 scheduler API: one SUBSCRIBE stream of events, kept alive across master
/// failovers and network trouble, and calls sent on the current subscription.
/// </summary>
/// <remarks>
/// <para>Built by <see cref="MesosSchedulerClientBuilder"/>; immutable afterwards. Thread-safe:
/// <see cref="CallAsync"/> may be called from any thread while one consumer iterates
/// <see cref="SubscribeAsync"/>.</para>
/// <para>The subscription loop: ask the detector for a master → SUBSCRIBE (protobuf, streamed) →
/// follow a 307 to the leader → read events, each one re-arming the heartbeat watchdog → on a
/// broken, silent, or malformed stream, report Disconnected and re-subscribe with the same
/// framework ID after an exponential backoff with jitter. 503 and connection failures are
/// retried the same way.</para>
/// </remarks>
public sealed partial class MesosSchedulerClient : IMesosCaller, IAsyncDisposable
{
    private const string SchedulerPath = "api/v1/scheduler";

    /// <summary>
    /// Longest heartbeat interval taken from SUBSCRIBED (Mesos' default is 15 s); a longer one is
    /// capped, a non-positive or non-finite one replaced by the assumed interval.
    /// </summary>
    public static readonly TimeSpan MaxHeartbeatInterval = TimeSpan.FromHours(1);

    private readonly SchedulerClientSettings _settings;
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _lifetime = new();
    private ActiveSubscription? _current;
    private SchedulerEventStream? _stream;
    private FrameworkID? _frameworkId;
    private SchedulerConnectionState _state = new SchedulerConnectionState.Disconnected("not subscribed yet", null, WillResubscribe: true);
    private int _subscribing;
    private int _disposed;

    internal MesosSchedulerClient(SchedulerClientSettings settings)
    {
        _settings = settings;
        _frameworkId = settings.FrameworkId;
        _logger = settings.LoggerFactory.CreateLogger<MesosSchedulerClient>();
        var handler = settings.HttpHandler ?? new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectTimeout = settings.CallTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            // A dropped event stream never ends: close its connection instead of draining it.
            MaxResponseDrainSize = 0,
        };
        _http = new HttpClient(handler, disposeHandler: settings.HttpHandler is null || settings.DisposeHttpHandler)
        {
            // The SUBSCRIBE stream lives forever; calls carry their own timeout.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _settings.Detector.LeaderChanged += OnLeaderChanged;
    }

    /// <summary>The current state; see <see cref="MesosSchedulerClientBuilder.OnConnectionStateChanged"/> to be told of changes.</summary>
    public SchedulerConnectionState State => Volatile.Read(ref _state);

    /// <summary>The framework ID: the one given to the builder, then the one the last SUBSCRIBED carried.</summary>
    public FrameworkID? FrameworkId => Volatile.Read(ref _frameworkId)?.Clone();

    /// <summary>
    /// Subscribes and yields every event the master sends, across re-subscriptions: each new
    /// subscription starts with its SUBSCRIBED event. Only one enumeration at a time.
    /// </summary>
    /// <remarks>
    /// The sequence ends after an ERROR event (Mesos ended the framework's subscription for good,
    /// e.g. a newer scheduler failed over to the same framework ID). It throws
    /// <see cref="MesosCallException"/> when the master refuses SUBSCRIBE in a way retrying cannot
    /// fix (4xx: bad framework info, bad credentials), and <see cref="OperationCanceledException"/>
    /// when <paramref name="cancellationToken"/> is cancelled or the client is disposed.
    /// </remarks>
    public async IAsyncEnumerable<Event> SubscribeAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _subscribing, 1) != 0)
        {
            throw new InvalidOperationException("SubscribeAsync is already being enumerated; a scheduler has one subscription.");
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        var ct = linked.Token;
        var backoff = new ExponentialBackoff(_settings.InitialBackoff, _settings.MaxBackoff, _settings.Random);
        Uri? redirectTarget = null;
        int redirects = 0;
        try
        {
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                var outcome = await ConnectAsync(redirectTarget, ct).ConfigureAwait(false);
                redirectTarget = null;
                if (outcome.Redirect is { } location)
                {
                    if (++redirects <= _settings.MaxRedirects)
                    {
                        redirectTarget = location;
                        continue;
                    }

                    outcome = ConnectOutcome.Failed(outcome.Endpoint, $"more than {_settings.MaxRedirects} redirects in a row (last to {location})", null);
                }

                redirects = 0;
                if (outcome.Stream is not { } stream)
                {
                    LogSubscribeFailed(outcome.Endpoint, outcome.Reason!, outcome.Error);
                    SetState(new SchedulerConnectionState.Disconnected(outcome.Reason!, outcome.Error, WillResubscribe: true));
                    await DelayAsync(backoff, ct).ConfigureAwait(false);
                    continue;
                }

                await using (stream.ConfigureAwait(false))
                {
                    Volatile.Write(ref _stream, stream);
                    stream.SetSilenceTimeout(_settings.DefaultHeartbeatInterval, _settings.MissedHeartbeats);
                    bool first = true;
                    while (true)
                    {
                        Event? next = null;
                        string? reason = null;
                        Exception? error = null;
                        try
                        {
                            next = await stream.ReadAsync().ConfigureAwait(false);
                            if (next is null)
                            {
                                reason = "the master closed the event stream";
                            }
                        }
                        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                        {
                            reason = stream.DropReason ?? "the event stream was cancelled";
                        }
                        catch (Exception e) when (e is RecordIOException or InvalidProtocolBufferException)
                        {
                            reason = e is RecordIOException ? "the master sent malformed RecordIO" : "the master sent a record that is not an Event";
                            error = e;
                            LogMalformedStream(stream.Endpoint, reason, e);
                        }
                        catch (Exception e) when (e is IOException or HttpRequestException)
                        {
                            reason = "the event stream broke";
                            error = e;
                        }

                        if (next is not null && first && next.Type is not (Event.Types.Type.Subscribed or Event.Types.Type.Error))
                        {
                            reason = $"the first event was {next.Type}, expected SUBSCRIBED";
                            LogMalformedStream(stream.Endpoint, reason, null);
                        }

                        if (reason is not null)
                        {
                            Volatile.Write(ref _current, null);
                            LogDisconnected(stream.Endpoint, reason, error);
                            SetState(new SchedulerConnectionState.Disconnected(reason, error, WillResubscribe: true));
                            break;
                        }

                        first = false;
                        switch (next!.Type)
                        {
                            case Event.Types.Type.Subscribed:
                                OnSubscribed(stream, next.Subscribed);
                                backoff.Reset();
                                break;

                            case Event.Types.Type.Error:
                                string message = next.Error?.Message ?? "(no message)";
                                Volatile.Write(ref _current, null);
                                LogFrameworkError(stream.Endpoint, message);
                                SetState(new SchedulerConnectionState.Disconnected($"Mesos sent ERROR: {message}", null, WillResubscribe: false));
                                yield return next;
                                yield break;

                            case Event.Types.Type.Heartbeat:
                                LogHeartbeat(stream.Endpoint);
                                break;
                        }

                        yield return next;
                    }
                }

                Volatile.Write(ref _stream, null);
                await DelayAsync(backoff, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            Volatile.Write(ref _current, null);
            Volatile.Write(ref _stream, null);
            if (State is not SchedulerConnectionState.Disconnected { WillResubscribe: false })
            {
                SetState(new SchedulerConnectionState.Disconnected("the subscription was stopped", null, WillResubscribe: false));
            }

            Interlocked.Exchange(ref _subscribing, 0);
        }
    }

    /// <summary>
    /// Sends <paramref name="call"/> on the current subscription: with its <c>Mesos-Stream-Id</c>,
    /// and with its framework ID when the call has none.
    /// </summary>
    /// <remarks>
    /// 503 answers and connection failures are retried (up to the configured attempts, with
    /// backoff) while the subscription stays the same. Calls made before SUBSCRIBED, or while
    /// re-subscribing, fail at once with a transient <see cref="MesosCallException"/>: after the
    /// next SUBSCRIBED the scheduler reconciles and decides again (offers do not survive it).
    /// </remarks>
    public async Task CallAsync(Call call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (call.Type == Call.Types.Type.Subscribe)
        {
            throw new ArgumentException("SUBSCRIBE is sent by SubscribeAsync, not as a call.", nameof(call));
        }

        var backoff = new ExponentialBackoff(_settings.InitialBackoff, _settings.MaxBackoff, _settings.Random);
        for (int attempt = 1; ; attempt++)
        {
            var subscription = Volatile.Read(ref _current)
                ?? throw new MesosCallException($"Cannot send {call.Type}: not subscribed to a Mesos master (calls wait for SUBSCRIBED).", null, null, isTransient: true);
            var toSend = call.FrameworkId is null ? call.WithFrameworkId(subscription.FrameworkId) : call;
            using var request = MesosHttp.CreatePost(subscription.Endpoint, toSend, _settings.Authorization);
            request.Headers.TryAddWithoutValidation(MesosHttp.StreamIdHeader, subscription.StreamId);
            using var timeout = new CancellationTokenSource(_settings.CallTimeout, _settings.TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);

            MesosCallException failure;
            try
            {
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    LogCallAccepted(call.Type, subscription.Endpoint);
                    return;
                }

                string body = await MesosHttp.ReadErrorBodyAsync(response, linked.Token).ConfigureAwait(false);
                failure = CallFailure(call.Type, subscription.Endpoint, response, body);
                if (!MesosHttp.IsTransient(response.StatusCode))
                {
                    throw failure;
                }
            }
            catch (HttpRequestException e)
            {
                failure = new MesosCallException($"{call.Type} could not reach {subscription.Endpoint}: {e.Message}", null, null, isTransient: true, e);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                failure = new MesosCallException($"{call.Type} got no answer from {subscription.Endpoint} within {_settings.CallTimeout.TotalSeconds:0.###} s.", null, null, isTransient: true, e);
            }

            if (attempt >= _settings.CallAttempts || !ReferenceEquals(Volatile.Read(ref _current), subscription))
            {
                throw failure;
            }

            LogCallRetry(call.Type, attempt, failure.Message);
            await DelayAsync(backoff, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _settings.Detector.LeaderChanged -= OnLeaderChanged;
        await _lifetime.CancelAsync().ConfigureAwait(false);
        _http.Dispose();
        _lifetime.Dispose();
    }

    private MesosCallException CallFailure(Call.Types.Type type, Uri endpoint, HttpResponseMessage response, string body)
    {
        var status = response.StatusCode;
        return status switch
        {
            HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect or HttpStatusCode.Redirect =>
                new MesosCallException($"{type}: {endpoint} is no longer the leading master (redirects to {MesosHttp.ResolveRedirect(endpoint, response)}); the subscription moves there.", status, body, isTransient: true),
            HttpStatusCode.Forbidden =>
                new MesosCallException($"{type}: the master does not consider the framework subscribed (403: {body}); wait for the next SUBSCRIBED.", status, body, isTransient: true),
            _ => new MesosCallException($"{type} was refused by {endpoint}: {(int)status} {status}: {body}", status, body, MesosHttp.IsTransient(status)),
        };
    }

    private async Task<ConnectOutcome> ConnectAsync(Uri? redirectTarget, CancellationToken ct)
    {
        Uri endpoint;
        try
        {
            endpoint = redirectTarget ?? MesosHttp.Endpoint(await _settings.Detector.GetLeaderAsync(ct).ConfigureAwait(false), SchedulerPath);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return ConnectOutcome.Failed(null, "the master detector failed", e);
        }

        var frameworkId = Volatile.Read(ref _frameworkId);
        var call = frameworkId is null
            ? SchedulerCalls.Subscribe(_settings.FrameworkInfo, _settings.SuppressedRoles)
            : SchedulerCalls.Resubscribe(_settings.FrameworkInfo, frameworkId, _settings.SuppressedRoles);
        LogSubscribing(endpoint, frameworkId?.Value);

        HttpResponseMessage response;
        using (var timeout = new CancellationTokenSource(_settings.CallTimeout, _settings.TimeProvider))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token))
        using (var request = MesosHttp.CreatePost(endpoint, call, _settings.Authorization))
        {
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
            {
                return ConnectOutcome.Failed(endpoint, $"no answer to SUBSCRIBE within {_settings.CallTimeout.TotalSeconds:0.###} s", e);
            }
            catch (HttpRequestException e)
            {
                return ConnectOutcome.Failed(endpoint, $"cannot reach the master: {e.Message}", e);
            }
        }

        var status = response.StatusCode;
        if (status == HttpStatusCode.OK)
        {
            string? streamId = response.Headers.TryGetValues(MesosHttp.StreamIdHeader, out var values) ? values.FirstOrDefault() : null;
            string? mediaType = response.Content.Headers.ContentType?.MediaType;
            string? problem = string.IsNullOrEmpty(streamId) ? $"the SUBSCRIBE answer has no {MesosHttp.StreamIdHeader} header"
                : mediaType is not null && mediaType != MesosHttp.ProtobufMediaType ? $"the SUBSCRIBE answer is {mediaType}, not {MesosHttp.ProtobufMediaType}"
                : null;
            if (problem is not null)
            {
                response.Dispose();
                return ConnectOutcome.Failed(endpoint, problem, null);
            }

            try
            {
                var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
                return ConnectOutcome.Connected(endpoint, new SchedulerEventStream(endpoint, streamId!, response, body, _settings.MaxEventLength, _settings.TimeProvider, ct));
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                response.Dispose();
                return ConnectOutcome.Failed(endpoint, $"the event stream broke at once: {e.Message}", e);
            }
        }

        using (response)
        {
            if (status is HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect or HttpStatusCode.Redirect or HttpStatusCode.MovedPermanently)
            {
                if (MesosHttp.ResolveRedirect(endpoint, response) is { } location)
                {
                    LogRedirected(endpoint, location);
                    return ConnectOutcome.Redirected(endpoint, location);
                }

                return ConnectOutcome.Failed(endpoint, $"{(int)status} redirect without a usable Location header", null);
            }

            string text = await MesosHttp.ReadErrorBodyAsync(response, ct).ConfigureAwait(false);
            var error = new MesosCallException($"SUBSCRIBE to {endpoint} answered {(int)status} {status}: {text}", status, text, MesosHttp.IsTransient(status));
            if (error.IsTransient)
            {
                return ConnectOutcome.Failed(endpoint, error.Message, error);
            }

            LogSubscribeRefused(endpoint, (int)status, text);
            SetState(new SchedulerConnectionState.Disconnected(error.Message, error, WillResubscribe: false));
            throw error;
        }
    }

    private void OnSubscribed(SchedulerEventStream stream, Event.Types.Subscribed? subscribed)
    {
        if (subscribed?.FrameworkId is not { } frameworkId)
        {
            // Required by the protocol; without it no call could be sent.
            stream.Drop("SUBSCRIBED without framework_id");
            return;
        }

        var interval = _settings.DefaultHeartbeatInterval;
        if (subscribed.HasHeartbeatIntervalSeconds)
        {
            double seconds = subscribed.HeartbeatIntervalSeconds;
            if (double.IsFinite(seconds) && seconds > 0)
            {
                // A master announcing days between heartbeats is wrong, not patient: cap it.
                interval = TimeSpan.FromSeconds(Math.Min(seconds, MaxHeartbeatInterval.TotalSeconds));
            }
            else
            {
                LogHeartbeatIntervalIgnored(stream.Endpoint, seconds, _settings.DefaultHeartbeatInterval.TotalSeconds);
            }
        }

        stream.SetSilenceTimeout(interval, _settings.MissedHeartbeats);
        Volatile.Write(ref _frameworkId, frameworkId.Clone());
        Volatile.Write(ref _current, new ActiveSubscription(stream.Endpoint, stream.StreamId, frameworkId.Clone()));
        LogSubscribed(frameworkId.Value, stream.Endpoint, stream.StreamId, interval.TotalSeconds);
        SetState(new SchedulerConnectionState.Subscribed(frameworkId.Clone(), stream.Endpoint, stream.StreamId, interval, subscribed.MasterInfo?.Clone()));
    }

    private void SetState(SchedulerConnectionState state)
    {
        var previous = Interlocked.Exchange(ref _state, state);
        bool transition = previous is SchedulerConnectionState.Subscribed || state is SchedulerConnectionState.Subscribed
            || state is SchedulerConnectionState.Disconnected { WillResubscribe: false };
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

    private async Task DelayAsync(ExponentialBackoff backoff, CancellationToken ct)
    {
        var delay = backoff.Next();
        LogBackingOff(delay.TotalMilliseconds, backoff.Attempt);
        await Task.Delay(delay, _settings.TimeProvider, ct).ConfigureAwait(false);
    }

    private void OnLeaderChanged(object? sender, Uri? leader)
    {
        if (Volatile.Read(ref _stream) is not { } stream)
        {
            return;
        }

        if (leader is null || !string.Equals(leader.Authority, stream.Endpoint.Authority, StringComparison.OrdinalIgnoreCase))
        {
            stream.Drop($"the master detector reports a new leader ({leader?.ToString() ?? "none"})");
        }
    }

    private sealed record ActiveSubscription(Uri Endpoint, string StreamId, FrameworkID FrameworkId);

    private readonly record struct ConnectOutcome(Uri? Endpoint, SchedulerEventStream? Stream, Uri? Redirect, string? Reason, Exception? Error)
    {
        public static ConnectOutcome Connected(Uri endpoint, SchedulerEventStream stream) => new(endpoint, stream, null, null, null);

        public static ConnectOutcome Redirected(Uri endpoint, Uri location) => new(endpoint, null, location, null, null);

        public static ConnectOutcome Failed(Uri? endpoint, string reason, Exception? error) => new(endpoint, null, null, reason, error);
    }
}
