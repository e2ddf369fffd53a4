using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Sluice.Mesos.Detection;
using Sluice.ZooKeeper;

namespace Sluice.Scheduler.Detection;

/// <summary>
/// Detects the leading Mesos master from ZooKeeper (MESOS.md §4): the masters' <c>json.info_&lt;seq&gt;</c>
/// children of the URL's path, the lowest sequence leading, its address read from the MasterInfo JSON. Watches the
/// children and raises <see cref="LeaderChanged"/> when the leader changes. Survives connection loss (waits) and
/// session expiry (opens a new session).
/// </summary>
internal sealed partial class ZooKeeperMasterDetector : IMasterDetector, IAsyncDisposable
{
    public const string JsonInfoPrefix = "json.info_";
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);

    private readonly ZooKeeperMasterUrl _url;
    private readonly Func<ZooKeeperClientOptions, CancellationToken, Task<IZooKeeperClient>> _connect;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly bool _preferIpAddress;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Channel<Uri?> _changes = Channel.CreateUnbounded<Uri?>(new UnboundedChannelOptions { SingleReader = true });
    private TaskCompletionSource<Uri> _known = NewLeaderSource();
    private Uri? _leader;
    private Task _loop = Task.CompletedTask;
    private int _started;

    /// <param name="url">The <c>zk://</c> master URL.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="preferIpAddress">Use <c>address.ip</c> rather than <c>address.hostname</c> (when hostnames do not resolve).</param>
    /// <param name="connect">Opens a ZooKeeper session (default: <see cref="ZooKeeperClient.ConnectAsync"/>); called again after an expiry.</param>
    /// <param name="time">Time source for retry delays.</param>
    public ZooKeeperMasterDetector(
        ZooKeeperMasterUrl url,
        ILogger<ZooKeeperMasterDetector> logger,
        bool preferIpAddress = false,
        Func<ZooKeeperClientOptions, CancellationToken, Task<IZooKeeperClient>>? connect = null,
        TimeProvider? time = null)
    {
        _url = url;
        _logger = logger;
        _preferIpAddress = preferIpAddress;
        _connect = connect ?? (async (options, ct) => await ZooKeeperClient.ConnectAsync(options, null, ct).ConfigureAwait(false));
        _time = time ?? TimeProvider.System;
        _ = DispatchChangesAsync();
    }

    /// <inheritdoc/>
    public event EventHandler<Uri?>? LeaderChanged;

    /// <summary>The leader last seen, or null while none is known.</summary>
    public Uri? CurrentLeader
    {
        get
        {
            lock (_gate) return _leader;
        }
    }

    /// <summary>The session in use (for tests and diagnostics); null between sessions.</summary>
    internal IZooKeeperClient? Client { get; private set; }

    /// <summary>Starts watching in the background (idempotent). <see cref="GetLeaderAsync"/> starts it too.</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0) _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
    }

    /// <inheritdoc/>
    public async ValueTask<Uri> GetLeaderAsync(CancellationToken cancellationToken)
    {
        Start();
        Task<Uri> known;
        lock (_gate) known = _known.Task;
        return await known.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }

        if (Client is { } client) await client.DisposeAsync().ConfigureAwait(false);
        Client = null;
        _changes.Writer.TryComplete();
        lock (_gate) _known.TrySetException(new ObjectDisposedException(nameof(ZooKeeperMasterDetector)));
        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                Client ??= await ConnectAsync(stopping).ConfigureAwait(false);
                await DetectOnceAsync(Client, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (ZooKeeperException e) when (e.Code is ZooKeeperErrorCode.SessionExpired or ZooKeeperErrorCode.Closing || Client?.State is ZooKeeperState.Expired)
            {
                LogSessionEnded(_logger, _url.ToString(), e.Code);
                if (Client is { } dead) await dead.DisposeAsync().ConfigureAwait(false);
                Client = null;
            }
            catch (ZooKeeperException e)
            {
                LogRetrying(_logger, _url.ToString(), e.Code);
                await Task.Delay(RetryDelay, _time, stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Not a ZooKeeper condition (e.g. the native client cannot load): detection cannot work; tell the waiters.
                LogDetectionFailed(_logger, _url.ToString(), e);
                lock (_gate) _known.TrySetException(e);
                return;
            }
        }
    }

    /// <summary>Reads the current leader, publishes it, and waits for the next change of the master group.</summary>
    private async Task DetectOnceAsync(IZooKeeperClient client, CancellationToken stopping)
    {
        Watched<ZNodeChildren> children;
        try
        {
            children = await client.GetChildrenAndWatchAsync(_url.Path, stopping).ConfigureAwait(false);
        }
        catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoNode)
        {
            // No master ever registered: wait for the group node to appear.
            Publish(null);
            var exists = await client.ExistsAndWatchAsync(_url.Path, stopping).ConfigureAwait(false);
            if (exists.Value is null) await exists.Changed.WaitAsync(stopping).ConfigureAwait(false);
            return;
        }

        var contenders = children.Value.Names
            .Where(n => n.StartsWith(JsonInfoPrefix, StringComparison.Ordinal))
            .OrderBy(n => n[JsonInfoPrefix.Length..], StringComparer.Ordinal)
            .ToList();
        Uri? leader = null;
        foreach (var contender in contenders)
        {
            try
            {
                var node = await client.GetAsync($"{_url.Path}/{contender}", stopping).ConfigureAwait(false);
                leader = MasterInfoJson.ParseLeaderUrl(node.Data, _preferIpAddress);
            }
            catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoNode)
            {
                // It went between the listing and the read; the children watch fires for it.
            }
            catch (FormatException e)
            {
                LogUnreadableMasterInfo(_logger, contender, e.Message);
            }

            break; // only the lowest leads; a later one is not the leader even if the lowest is unreadable
        }

        Publish(leader);
        await children.Changed.WaitAsync(stopping).ConfigureAwait(false);
    }

    private async Task<IZooKeeperClient> ConnectAsync(CancellationToken stopping)
    {
        var options = new ZooKeeperClientOptions { ConnectionString = _url.ConnectionString, Digest = _url.Credentials };
        var client = await _connect(options, stopping).ConfigureAwait(false);
        LogConnected(_logger, _url.ToString(), client.Session?.ToString());
        return client;
    }

    private void Publish(Uri? leader)
    {
        lock (_gate)
        {
            if (leader == _leader) return;
            _leader = leader;
            if (leader is null)
            {
                if (_known.Task.IsCompleted) _known = NewLeaderSource();
            }
            else
            {
                if (_known.Task.IsCompleted) _known = NewLeaderSource();
                _known.TrySetResult(leader);
            }

            _changes.Writer.TryWrite(leader);
        }
    }

    private async Task DispatchChangesAsync()
    {
        await Task.Yield();
        await foreach (var leader in _changes.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            LogLeaderChanged(_logger, _url.ToString(), leader?.ToString());
            try
            {
                LeaderChanged?.Invoke(this, leader);
            }
            catch (Exception e)
            {
                LogHandlerFailed(_logger, e);
            }
        }
    }

    private static TaskCompletionSource<Uri> NewLeaderSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(EventName = "MasterDetectorConnected", Level = LogLevel.Information, Message = "Detecting the Mesos master at {Url} (session {Session})")]
    private static partial void LogConnected(ILogger logger, string url, string? session);

    [LoggerMessage(EventName = "MasterLeaderChanged", Level = LogLevel.Information, Message = "Leading Mesos master at {Url}: {Leader}")]
    private static partial void LogLeaderChanged(ILogger logger, string url, string? leader);

    [LoggerMessage(EventName = "MasterInfoUnreadable", Level = LogLevel.Warning, Message = "Cannot read the leading master's info in {Node}: {Reason}")]
    private static partial void LogUnreadableMasterInfo(ILogger logger, string node, string reason);

    [LoggerMessage(EventName = "MasterDetectorSessionEnded", Level = LogLevel.Warning, Message = "ZooKeeper session for {Url} ended ({Code}); opening a new one")]
    private static partial void LogSessionEnded(ILogger logger, string url, ZooKeeperErrorCode code);

    [LoggerMessage(EventName = "MasterDetectorRetrying", Level = LogLevel.Debug, Message = "Master detection at {Url} interrupted ({Code}); retrying")]
    private static partial void LogRetrying(ILogger logger, string url, ZooKeeperErrorCode code);

    [LoggerMessage(EventName = "MasterDetectionFailed", Level = LogLevel.Error, Message = "Master detection at {Url} stopped")]
    private static partial void LogDetectionFailed(ILogger logger, string url, Exception exception);

    [LoggerMessage(EventName = "MasterDetectorHandlerFailed", Level = LogLevel.Error, Message = "A LeaderChanged handler threw; the exception was swallowed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception);
}
