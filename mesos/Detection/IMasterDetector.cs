namespace Sluice.Mesos.Detection;

/// <summary>
/// Finds the leading Mesos master. A static list of master URLs and a <c>zk://</c> URL
/// (resolved through ZooKeeper by the scheduler) are two implementations.
/// </summary>
public interface IMasterDetector
{
    /// <summary>
    /// Returns the base URL (scheme, host and port, e.g. <c>http://10.0.0.5:5050/</c>) of the
    /// leading master, waiting until one is known.
    /// </summary>
    ValueTask<Uri> GetLeaderAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Raised when the detector learns that the leader changed. The argument is the new leader,
    /// or <see langword="null"/> while none is elected.
    /// </summary>
    /// <remarks>
    /// Raised on the detector's own thread (for ZooKeeper, a thread-pool thread, never the C
    /// client's completion thread). Handlers must not block; exceptions they throw are logged
    /// and swallowed by the detector.
    /// </remarks>
    event EventHandler<Uri?>? LeaderChanged;
}
