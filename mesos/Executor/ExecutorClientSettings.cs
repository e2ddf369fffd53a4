using Microsoft.Extensions.Logging;

namespace Sluice.Mesos.Executor;

/// <summary>Everything a <see cref="MesosExecutorClient"/> was built with.</summary>
internal sealed record ExecutorClientSettings(
    ExecutorEnvironment Environment,
    TimeSpan InitialBackoff,
    TimeSpan CallTimeout,
    int MaxEventLength,
    TimeProvider TimeProvider,
    Random Random,
    ILoggerFactory LoggerFactory,
    HttpMessageHandler? HttpHandler,
    bool DisposeHttpHandler,
    Action<ExecutorConnectionState>? StateHandler);
