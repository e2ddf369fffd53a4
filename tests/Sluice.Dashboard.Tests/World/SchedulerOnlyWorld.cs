using System.Net.Http.Headers;

namespace Sluice.Dashboard.Tests.World;

/// <summary>
/// The real scheduler process alone: a file state store, a Mesos master address where nothing listens and a Kafka
/// address that refuses. Consumers, scaling, operations and events work; no task ever runs and no partition is owned.
/// </summary>
public sealed class SchedulerOnlyWorld : IDashboardWorld, IAsyncLifetime
{
    private DashboardScheduler? _scheduler;
    private HttpClient? _api;

    public Uri Scheduler => Started.Rest;

    public string ApiToken { get; } = "dashboard-" + Guid.NewGuid().ToString("N")[..12];

    public HttpClient Api => _api ?? throw new InvalidOperationException("The world is not started.");

    private DashboardScheduler Started => _scheduler ?? throw new InvalidOperationException("The world is not started.");

    public async Task InitializeAsync()
    {
        _scheduler = await DashboardScheduler.StartAsync(ApiToken);
        _api = new HttpClient { BaseAddress = _scheduler.Rest, Timeout = TimeSpan.FromSeconds(10) };
        _api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiToken);
    }

    public string Diagnostics() => _scheduler is null ? "(scheduler not started)" : "scheduler output:" + Environment.NewLine + _scheduler.Output;

    public async Task DisposeAsync()
    {
        _api?.Dispose();
        if (_scheduler is not null)
        {
            await _scheduler.DisposeAsync();
        }
    }
}
