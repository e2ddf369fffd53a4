using System.Net;
using Sluice.EndToEnd.World;
using Sluice.Executor.Handlers;
using Sluice.Testing.Kafka;
using Sluice.Testing.Network;
using Xunit.Abstractions;

namespace Sluice.Integration.Tests.Faults;

/// <summary>
/// The lease (DESIGN.md §3.3) end to end: the real scheduler advertises its control plane through a
/// <see cref="FaultProxy"/>; one executor's connection is cut for longer than its lease while the others stay
/// connected. It must pause its partitions and commit once; the scheduler may move them only after the lease
/// (plus its margin), from Kafka's committed offsets. The recording handler's output is the judge.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class ControlPlaneCutTests(KafkaFixture kafka, ITestOutputHelper output)
{
    private const int Partitions = 24;
    private const string Consumer = "payments";
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Cut = Lease + TimeSpan.FromSeconds(5);
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task An_executor_cut_off_past_its_lease_pauses_and_its_partitions_move_only_after_the_lease_with_nothing_lost_or_duplicated()
    {
        var topic = await kafka.CreateTopicAsync("cut", Partitions);
        await using var proxy = new FaultProxy();
        await using var world = await kafka.StartWorldAsync(output, new SluiceWorldOptions
        {
            SchedulerArgs = ["--lease-timeout", $"{Lease.TotalSeconds}s", "--control-plane-advertise", proxy.Address],
        });
        // The scheduler's own port is known once it runs; no executor has dialled the proxy yet.
        proxy.Target = new IPEndPoint(IPAddress.Loopback, world.Scheduler.ControlPlanePort);
        await using var load = new LoadProducer(kafka.BootstrapServers, topic, Partitions, recordsPerSecond: 400);
        try
        {
            await world.PutRecordingConsumerAsync(Consumer, topic, instances: 3);
            await world.WaitUntilServedByAsync(Consumer, 3, Partitions, StepTimeout);
            await Task.Delay(TimeSpan.FromSeconds(3)); // steady state: every task processing

            var owners = await world.OwnersAsync(Consumer);
            var victim = owners.Values.OfType<string>().Order(StringComparer.Ordinal).First();
            var cutOff = owners.Where(o => o.Value == victim).Select(o => o.Key).ToHashSet();
            var cutAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var aborted = proxy.Cut(victim);
            output.WriteLine($"{Now} cut {victim} ({aborted} connection(s)), which owns partitions {string.Join(',', cutOff.Order())}");
            Assert.True(aborted >= 1, "the victim was connected through the proxy");

            await Task.Delay(Cut);
            proxy.Restore();
            var restoredAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            output.WriteLine($"{Now} restored after {restoredAt - cutAt} ms");
            await world.WaitUntilServedByAsync(Consumer, 3, Partitions, StepTimeout);
            var finalOwners = await world.OwnersAsync(Consumer);

            var report = await world.StopAndReportAsync(load, StepTimeout);
            var processed = world.Processed();
            Timeline(world, victim, cutAt);
            output.WriteLine($"after the cut, partitions {string.Join(',', cutOff.Order())} are owned by: "
                + string.Join(", ", cutOff.Order().Select(p => $"{p}→{finalOwners[p]}")));

            Assert.Equal(0, report.Lost);
            Assert.Empty(report.Duplicates);
            // Nobody else touched the cut-off partitions before the lease had passed.
            var early = processed.Where(r => cutOff.Contains(r.Partition) && r.TaskId != victim && r.ProcessedAtUnixMs > cutAt && r.ProcessedAtUnixMs < cutAt + (long)Lease.TotalMilliseconds).ToList();
            Assert.Empty(early);
            Assert.All(cutOff, p => Assert.NotNull(finalOwners[p]));
            var overlaps = Overlaps(processed);
            Assert.True(overlaps.Count == 0, "processed by two tasks at overlapping times:\n" + string.Join('\n', overlaps.Take(10)));
            Assert.Empty(report.Interleavings);

            var firstElsewhere = processed.Where(r => cutOff.Contains(r.Partition) && r.TaskId != victim && r.ProcessedAtUnixMs > cutAt)
                .Select(r => r.ProcessedAtUnixMs).DefaultIfEmpty(-1).Min();
            var lastByVictim = processed.Where(r => cutOff.Contains(r.Partition) && r.TaskId == victim && r.ProcessedAtUnixMs < restoredAt)
                .Select(r => r.ProcessedAtUnixMs).DefaultIfEmpty(-1).Max();
            output.WriteLine($"victim's last record before the restore: cut + {lastByVictim - cutAt} ms; first record of its partitions elsewhere: "
                + (firstElsewhere < 0 ? "none (given back to it)" : $"cut + {firstElsewhere - cutAt} ms"));
            output.WriteLine($"longest per-partition gap {report.MaxGapMs} ms; {report}");
        }
        catch
        {
            world.DumpSchedulerLog(120);
            Timeline(world, "", 0);
            throw;
        }
    }

    private static string Now => DateTime.Now.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Per partition, the runs of one task in offset order: a run must end before the next task's run starts,
    /// or two tasks processed the partition at once.
    /// </summary>
    private static List<string> Overlaps(IReadOnlyList<ProcessedRecord> processed)
    {
        var overlaps = new List<string>();
        foreach (var partition in processed.GroupBy(r => r.Partition))
        {
            var runs = new List<(string Task, long First, long Last, long FromOffset)>();
            foreach (var record in partition.GroupBy(r => r.Offset).Select(g => g.MinBy(r => r.ProcessedAtUnixMs)).OrderBy(r => r.Offset))
            {
                if (runs.Count > 0 && runs[^1].Task == record.TaskId)
                {
                    runs[^1] = runs[^1] with { First = Math.Min(runs[^1].First, record.ProcessedAtUnixMs), Last = Math.Max(runs[^1].Last, record.ProcessedAtUnixMs) };
                }
                else
                {
                    runs.Add((record.TaskId, record.ProcessedAtUnixMs, record.ProcessedAtUnixMs, record.Offset));
                }
            }
            for (var i = 1; i < runs.Count; i++)
            {
                if (runs[i - 1].Last > runs[i].First)
                {
                    overlaps.Add($"partition {partition.Key}: {runs[i - 1].Task} until {runs[i - 1].Last}, {runs[i].Task} from offset {runs[i].FromOffset} at {runs[i].First}");
                }
            }
        }
        return overlaps;
    }

    /// <summary>What the victim's executor and the scheduler said about the lease and the moves, for the record.</summary>
    private void Timeline(SluiceWorld world, string victim, long cutAt)
    {
        output.WriteLine($"cut at {DateTimeOffset.FromUnixTimeMilliseconds(cutAt).ToLocalTime():HH:mm:ss.fff}");
        foreach (var file in Directory.EnumerateFiles(world.Directory, "stdout", SearchOption.AllDirectories))
        {
            var lines = File.ReadAllLines(file);
            if (lines.Any(l => l.Contains(victim, StringComparison.Ordinal)))
            {
                foreach (var line in lines.Where(l => l.Contains("[Lease]", StringComparison.Ordinal) || l.Contains("[ControlPlane]", StringComparison.Ordinal) || l.Contains("[Kill]", StringComparison.Ordinal)))
                {
                    output.WriteLine("victim| " + line);
                }
            }
        }
        foreach (var line in world.Scheduler.Output.Where(l => l.Contains(victim, StringComparison.Ordinal) || l.Contains("[Handover] batch", StringComparison.Ordinal) || l.Contains("lease", StringComparison.Ordinal)))
        {
            output.WriteLine("scheduler| " + line);
        }
    }
}
