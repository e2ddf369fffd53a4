namespace Sluice.Scheduler.State.Model;

/// <summary>
/// A stored record and its version (ZooKeeper's znode version: 0 when created, +1 per write). Pass the version back
/// to write or delete it; a stale version fails with <see cref="StateConflictException"/>.
/// </summary>
internal sealed record Versioned<T>(T Value, long Version);

/// <summary>Version arguments for <see cref="IStateStore"/> writes.</summary>
internal static class StateVersion
{
    /// <summary>"The record must not exist yet": create it.</summary>
    public const long New = -1;
}
