namespace Sluice.ZooKeeper;

/// <summary>What fired a one-shot watch.</summary>
public enum WatchEventType
{
    NodeCreated,
    NodeDeleted,
    NodeDataChanged,
    NodeChildrenChanged,
}

/// <summary>A fired one-shot watch: what happened at which path (relative to the client's chroot).</summary>
public sealed record WatchedEvent(WatchEventType Type, string Path);
