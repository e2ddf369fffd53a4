namespace Sluice.ZooKeeper;

/// <summary>A znode's data and metadata. <see cref="Data"/> is empty for a node created without data.</summary>
public sealed record ZNodeData(byte[] Data, ZNodeStat Stat);
