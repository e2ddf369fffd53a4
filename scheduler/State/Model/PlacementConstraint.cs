namespace Sluice.Scheduler.State.Model;

/// <summary>A Marathon-style placement constraint on an agent attribute (or <c>hostname</c>).</summary>
internal sealed record PlacementConstraint(string Field, ConstraintOperator Operator, string? Value);

internal enum ConstraintOperator
{
    Unique,
    Cluster,
    GroupBy,
    Like,
    Unlike,
    MaxPer,
}
