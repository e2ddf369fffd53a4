using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Mesos.RecordIO;

namespace Sluice.Mesos.Executor;

/// <summary>
/// Configures a <see cref="MesosExecutorClient"/>. Each method returns the same builder so calls
/// can be chained; <see cref="Build"/> freezes the settings into an immutable client.
/// </summary>
public sealed class MesosExecutorClientBuilder
{
    /// <summary>Default first re-subscription delay (later ones double, up to the agent's MESOS_SUBSCRIPTION_BACKOFF_MAX).</summary>
    public static readonly TimeSpan DefaultInitialBackoff = TimeSpan.FromMilliseconds(250);

    /// <summary>Default time allowed for one call (and SUBSCRIBE's response headers).</summary>
    public static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromSeconds(30);

    private readonly ExecutorEnvironment _environment;
    private TimeSpan _initialBackoff = DefaultInitialBackoff;
    private TimeSpan _callTimeout = DefaultCallTimeout;
    private TimeProvider _timeProvider = TimeProvider.System;
    private Random _random = Random.Shared;
    private ILoggerFactory _loggerFactory = NullLoggerFactory.Instance;
    private HttpMessageHandler? _httpHandler;
    private bool _disposeHttpHandler;
    private Action<ExecutorConnectionState>? _stateHandler;

    /// <param name="environment">What the agent said (<see cref="ExecutorEnvironment.FromEnvironment()"/>).</param>
    public MesosExecutorClientBuilder(ExecutorEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        _environment = environment;
    }

    public MesosExecutorClientBuilder WithInitialBackoff(TimeSpan initial)
    {
        _initialBackoff = initial;
        return this;
    }

    public MesosExecutorClientBuilder WithCallTimeout(TimeSpan timeout)
    {
        _callTimeout = timeout;
        return this;
    }

    /// <summary>Clock for backoff, the recovery timeout and status timestamps.</summary>
    public MesosExecutorClientBuilder UseTimeProvider(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        return this;
    }

    public MesosExecutorClientBuilder UseRandom(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        _random = random;
        return this;
    }

    public MesosExecutorClientBuilder UseLoggerFactory(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _loggerFactory = loggerFactory;
        return this;
    }

    public MesosExecutorClientBuilder UseHttpMessageHandler(HttpMessageHandler handler, bool disposeHandler = false)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _httpHandler = handler;
        _disposeHttpHandler = disposeHandler;
        return this;
    }

    /// <summary>Called on each transition between Subscribed and Disconnected.</summary>
    /// <remarks>
    /// Runs synchronously on the thread iterating <see cref="MesosExecutorClient.SubscribeAsync"/>,
    /// in stream order. It must not block; exceptions it throws are logged and swallowed.
    /// </remarks>
    /// <exception cref="InvalidOperationException">A handler was set already.</exception>
    public MesosExecutorClientBuilder OnConnectionStateChanged(Action<ExecutorConnectionState> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (_stateHandler is not null)
        {
            throw new InvalidOperationException("The connection state handler may only be set once.");
        }

        _stateHandler = handler;
        return this;
    }

    /// <exception cref="InvalidOperationException">A setting is out of range; the message names it.</exception>
    public MesosExecutorClient Build()
    {
        if (_initialBackoff <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"Invalid Mesos executor client settings: the initial backoff must be positive (got {_initialBackoff}).");
        }

        if (_callTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"Invalid Mesos executor client settings: the call timeout must be positive (got {_callTimeout}).");
        }

        return new MesosExecutorClient(new ExecutorClientSettings(
            _environment,
            // The agent's maximum bounds every wait; a smaller first wait still doubles up to it.
            TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, Math.Min(_initialBackoff.Ticks, _environment.SubscriptionBackoffMax.Ticks))),
            _callTimeout,
            RecordIOReader.DefaultMaxRecordLength,
            _timeProvider,
            _random,
            _loggerFactory,
            _httpHandler,
            _disposeHttpHandler,
            _stateHandler));
    }
}
