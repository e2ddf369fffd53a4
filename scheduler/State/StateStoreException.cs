namespace Sluice.Scheduler.State;

/// <summary>A state-store write was refused. The subclasses say why.</summary>
internal abstract class StateStoreException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>
/// Optimistic concurrency: the record's version is not the expected one (someone else wrote it, it already exists
/// when creating, or it does not exist when updating). Re-read and decide again.
/// </summary>
internal sealed class StateConflictException(string key, long expectedVersion, string reason, Exception? innerException = null)
    : StateStoreException($"State conflict on '{key}' (expected version {Show(expectedVersion)}): {reason}.", innerException)
{
    public string Key { get; } = key;

    public long ExpectedVersion { get; } = expectedVersion;

    private static string Show(long version) => version == Model.StateVersion.New ? "new" : version.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// The write carried a leader's fencing token that is no longer valid (its election node is gone or changed), or
/// there is no leadership at all: this scheduler is not (or no longer) the leader and must stop commanding.
/// </summary>
internal sealed class StateFencedException(string key, string reason, Exception? innerException = null)
    : StateStoreException($"Write to '{key}' fenced off: {reason}.", innerException)
{
    public string Key { get; } = key;
}

/// <summary>Another scheduler process holds the file store's lock.</summary>
internal sealed class StateStoreLockedException(string lockFile, Exception? innerException = null)
    : StateStoreException($"The state directory is locked by another scheduler (lock file '{lockFile}').", innerException)
{
    public string LockFile { get; } = lockFile;
}
