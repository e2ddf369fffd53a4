using System.Globalization;
using Sluice.Cli.Api;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Sluice.Cli.Rendering;

/// <summary>
/// <c>sluice status</c>: the consumer's line, its tasks, a partition summary (count and lag per owner task and
/// version, total lag) and, with <c>--partitions</c>, every partition.
/// </summary>
internal static class StatusView
{
    public static IRenderable Render(ConsumerStatus s, bool allPartitions)
    {
        var versionOf = s.Tasks.ToDictionary(t => t.TaskId, t => t.Version, StringComparer.Ordinal);
        var parts = new List<IRenderable>
        {
            new Text(Invariant($"consumer {s.Name}: topics {string.Join(", ", s.Topics)}, version {s.ActiveVersion}, {s.RunningTasks}/{s.DesiredInstances} task(s) running\n")),
            Tasks(s.Tasks),
            new Text(""),
            Summary(s.Partitions, versionOf),
        };
        if (allPartitions && s.Partitions.Count > 0)
        {
            parts.Add(new Text(""));
            parts.Add(Partitions(s.Partitions, versionOf));
        }
        var active = s.Operations.Where(o => !o.IsFinished).ToList();
        if (active.Count > 0)
        {
            parts.Add(new Text(""));
            parts.Add(new Text(string.Join("\n", active.Select(o => ApiProblem.Clean($"operation {o.Id}: {o.Kind} to {o.Instances} is {o.Status}")))));
        }
        return new Rows(parts);
    }

    private static IRenderable Tasks(IReadOnlyList<ConsumerTaskStatus> tasks)
    {
        if (tasks.Count == 0)
        {
            return new Text("No tasks.");
        }
        var table = Tables.Create("TASK", "VERSION", "AGENT", "MESOS", "CONTROL PLANE", "CONNECTED");
        foreach (var t in tasks)
        {
            table.Row(t.TaskId, t.Version, t.AgentId, t.MesosState, t.ControlPlaneState, t.Connected ? "yes" : "no");
        }
        return table;
    }

    /// <summary>Partitions and lag per owner; total lag over the partitions that report one.</summary>
    private static IRenderable Summary(IReadOnlyList<PartitionStatus> partitions, IReadOnlyDictionary<string, string> versionOf)
    {
        if (partitions.Count == 0)
        {
            return new Text("No partitions assigned yet.");
        }
        var table = Tables.Create("OWNER", "VERSION", "PARTITIONS", "LAG");
        var groups = partitions
            .GroupBy(p => p.Owner ?? "")
            .OrderBy(g => g.Key.Length == 0 ? 1 : 0).ThenBy(g => VersionOf(g.Key, versionOf), StringComparer.Ordinal).ThenBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in groups)
        {
            table.Row(group.Key.Length == 0 ? "(none)" : group.Key, VersionOf(group.Key, versionOf), Invariant($"{group.Count()}"), Lag(group));
        }
        var known = partitions.Count(p => p.Lag is not null);
        var total = Invariant($"total lag {partitions.Sum(p => p.Lag ?? 0):N0} over {partitions.Count} partition(s)");
        if (known < partitions.Count)
        {
            total += Invariant($" ({partitions.Count - known} without a reading)");
        }
        var byVersion = partitions.GroupBy(p => p.Owner is null ? null : VersionOf(p.Owner, versionOf))
            .OrderBy(g => g.Key is null ? 1 : 0).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Invariant($"{g.Key ?? "unowned"}: {g.Count()}"));
        return new Rows(table, new Text(""), new Text($"partitions per version: {string.Join(", ", byVersion)}"), new Text(total));
    }

    private static IRenderable Partitions(IReadOnlyList<PartitionStatus> partitions, IReadOnlyDictionary<string, string> versionOf)
    {
        var table = Tables.Create("TOPIC", "PARTITION", "OWNER", "VERSION", "EPOCH", "STATE", "START", "COMMITTED", "LAG");
        foreach (var p in partitions)
        {
            table.Row(p.Topic, Invariant($"{p.Partition}"), p.Owner, VersionOf(p.Owner ?? "", versionOf), Invariant($"{p.Epoch}"), p.State,
                Invariant($"{p.StartOffset}"), Invariant($"{p.CommittedOffset}"), Invariant($"{p.Lag}"));
        }
        return table;
    }

    private static string VersionOf(string owner, IReadOnlyDictionary<string, string> versionOf) =>
        owner.Length == 0 ? "-" : versionOf.TryGetValue(owner, out var version) ? version : "?";

    private static string Lag(IEnumerable<PartitionStatus> partitions)
    {
        var lags = partitions.Select(p => p.Lag).ToList();
        return lags.All(l => l is null) ? "-" : Invariant($"{lags.Sum(l => l ?? 0):N0}");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
