namespace Sluice.Scheduler.Offers;

/// <summary>Why an offer does not fit a task (the ancestor's decline reasons, typed). Null means it fits.</summary>
public enum DeclineReason
{
    NotEnoughCpus,
    NotEnoughMemory,
    NotEnoughDisk,
    HostnameNotUnique,
    AttributeMissing,
    AttributeNotLike,
    AttributeLike,
    AttributeNotInCluster,
    GroupByUnbalanced,
    MaxPerReached,
}
