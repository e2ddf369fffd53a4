using Microsoft.Extensions.Logging;
using Sluice.Proto.ControlPlane.V1;
using Sluice.Scheduler.Api;
using Sluice.Scheduler.Planning;
using Sluice.Scheduler.State;
using Sluice.Scheduler.State.Model;

namespace Sluice.Scheduler.Engine;

/// <summary>
/// Carries one consumer's blue/green deployment through its steps (DESIGN.md §5): green launches → each step's
/// share of partitions moves to green → bake → gates on the green partitions → next step; at 100 % it finishes
/// (the consumer's active version becomes green, blue is drained), or waits for a promote. A failed gate rolls
/// back: partitions return to blue by the same handover. Every transition is written to the state store, so a
/// scheduler that takes over resumes where this one was.
/// </summary>
internal sealed partial class DeploymentStepper(string consumer, IStateStore store, SchedulerEvents events, TimeProvider time, ILogger logger)
{
    private readonly HashSet<string> _finished = new(StringComparer.Ordinal);
    private Dictionary<PartitionKey, PartitionProgress>? _baseline;
    private string? _baselineKey;
    private DateTimeOffset? _greenReadySince;

    /// <summary>
    /// How long green must have been ready before the first partition moves: executors that just started are still
    /// compiling and connecting, and on shared cores they slow everyone down; moving then costs the longest pauses.
    /// </summary>
    public static readonly TimeSpan GreenSettleTime = TimeSpan.FromSeconds(3);

    /// <summary>The consumer's active deployment, or null.</summary>
    public async Task<Versioned<Deployment>?> ActiveAsync(CancellationToken cancellationToken)
    {
        foreach (var id in await store.ListDeploymentsAsync(cancellationToken))
        {
            if (_finished.Contains(id))
            {
                continue;
            }
            var deployment = await store.GetDeploymentAsync(id, cancellationToken);
            if (deployment is null || deployment.Value.Consumer != consumer)
            {
                continue;
            }
            if (!deployment.Value.IsActive)
            {
                _finished.Add(id);
                continue;
            }
            return deployment;
        }
        return null;
    }

    /// <summary>The share of partitions green should own now (percent).</summary>
    public static int GreenPercent(Deployment d) => d.Status switch
    {
        DeploymentStatus.Pending or DeploymentStatus.RollingBack or DeploymentStatus.Aborting => 0,
        DeploymentStatus.WaitingForPromotion => 100,
        _ when d.Promoted => 100,
        DeploymentStatus.InProgress or DeploymentStatus.Baking or DeploymentStatus.Paused => d.Steps[Math.Min(d.CurrentStep, d.Steps.Count - 1)].PercentOfPartitions,
        _ => 0,
    };

    /// <summary>
    /// Which partitions green owns at <paramref name="percent"/>: those it owns already (up to the share), then
    /// the lowest others, so a step moves only the difference and never swaps partitions back and forth.
    /// </summary>
    public static HashSet<PartitionKey> GreenPartitions(IReadOnlyList<PartitionKey> partitions, Func<PartitionKey, bool> onGreen, int percent)
    {
        var count = (int)Math.Ceiling(partitions.Count * percent / 100.0);
        var sorted = partitions.Order().ToList();
        var green = sorted.Where(onGreen).Take(count).ToHashSet();
        foreach (var partition in sorted)
        {
            if (green.Count >= count)
            {
                break;
            }
            green.Add(partition);
        }
        return green;
    }

    /// <summary>One look at the deployment after this round's moves; writes the next state when it changes.</summary>
    /// <param name="greenReady">Every wanted green task runs and is connected.</param>
    /// <param name="placed">Every partition is owned, by a connected task of the version the step wants.</param>
    /// <param name="greenHealthy">No green task failed or fell silent.</param>
    /// <param name="greenProgress">The latest progress of the partitions green owns.</param>
    public async Task StepAsync(Versioned<Deployment> current, bool greenReady, bool placed, bool greenHealthy,
        IReadOnlyDictionary<PartitionKey, PartitionProgress> greenProgress, CancellationToken cancellationToken)
    {
        var d = current.Value;
        var now = time.GetUtcNow();
        if (!greenReady)
        {
            _greenReadySince = null;
        }
        Deployment? next = null;
        switch (d.Status)
        {
            case DeploymentStatus.Pending when greenReady && now - (_greenReadySince ??= now) >= GreenSettleTime:
                next = d with { Status = DeploymentStatus.InProgress, CurrentStep = 0, Message = $"green tasks ready; moving {d.Steps[0].PercentOfPartitions} % of the partitions" };
                break;
            case DeploymentStatus.InProgress or DeploymentStatus.Baking or DeploymentStatus.WaitingForPromotion when !greenHealthy:
                next = d with { Status = DeploymentStatus.RollingBack, Message = "a green task failed or went silent: rolling back" };
                break;
            case DeploymentStatus.InProgress or DeploymentStatus.Baking or DeploymentStatus.WaitingForPromotion when d.Promoted && placed:
                next = d with { Status = DeploymentStatus.Succeeded, CurrentStep = d.Steps.Count - 1, Message = "promoted: every partition is on " + d.ToVersion };
                break;
            case DeploymentStatus.InProgress when placed:
                next = d with { Status = DeploymentStatus.Baking, BakeStartedAt = now, Message = $"step {d.CurrentStep + 1}/{d.Steps.Count}: {GreenPercent(d)} % on {d.ToVersion}, baking" };
                _baseline = new Dictionary<PartitionKey, PartitionProgress>(greenProgress);
                _baselineKey = Key(d);
                break;
            case DeploymentStatus.Baking when d.BakeStartedAt is { } bakeStart && now - bakeStart >= d.Steps[d.CurrentStep].BakeTime:
                next = AfterBake(d, greenProgress);
                break;
            case DeploymentStatus.RollingBack when placed:
                next = d with { Status = DeploymentStatus.RolledBack, Message = (d.Message ?? "rolled back") + "; every partition is back on " + d.FromVersion };
                break;
            case DeploymentStatus.Aborting when placed:
                next = d with { Status = DeploymentStatus.Aborted, Message = "aborted; every partition is back on " + d.FromVersion };
                break;
        }
        if (d.Status == DeploymentStatus.Baking && _baselineKey != Key(d))
        {
            // A scheduler that took over mid-bake: the bake restarts from here, with a fresh baseline.
            _baseline = new Dictionary<PartitionKey, PartitionProgress>(greenProgress);
            _baselineKey = Key(d);
            next ??= d with { BakeStartedAt = now };
        }
        if (next is null)
        {
            return;
        }
        next = next with { UpdatedAt = now };
        if (next.Status == DeploymentStatus.Succeeded)
        {
            // Activate first: a scheduler that dies between the two writes finds green active and the
            // deployment still running at 100 %, which then finishes; the other order would move everything back to blue.
            await ActivateAsync(next.ToVersion, cancellationToken);
        }
        try
        {
            await store.PutDeploymentAsync(next, current.Version, cancellationToken);
        }
        catch (StateConflictException)
        {
            return; // an operator changed it meanwhile: the next round looks again
        }
        LogStep(d.Id, ApiNames.Of(d.Status), ApiNames.Of(next.Status), next.Message ?? "");
        events.Publish("deployment." + ApiNames.Of(next.Status), consumer, next.Message, new Dictionary<string, string>
        {
            ["deployment"] = d.Id,
            ["step"] = next.CurrentStep.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["percent"] = GreenPercent(next).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["from"] = d.FromVersion,
            ["to"] = d.ToVersion,
        });
    }

    private Deployment AfterBake(Deployment d, IReadOnlyDictionary<PartitionKey, PartitionProgress> now)
    {
        var baseline = _baseline ?? new Dictionary<PartitionKey, PartitionProgress>();
        long processed = 0, failures = 0, lagBefore = 0, lagNow = 0;
        foreach (var (partition, progress) in now)
        {
            var before = baseline.GetValueOrDefault(partition);
            processed += Math.Max(0, progress.ProcessedOffset - (before?.ProcessedOffset is { } p and >= 0 ? p : progress.ProcessedOffset));
            failures += Math.Max(0, progress.Failures - (before?.Failures ?? 0));
            lagNow += Math.Max(0, progress.Lag);
            lagBefore += Math.Max(0, before?.Lag ?? 0);
        }
        var errorRate = failures == 0 ? 0 : failures / (double)Math.Max(1, processed + failures);
        var gates = d.Gates.Select(g => g.Kind switch
        {
            HealthGateKind.MaxErrorRate => g with { Value = errorRate, Passed = errorRate <= g.Threshold },
            HealthGateKind.MaxLagGrowth => g with { Value = lagNow - lagBefore, Passed = lagNow - lagBefore <= g.Threshold },
            HealthGateKind.MaxLag => g with { Value = lagNow, Passed = lagNow <= g.Threshold },
            _ => g with { Value = null, Passed = true },
        }).ToList();
        var failed = gates.Where(g => g.Passed == false).ToList();
        if (failed.Count > 0)
        {
            return d with
            {
                Gates = gates,
                Status = DeploymentStatus.RollingBack,
                BakeStartedAt = null,
                Message = "gate failed: " + string.Join(", ", failed.Select(g => $"{g.Name} {g.Value:0.####} > {g.Threshold:0.####}")) + "; rolling back",
            };
        }
        if (d.CurrentStep + 1 < d.Steps.Count)
        {
            return d with
            {
                Gates = gates,
                Status = DeploymentStatus.InProgress,
                CurrentStep = d.CurrentStep + 1,
                BakeStartedAt = null,
                Message = $"gates passed; step {d.CurrentStep + 2}/{d.Steps.Count}: moving to {d.Steps[d.CurrentStep + 1].PercentOfPartitions} %",
            };
        }
        return d.AutoPromote
            ? d with { Gates = gates, Status = DeploymentStatus.Succeeded, Message = $"gates passed; every partition is on {d.ToVersion}" }
            : d with { Gates = gates, Status = DeploymentStatus.WaitingForPromotion, Message = "gates passed; every partition is on " + d.ToVersion + ": promote to finish, or roll back" };
    }

    /// <summary>The deployment succeeded: green becomes the consumer's active version.</summary>
    private async Task ActivateAsync(string version, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var record = await store.GetConsumerAsync(consumer, cancellationToken);
            if (record is null)
            {
                return;
            }
            try
            {
                await store.PutConsumerAsync(record.Value with { Spec = record.Value.Spec with { ActiveVersion = version } }, record.Version, cancellationToken);
                return;
            }
            catch (StateConflictException) when (attempt < 5)
            {
            }
        }
    }

    private static string Key(Deployment d) => $"{d.Id}/{d.CurrentStep}";

    [LoggerMessage(EventId = 650, Level = LogLevel.Information, Message = "[Deployment] {Id}: {From} → {To}: {Message}")]
    private partial void LogStep(string id, string from, string to, string message);
}
