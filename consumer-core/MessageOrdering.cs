namespace Sluice.Consumer;

/// <summary>Which messages a consumer processes one at a time, in offset order.</summary>
public enum MessageOrdering
{
    /// <summary>All messages of a partition, one at a time, in offset order (the default).</summary>
    PerPartition,

    /// <summary>Messages with the same key, one at a time, in offset order; different keys in parallel. Null keys order per partition.</summary>
    PerKey,

    /// <summary>No ordering: any worker takes any message.</summary>
    Unordered,
}
