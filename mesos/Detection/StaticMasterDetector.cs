namespace Sluice.Mesos.Detection;

/// <summary>
/// Masters given as a fixed list of URLs (<c>http://m1:5050,http://m2:5050</c>). Each call to
/// <see cref="GetLeaderAsync"/> returns the next URL in turn: a client that failed on one
/// master asks again and gets the next; a non-leading master answers 307 with the leader.
/// </summary>
public sealed class StaticMasterDetector : IMasterDetector
{
    private readonly Uri[] _masters;
    private int _next = -1;

    /// <param name="masters">Absolute http or https URLs of the masters, e.g. <c>http://10.0.0.5:5050</c>.</param>
    public StaticMasterDetector(IEnumerable<Uri> masters)
    {
        ArgumentNullException.ThrowIfNull(masters);
        _masters = [.. masters];
        if (_masters.Length == 0)
        {
            throw new ArgumentException("At least one Mesos master URL is needed.", nameof(masters));
        }

        foreach (var master in _masters)
        {
            if (master is null || !master.IsAbsoluteUri || (master.Scheme != Uri.UriSchemeHttp && master.Scheme != Uri.UriSchemeHttps))
            {
                throw new ArgumentException($"'{master}' is not an absolute http(s) URL of a Mesos master (for zk:// use the ZooKeeper detector).", nameof(masters));
            }
        }
    }

    /// <summary>Parses a comma-separated list such as <c>http://m1:5050,m2:5050</c>; a URL without scheme gets http://.</summary>
    public static StaticMasterDetector Parse(string masters)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(masters);
        return new StaticMasterDetector(masters
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(master => new Uri(master.Contains("://", StringComparison.Ordinal) ? master : "http://" + master)));
    }

    public IReadOnlyList<Uri> Masters => _masters;

    public ValueTask<Uri> GetLeaderAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        int index = (int)((uint)Interlocked.Increment(ref _next) % (uint)_masters.Length);
        return ValueTask.FromResult(_masters[index]);
    }

    /// <summary>Never raised: a static list does not learn about leaders.</summary>
    public event EventHandler<Uri?>? LeaderChanged
    {
        add { }
        remove { }
    }
}
