namespace Sluice.ZooKeeper;

/// <summary>A znode's children (names, not paths; sorted ordinally) and the parent's metadata.</summary>
public sealed record ZNodeChildren(IReadOnlyList<string> Names, ZNodeStat Stat);
