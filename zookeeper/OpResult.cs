namespace Sluice.ZooKeeper;

/// <summary>
/// The result of one operation of a successful multi: <see cref="CreatedPath"/> for a create (with the sequence
/// suffix, without the chroot), <see cref="Stat"/> for a set; neither for check and delete.
/// </summary>
public sealed record OpResult(string? CreatedPath, ZNodeStat? Stat);
