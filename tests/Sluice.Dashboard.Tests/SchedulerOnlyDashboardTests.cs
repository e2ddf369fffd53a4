using Sluice.Dashboard.Tests.Browser;
using Sluice.Dashboard.Tests.World;
using Xunit.Abstractions;

namespace Sluice.Dashboard.Tests;

/// <summary>The dashboard scenarios against the real scheduler process alone (no Mesos, no Kafka).</summary>
[Collection(BrowserCollection.Name)]
public sealed class SchedulerOnlyDashboardTests(SchedulerOnlyWorld world, ChromiumFixture chromium, ITestOutputHelper output)
    : DashboardScenario(world, chromium, output), IClassFixture<SchedulerOnlyWorld>;
