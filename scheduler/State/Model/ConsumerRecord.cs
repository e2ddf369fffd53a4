namespace Sluice.Scheduler.State.Model;

/// <summary>The record kept per consumer (node <c>consumers/&lt;name&gt;</c>): its spec and its tasks.</summary>
internal sealed record ConsumerRecord(ConsumerSpec Spec, IReadOnlyList<TaskRecord> Tasks)
{
    public string Name => Spec.Name;
}
