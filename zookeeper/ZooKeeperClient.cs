using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.ZooKeeper.Native;

namespace Sluice.ZooKeeper;

/// <summary>
/// A ZooKeeper session over Apache's C client (<c>libzookeeper_mt.so.2</c>). Create it with
/// <see cref="ConnectAsync"/>; dispose it to close the session (which deletes its ephemeral nodes).
/// </summary>
/// <remarks>
/// Threads: the C client runs two native threads per handle (IO and completion). Completions and watches copy
/// their data on the completion thread and finish tasks whose continuations run on the thread pool; state
/// changes are raised in order from a dispatcher task. Close: every native call passes a gate; disposing closes
/// the gate, waits for calls in progress, calls <c>zookeeper_close</c> (blocking, up to seconds with many
/// operations in flight, so it runs on the thread pool), then fails whatever the C client never completed with
/// <see cref="ZooKeeperErrorCode.Closing"/>. Calls after that throw <see cref="ObjectDisposedException"/>.
/// </remarks>
public sealed partial class ZooKeeperClient : IZooKeeperClient
{
    private readonly ZooKeeperClientOptions _options;
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly long _key;
    private readonly Channel<ZooKeeperState> _stateChanges = Channel.CreateUnbounded<ZooKeeperState>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private readonly TaskCompletionSource _firstConnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _stateLock = new();
    private readonly Lock _closeLock = new();
    private readonly string _connectionDisplay;
    private nint _zh;
    private long _nativeCalls;
    private int _closing;
    private int _pending;
    private ZooKeeperState _state = ZooKeeperState.Connecting;
    private bool _everConnected;
    private ZooKeeperSession? _session;
    private TimeSpan _negotiatedTimeout;
    private Task? _close;

    private ZooKeeperClient(ZooKeeperClientOptions options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ConnectionString);
        try
        {
            ZooKeeperConstants.EnsureLoaded();
        }
        catch (TypeInitializationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }

        _options = options;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<ZooKeeperClient>();
        _connectionDisplay = options.ConnectionString;
        _key = PendingTable.NextId();
        _ = DispatchStateChangesAsync();

        // The first session event can arrive before zookeeper_init2 returns: register first.
        ClientRegistry.Add(_key, this);
        NativeLog.Register(loggerFactory);
        _zh = InitNative(options);
        if (_zh == 0)
        {
            ClientRegistry.Remove(_key);
            NativeLog.Unregister(_loggerFactory);
            _stateChanges.Writer.TryComplete();
            throw new ZooKeeperException(ZooKeeperErrorCode.BadArguments, null,
                $"zookeeper_init2 rejected the connection string '{options.ConnectionString}' (errno {System.Runtime.InteropServices.Marshal.GetLastSystemError()}).");
        }

        LogCreated(_logger, _connectionDisplay, options.SessionTimeout.TotalMilliseconds, options.Session?.ToString());
    }

    /// <inheritdoc/>
    public event EventHandler<ZooKeeperState>? StateChanged;

    /// <inheritdoc/>
    public ZooKeeperState State
    {
        get
        {
            lock (_stateLock) return _state;
        }
    }

    /// <inheritdoc/>
    public ZooKeeperSession? Session => Volatile.Read(ref _session);

    /// <inheritdoc/>
    public TimeSpan NegotiatedSessionTimeout
    {
        get
        {
            lock (_stateLock) return _negotiatedTimeout;
        }
    }

    /// <summary>Operations and watches of this client the C client still holds.</summary>
    internal int PendingCount => Volatile.Read(ref _pending);

    /// <summary>
    /// Starts a session and returns once it is connected (and authenticated, with <see cref="ZooKeeperClientOptions.Digest"/>).
    /// Throws <see cref="ZooKeeperException"/> (<see cref="ZooKeeperErrorCode.ConnectionLoss"/>) after
    /// <see cref="ZooKeeperClientOptions.ConnectTimeout"/>.
    /// </summary>
    public static async Task<ZooKeeperClient> ConnectAsync(
        ZooKeeperClientOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        var client = new ZooKeeperClient(options, loggerFactory ?? NullLoggerFactory.Instance);
        try
        {
            try
            {
                await client._firstConnected.Task.WaitAsync(options.ConnectTimeout, options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException e)
            {
                throw new ZooKeeperException(ZooKeeperErrorCode.ConnectionLoss, null,
                    $"Could not connect to ZooKeeper at '{options.ConnectionString}' within {options.ConnectTimeout.TotalSeconds:0.#} s.", e);
            }

            if (options.Digest is { } digest)
            {
                await client.SubmitAddAuth(digest).WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    public Task<string> CreateAsync(string path, ReadOnlyMemory<byte> data, CreateMode mode, CancellationToken cancellationToken = default) =>
        CreateAsync(path, data, mode, NodeAcl.ClientDefault, cancellationToken);

    /// <inheritdoc/>
    public Task<string> CreateAsync(string path, ReadOnlyMemory<byte> data, CreateMode mode, NodeAcl acl, CancellationToken cancellationToken = default) =>
        SubmitCreate(CheckPath(path), data, mode, acl).WaitAsync(cancellationToken);

    /// <inheritdoc/>
    public Task<ZNodeData> GetAsync(string path, CancellationToken cancellationToken = default) =>
        SubmitGet(CheckPath(path), watch: false).Operation.WaitAsync(cancellationToken);

    /// <inheritdoc/>
    public async Task<Watched<ZNodeData>> GetAndWatchAsync(string path, CancellationToken cancellationToken = default)
    {
        var (operation, watch) = SubmitGet(CheckPath(path), watch: true);
        var data = await operation.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Watched<ZNodeData>(data, watch!);
    }

    /// <inheritdoc/>
    public Task<ZNodeStat> SetAsync(string path, ReadOnlyMemory<byte> data, int version, CancellationToken cancellationToken = default) =>
        SubmitSet(CheckPath(path), data, version).WaitAsync(cancellationToken);

    /// <inheritdoc/>
    public Task DeleteAsync(string path, int version, CancellationToken cancellationToken = default) =>
        SubmitDelete(CheckPath(path), version).WaitAsync(cancellationToken);

    /// <inheritdoc/>
    public Task<ZNodeStat?> ExistsAsync(string path, CancellationToken cancellationToken = default) =>
        SubmitExists(CheckPath(path), watch: false).Operation.WaitAsync(cancellationToken);

    /// <inheritdoc/>
    public async Task<Watched<ZNodeStat?>> ExistsAndWatchAsync(string path, CancellationToken cancellationToken = default)
    {
        var (operation, watch) = SubmitExists(CheckPath(path), watch: true);
        var stat = await operation.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Watched<ZNodeStat?>(stat, watch!);
    }

    /// <inheritdoc/>
    public Task<ZNodeChildren> GetChildrenAsync(string path, CancellationToken cancellationToken = default) =>
        SubmitChildren(CheckPath(path), watch: false).Operation.WaitAsync(cancellationToken);

    /// <inheritdoc/>
    public async Task<Watched<ZNodeChildren>> GetChildrenAndWatchAsync(string path, CancellationToken cancellationToken = default)
    {
        var (operation, watch) = SubmitChildren(CheckPath(path), watch: true);
        var children = await operation.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Watched<ZNodeChildren>(children, watch!);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<OpResult>> MultiAsync(IReadOnlyList<ZooKeeperOp> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        foreach (var operation in operations) CheckPath(operation.Path);
        return operations.Count == 0
            ? Task.FromResult<IReadOnlyList<OpResult>>([])
            : SubmitMulti(operations).WaitAsync(cancellationToken);
    }

    /// <summary>Closes the session (deleting its ephemeral nodes) and fails everything still pending.</summary>
    public async ValueTask DisposeAsync()
    {
        Task close;
        lock (_closeLock)
        {
            // zookeeper_close blocks (it flushes and joins the C client's threads): never on the caller's thread.
            close = _close ??= Task.Run(CloseNative);
        }

        await close.ConfigureAwait(false);
    }

    /// <summary>Called on the completion thread with a session event (through <see cref="NativeCallbacks"/>).</summary>
    internal unsafe void OnSessionEvent(nint zh, int nativeState)
    {
        ZooKeeperState next;
        if (nativeState == ZooKeeperConstants.ConnectedState || nativeState == ZooKeeperConstants.ReadOnlyState) next = ZooKeeperState.Connected;
        else if (nativeState == ZooKeeperConstants.ExpiredSessionState) next = ZooKeeperState.Expired;
        else if (nativeState == ZooKeeperConstants.AuthFailedState) next = ZooKeeperState.AuthFailed;
        else if (nativeState == ZooKeeperConstants.ConnectingState || nativeState == ZooKeeperConstants.AssociatingState
                 || nativeState == ZooKeeperConstants.NotConnectedState) next = ZooKeeperState.Connecting;
        else return;

        lock (_stateLock)
        {
            if (_state is ZooKeeperState.Expired or ZooKeeperState.AuthFailed or ZooKeeperState.Closed) return;
            if (next == ZooKeeperState.Connecting && _everConnected) next = ZooKeeperState.Disconnected;
            if (next == ZooKeeperState.Connected)
            {
                _everConnected = true;
                // zh is the live handle this callback runs for (the field may already be cleared by a closing thread).
                var id = ZooKeeperNative.ClientId(zh);
                if (id is not null && id->ClientId != 0)
                {
                    Volatile.Write(ref _session, new ZooKeeperSession(id->ClientId, new ReadOnlySpan<byte>(id->Password, ZkClientId.PasswordLength).ToArray()));
                }

                _negotiatedTimeout = TimeSpan.FromMilliseconds(ZooKeeperNative.ReceiveTimeout(zh));
            }

            if (next == _state) return;
            _state = next;
            _stateChanges.Writer.TryWrite(next);
        }

        switch (next)
        {
            case ZooKeeperState.Connected:
                _firstConnected.TrySetResult();
                break;
            case ZooKeeperState.Expired:
                _firstConnected.TrySetException(new ZooKeeperException(ZooKeeperErrorCode.SessionExpired, null));
                break;
            case ZooKeeperState.AuthFailed:
                _firstConnected.TrySetException(new ZooKeeperException(ZooKeeperErrorCode.AuthFailed, null));
                break;
        }
    }

    internal void OnPendingAdded() => Interlocked.Increment(ref _pending);

    internal void OnPendingRemoved() => Interlocked.Decrement(ref _pending);

    /// <summary>
    /// Maps a C error code to the one to report: after expiry the C client answers new calls with InvalidState,
    /// which callers should see as SessionExpired.
    /// </summary>
    internal ZooKeeperErrorCode MapErrorCode(int rc)
    {
        var code = (ZooKeeperErrorCode)rc;
        if (code != ZooKeeperErrorCode.InvalidState) return code;
        return State switch
        {
            ZooKeeperState.Expired => ZooKeeperErrorCode.SessionExpired,
            ZooKeeperState.AuthFailed => ZooKeeperErrorCode.AuthFailed,
            _ => code,
        };
    }

    private void CloseNative()
    {
        if (NativeCallbacks.IsOnCallbackThread)
        {
            throw new InvalidOperationException("A ZooKeeper handle cannot be closed from its own completion thread.");
        }

        Interlocked.Exchange(ref _closing, 1);
        var spin = new SpinWait();
        while (Interlocked.Read(ref _nativeCalls) != 0) spin.SpinOnce();

        var zh = _zh;
        _zh = 0;
        var started = Stopwatch.GetTimestamp();
        if (zh != 0) ZooKeeperNative.Close(zh);
        var closeMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;

        // The C client does not reliably complete what is in flight when it closes: fail the leftovers.
        var swept = PendingTable.Sweep(this, entry => new ZooKeeperException(ZooKeeperErrorCode.Closing, entry.Path));
        ClientRegistry.Remove(_key);
        NativeLog.Unregister(_loggerFactory);
        lock (_stateLock)
        {
            _state = ZooKeeperState.Closed;
            _stateChanges.Writer.TryWrite(ZooKeeperState.Closed);
            _stateChanges.Writer.TryComplete();
        }

        _firstConnected.TrySetException(new ObjectDisposedException(nameof(ZooKeeperClient)));
        LogClosed(_logger, _connectionDisplay, closeMs, swept);
    }

    private async Task DispatchStateChangesAsync()
    {
        await Task.Yield();
        await foreach (var state in _stateChanges.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            LogStateChanged(_logger, _connectionDisplay, state, Session?.ToString());
            try
            {
                StateChanged?.Invoke(this, state);
            }
            catch (Exception e)
            {
                LogStateHandlerFailed(_logger, state, e);
            }
        }
    }

    private static string CheckPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0 || path[0] != '/') throw new ArgumentException($"A ZooKeeper path must be absolute: '{path}'.", nameof(path));
        return path;
    }
}
