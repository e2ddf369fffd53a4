namespace Sluice.ZooKeeper;

/// <summary>
/// The result of a read that also set a one-shot watch. <see cref="Changed"/> completes once, with the first
/// change after the read; it faults with a <see cref="ZooKeeperException"/> (<see cref="ZooKeeperErrorCode.SessionExpired"/>,
/// <see cref="ZooKeeperErrorCode.Closing"/>) when the watch can never fire. Watches survive reconnections.
/// </summary>
public sealed record Watched<T>(T Value, Task<WatchedEvent> Changed);
