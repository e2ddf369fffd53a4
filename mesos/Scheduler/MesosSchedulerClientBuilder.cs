using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Mesos.Detection;
using Sluice.Mesos.Http;
using Sluice.Mesos.RecordIO;
using Sluice.Proto.Mesos.V1;

namespace Sluice.Mesos.Scheduler;

/// <summary>
/// Configures a <see cref="MesosSchedulerClient"/>. Every <c>UseXxx</c>/<c>WithXxx</c> method
/// returns the same builder so calls can be chained; <see cref="Build"/> validates the settings
/// and freezes them into an immutable client.
/// </summary>
public sealed class MesosSchedulerClientBuilder
{
    /// <summary>Default of <see cref="WithBackoff"/>: first retry after 0.25–0.5 s.</summary>
    public static readonly TimeSpan DefaultInitialBackoff = TimeSpan.FromMilliseconds(500);

    /// <summary>Default of <see cref="WithBackoff"/>: retries at most every 15 s (MESOS.md §1).</summary>
    public static readonly TimeSpan DefaultMaxBackoff = TimeSpan.FromSeconds(15);

    /// <summary>Default of <see cref="WithHeartbeatTimeout"/>: 3 missed heartbeats drop the connection.</summary>
    public const int DefaultMissedHeartbeats = 3;

    /// <summary>Heartbeat interval assumed until SUBSCRIBED says otherwise (Mesos' default).</summary>
    public static readonly TimeSpan DefaultHeartbeatInterval = TimeSpan.FromSeconds(15);

    /// <summary>Default of <see cref="WithCallTimeout"/>.</summary>
    public static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromSeconds(75);

    /// <summary>Default of <see cref="WithCallAttempts"/>.</summary>
    public const int DefaultCallAttempts = 3;

    /// <summary>Redirects followed in a row before backing off and asking the detector again.</summary>
    public const int DefaultMaxRedirects = 5;

    private readonly FrameworkInfo _frameworkInfo;
    private IReadOnlyList<string> _suppressedRoles = [];
    private FrameworkID? _frameworkId;
    private IMasterDetector? _detector;
    private AuthenticationHeaderValue? _authorization;
    private TimeSpan _initialBackoff = DefaultInitialBackoff;
    private TimeSpan _maxBackoff = DefaultMaxBackoff;
    private int _missedHeartbeats = DefaultMissedHeartbeats;
    private TimeSpan _defaultHeartbeatInterval = DefaultHeartbeatInterval;
    private TimeSpan _callTimeout = DefaultCallTimeout;
    private int _callAttempts = DefaultCallAttempts;
    private int _maxRedirects = DefaultMaxRedirects;
    private int _maxEventLength = RecordIOReader.DefaultMaxRecordLength;
    private TimeProvider _timeProvider = TimeProvider.System;
    private Random _random = Random.Shared;
    private ILoggerFactory _loggerFactory = NullLoggerFactory.Instance;
    private HttpMessageHandler? _httpHandler;
    private bool _disposeHttpHandler;
    private Action<SchedulerConnectionState>? _stateHandler;

    /// <param name="frameworkInfo">
    /// What to subscribe as; <c>user</c> and <c>name</c> are required. It is copied. Its <c>id</c>,
    /// if set, is the framework ID to fail over to (same as <see cref="UseFrameworkId"/>).
    /// </param>
    public MesosSchedulerClientBuilder(FrameworkInfo frameworkInfo)
    {
        ArgumentNullException.ThrowIfNull(frameworkInfo);
        _frameworkInfo = frameworkInfo.Clone();
        _frameworkId = _frameworkInfo.Id?.Clone();
    }

    /// <summary>Masters as a fixed list of URLs, tried in turn (<see cref="StaticMasterDetector"/>).</summary>
    public MesosSchedulerClientBuilder UseMasters(params IEnumerable<Uri> masters) =>
        UseMasterDetector(new StaticMasterDetector(masters));

    /// <summary>Finds the leading master through <paramref name="detector"/> (e.g. ZooKeeper for <c>zk://</c> URLs).</summary>
    public MesosSchedulerClientBuilder UseMasterDetector(IMasterDetector detector)
    {
        ArgumentNullException.ThrowIfNull(detector);
        _detector = detector;
        return this;
    }

    /// <summary>
    /// Subscribes as an existing framework (failover): the saved ID goes into both
    /// <c>Call.framework_id</c> and <c>framework_info.id</c>. <see langword="null"/> registers a new framework.
    /// </summary>
    public MesosSchedulerClientBuilder UseFrameworkId(FrameworkID? frameworkId)
    {
        _frameworkId = frameworkId?.Clone();
        return this;
    }

    /// <summary>Roles to subscribe suppressed (no offers for them until REVIVE).</summary>
    public MesosSchedulerClientBuilder WithSuppressedRoles(params IEnumerable<string> roles)
    {
        _suppressedRoles = [.. roles];
        return this;
    }

    /// <summary>HTTP basic authentication with the framework's principal and secret, on every request.</summary>
    public MesosSchedulerClientBuilder UseBasicAuthentication(string principal, string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(principal);
        ArgumentNullException.ThrowIfNull(secret);
        _authorization = MesosHttp.BasicAuthorization(principal, secret);
        return this;
    }

    /// <summary>Delays between re-subscription attempts: exponential from <paramref name="initial"/> up to <paramref name="max"/>, with jitter.</summary>
    public MesosSchedulerClientBuilder WithBackoff(TimeSpan initial, TimeSpan max)
    {
        _initialBackoff = initial;
        _maxBackoff = max;
        return this;
    }

    /// <summary>
    /// Drop the stream and re-subscribe after <paramref name="missedHeartbeats"/> heartbeat
    /// intervals without any event; <paramref name="assumedInterval"/> applies until SUBSCRIBED
    /// announces the master's interval.
    /// </summary>
    public MesosSchedulerClientBuilder WithHeartbeatTimeout(int missedHeartbeats, TimeSpan? assumedInterval = null)
    {
        _missedHeartbeats = missedHeartbeats;
        _defaultHeartbeatInterval = assumedInterval ?? DefaultHeartbeatInterval;
        return this;
    }

    /// <summary>Time allowed for one call (and for SUBSCRIBE's response headers).</summary>
    public MesosSchedulerClientBuilder WithCallTimeout(TimeSpan timeout)
    {
        _callTimeout = timeout;
        return this;
    }

    /// <summary>How many times a call is tried when the master answers 503 or cannot be reached.</summary>
    public MesosSchedulerClientBuilder WithCallAttempts(int attempts)
    {
        _callAttempts = attempts;
        return this;
    }

    /// <summary>Redirects followed in a row before backing off.</summary>
    public MesosSchedulerClientBuilder WithMaxRedirects(int redirects)
    {
        _maxRedirects = redirects;
        return this;
    }

    /// <summary>Largest event accepted from the master, in bytes (default 16 MiB).</summary>
    public MesosSchedulerClientBuilder WithMaxEventLength(int bytes)
    {
        _maxEventLength = bytes;
        return this;
    }

    /// <summary>Clock for backoff delays and the heartbeat watchdog.</summary>
    public MesosSchedulerClientBuilder UseTimeProvider(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        return this;
    }

    /// <summary>Randomness of the backoff jitter (a seeded one makes tests repeatable).</summary>
    public MesosSchedulerClientBuilder UseRandom(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        _random = random;
        return this;
    }

    public MesosSchedulerClientBuilder UseLoggerFactory(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _loggerFactory = loggerFactory;
        return this;
    }

    /// <summary>
    /// Sends through <paramref name="handler"/> instead of a fresh <see cref="SocketsHttpHandler"/>.
    /// It must not follow redirects itself (the client follows Mesos' 307 and re-subscribes).
    /// </summary>
    public MesosSchedulerClientBuilder UseHttpMessageHandler(HttpMessageHandler handler, bool disposeHandler = false)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _httpHandler = handler;
        _disposeHttpHandler = disposeHandler;
        return this;
    }

    /// <summary>
    /// Called on every transition between <see cref="SchedulerConnectionState.Subscribed"/> and
    /// <see cref="SchedulerConnectionState.Disconnected"/>.
    /// </summary>
    /// <remarks>
    /// Runs synchronously on the thread that iterates <see cref="MesosSchedulerClient.SubscribeAsync"/>,
    /// in stream order: Subscribed before the SUBSCRIBED event is yielded, Disconnected before the
    /// next re-subscription starts. It must not block; exceptions it throws are logged and swallowed.
    /// </remarks>
    /// <exception cref="InvalidOperationException">A handler was set already.</exception>
    public MesosSchedulerClientBuilder OnConnectionStateChanged(Action<SchedulerConnectionState> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (_stateHandler is not null)
        {
            throw new InvalidOperationException("The connection state handler may only be set once.");
        }

        _stateHandler = handler;
        return this;
    }

    /// <exception cref="InvalidOperationException">A setting is missing or out of range; the message names it.</exception>
    public MesosSchedulerClient Build()
    {
        var problems = new List<string>();
        if (_detector is null)
        {
            problems.Add($"no Mesos master: call {nameof(UseMasters)} or {nameof(UseMasterDetector)}");
        }

        if (!_frameworkInfo.HasUser)
        {
            problems.Add("FrameworkInfo.user is required (\"\" runs tasks as the agent's user)");
        }

        if (string.IsNullOrEmpty(_frameworkInfo.Name))
        {
            problems.Add("FrameworkInfo.name is required");
        }

        if (_initialBackoff <= TimeSpan.Zero || _maxBackoff < _initialBackoff)
        {
            problems.Add($"backoff must satisfy 0 < initial <= max (initial {_initialBackoff}, max {_maxBackoff})");
        }

        if (_missedHeartbeats < 1)
        {
            problems.Add($"missed heartbeats must be at least 1 (got {_missedHeartbeats})");
        }

        if (_defaultHeartbeatInterval <= TimeSpan.Zero)
        {
            problems.Add($"the assumed heartbeat interval must be positive (got {_defaultHeartbeatInterval})");
        }

        if (_callTimeout <= TimeSpan.Zero)
        {
            problems.Add($"the call timeout must be positive (got {_callTimeout})");
        }

        if (_callAttempts < 1)
        {
            problems.Add($"call attempts must be at least 1 (got {_callAttempts})");
        }

        if (_maxRedirects < 1)
        {
            problems.Add($"max redirects must be at least 1 (got {_maxRedirects})");
        }

        if (_maxEventLength < 1)
        {
            problems.Add($"max event length must be positive (got {_maxEventLength})");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Invalid Mesos scheduler client settings: " + string.Join("; ", problems) + ".");
        }

        var frameworkInfo = _frameworkInfo.Clone();
        frameworkInfo.Id = null;
        return new MesosSchedulerClient(new SchedulerClientSettings(
            frameworkInfo,
            _suppressedRoles,
            _frameworkId?.Clone(),
            _detector!,
            _authorization,
            _initialBackoff,
            _maxBackoff,
            _missedHeartbeats,
            _defaultHeartbeatInterval,
            _callTimeout,
            _callAttempts,
            _maxRedirects,
            _maxEventLength,
            _timeProvider,
            _random,
            _loggerFactory,
            _httpHandler,
            _disposeHttpHandler,
            _stateHandler));
    }
}
