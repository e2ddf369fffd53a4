namespace Sluice.Dashboard.Tests.World;

/// <summary>
/// What the dashboard tests run against: a scheduler serving the dashboard and its REST API. The scenarios
/// (<see cref="DashboardScenario"/>) only talk to it through this, so a richer world (the local Mesos world, where
/// tasks run and partitions move) can take the place of <see cref="SchedulerOnlyWorld"/> without changing them.
/// </summary>
public interface IDashboardWorld
{
    /// <summary>The scheduler's REST address, where the dashboard is served at <c>/</c>.</summary>
    Uri Scheduler { get; }

    /// <summary>The scheduler's <c>--api-token</c>.</summary>
    string ApiToken { get; }

    /// <summary>A client of the REST API at <see cref="Scheduler"/> that sends the token.</summary>
    HttpClient Api { get; }

    /// <summary>The world's recent logs, for a failing test's message.</summary>
    string Diagnostics();
}
