using System.Text.Json;
using System.Text.RegularExpressions;
using Prometheus;
using Sluice.Scheduler.ControlPlane;
using Sluice.Scheduler.Engine;
using Sluice.Scheduler.Handover;
using Sluice.Scheduler.Planning;
using Sluice.Scheduler.State.Model;
using Sluice.Testing;

namespace Sluice.Scheduler.Tests.Deploy;

public sealed partial class GrafanaDashboardTests
{
    [Fact]
    public async Task Every_metric_the_dashboard_charts_is_one_the_scheduler_exports()
    {
        var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(RepositoryRoot.Combine("deploy", "grafana", "sluice-scheduler.json")));
        var expressions = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)
            .ToList();
        Assert.NotEmpty(expressions);

        var metrics = new SchedulerMetrics();
        metrics.Subscribed(true);
        metrics.Offer("accepted");
        metrics.Launched("orders");
        metrics.StatusUpdate(MesosTaskState.Running);
        metrics.Handover("orders", new HandoverOutcome(new PartitionKey("t", 0), "a", "b", 2, 10, true, TimeSpan.FromMilliseconds(12)));
        metrics.HandoverFailed("orders");
        metrics.Observe("orders", [], 24, new ExecutorRegistry());
        using var text = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(text);
        var exported = System.Text.Encoding.UTF8.GetString(text.ToArray());

        foreach (var name in expressions.SelectMany(e => MetricName().Matches(e)).Select(m => m.Value).Distinct())
        {
            Assert.True(exported.Contains("\n" + name, StringComparison.Ordinal) || exported.StartsWith(name, StringComparison.Ordinal),
                $"the dashboard charts '{name}', which the scheduler does not export");
        }
    }

    [GeneratedRegex(@"sluice_[a-z_]+")]
    private static partial Regex MetricName();
}
