using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Sluice.Mesos.Detection;
using Sluice.Proto.Mesos.V1;

namespace Sluice.Mesos.Scheduler;

/// <summary>Everything a <see cref="MesosSchedulerClient"/> was built with; frozen by the builder.</summary>
internal sealed record SchedulerClientSettings(
    FrameworkInfo FrameworkInfo,
    IReadOnlyList<string> SuppressedRoles,
    FrameworkID? FrameworkId,
    IMasterDetector Detector,
    AuthenticationHeaderValue? Authorization,
    TimeSpan InitialBackoff,
    TimeSpan MaxBackoff,
    int MissedHeartbeats,
    TimeSpan DefaultHeartbeatInterval,
    TimeSpan CallTimeout,
    int CallAttempts,
    int MaxRedirects,
    int MaxEventLength,
    TimeProvider TimeProvider,
    Random Random,
    ILoggerFactory LoggerFactory,
    HttpMessageHandler? HttpHandler,
    bool DisposeHttpHandler,
    Action<SchedulerConnectionState>? StateHandler);
