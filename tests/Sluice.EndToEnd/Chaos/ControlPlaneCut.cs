using System.Net;
using Sluice.EndToEnd.World;
using Sluice.Testing.Network;

namespace Sluice.EndToEnd.Chaos;

/// <summary>
/// 6. One executor's control-plane connection cut for longer than its lease (DESIGN.md §3.3), the others staying
/// connected: it pauses its partitions and commits once; the scheduler moves them only after the lease (plus its
/// margin), from Kafka's committed offsets, or gives them back when the executor returns first. The scheduler
/// advertises its control plane through a <see cref="FaultProxy"/> that cuts by task id. 0 lost, 0 duplicated.
/// </summary>
internal sealed class ControlPlaneCut : ChaosScenario
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);

    private readonly FaultProxy _proxy = new();
    private HashSet<int> _cutOff = [];
    private string _victim = "";
    private long _cutAt;

    public override int Number => 6;

    public override string Name => "control-plane-cut";

    public override string Fault => "one executor's control plane cut past its lease";

    protected override IReadOnlyList<string> SchedulerArgs =>
        ["--lease-timeout", $"{Lease.TotalSeconds}s", "--control-plane-advertise", _proxy.Address];

    protected override void WorldStarted(SluiceWorld world) =>
        _proxy.Target = new IPEndPoint(IPAddress.Loopback, world.Scheduler.ControlPlanePort);

    protected override async Task InjectAsync(ChaosRun run, CancellationToken cancellationToken)
    {
        var proxy = _proxy;
        var owners = await run.World.OwnersAsync(ChaosRun.Consumer);
        _victim = owners.Values.OfType<string>().Order(StringComparer.Ordinal).First();
        _cutOff = owners.Where(o => o.Value == _victim).Select(o => o.Key).ToHashSet();
        _cutAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var aborted = proxy.Cut(_victim);
        if (aborted < 1)
        {
            throw new InvalidOperationException($"{_victim} was not connected through the proxy");
        }
        run.Note($"cut {_victim}'s control plane (it owns partitions {string.Join(',', _cutOff.Order())}); lease {Lease.TotalSeconds:0} s");
        // The cut is the fault itself: it lasts its time whatever happens meanwhile.
        await Task.Delay(Lease + run.Settings.Outage / 2, cancellationToken);
        proxy.Restore();
        run.Note("control plane restored");
        await run.WaitUntilServedAsync();
        var final = await run.World.OwnersAsync(ChaosRun.Consumer);
        run.Note($"the cut partitions are owned by: {string.Join(", ", _cutOff.Order().Select(p => $"{p}→{final[p]}"))}");
    }

    protected override ValueTask CleanUpAsync() => _proxy.DisposeAsync();

    protected override async Task JudgeAsync(ChaosRun run, ProcessingReport report, List<string> violations, CancellationToken cancellationToken)
    {
        await base.JudgeAsync(run, report, violations, cancellationToken);
        var processed = run.World.Processed();
        var early = processed.Where(r => _cutOff.Contains(r.Partition) && r.TaskId != _victim
            && r.ProcessedAtUnixMs > _cutAt && r.ProcessedAtUnixMs < _cutAt + (long)Lease.TotalMilliseconds).ToList();
        if (early.Count > 0)
        {
            violations.Add($"{early.Count} record(s) of the cut partitions processed by another task before the lease passed, e.g. {early[0]}");
        }
        var elsewhere = processed.Where(r => _cutOff.Contains(r.Partition) && r.TaskId != _victim && r.ProcessedAtUnixMs > _cutAt)
            .Select(r => r.ProcessedAtUnixMs).DefaultIfEmpty(-1).Min();
        run.Note(elsewhere < 0 ? "the cut partitions went back to their task" : $"first record of a cut partition elsewhere at cut + {elsewhere - _cutAt} ms");
    }
}
