using Sluice.EndToEnd.World;

namespace Sluice.EndToEnd.Chaos;

/// <summary>The framework id a scheduler subscribed as, from its log line <c>[Mesos] subscribed as framework ID</c>.</summary>
internal static class FrameworkIds
{
    private const string Subscribed = "[Mesos] subscribed as framework ";

    public static string SubscribedAs(SchedulerProcess scheduler)
    {
        var line = scheduler.Output.LastOrDefault(l => l.Contains(Subscribed, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{scheduler.Name} never subscribed to Mesos");
        return line[(line.LastIndexOf(' ') + 1)..];
    }

    /// <summary>Adds a violation unless <paramref name="scheduler"/> (re)subscribed with <paramref name="expected"/>.</summary>
    public static void Check(SchedulerProcess scheduler, string expected, List<string> violations)
    {
        var lines = scheduler.Output.Where(l => l.Contains(Subscribed, StringComparison.Ordinal)).ToList();
        if (!lines.Any(l => l.EndsWith(" " + expected, StringComparison.Ordinal)))
        {
            violations.Add($"{scheduler.Name} did not subscribe as framework {expected}: {string.Join(" | ", lines.TakeLast(3))}");
        }
    }
}
