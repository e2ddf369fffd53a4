using System.Text;
using Sluice.ZooKeeper.Native;

namespace Sluice.ZooKeeper;

/// <summary>The native half: submitting operations to the C client through the close gate.</summary>
public sealed partial class ZooKeeperClient
{
    private unsafe void* CreateAcl => AclOf(NodeAcl.ClientDefault);

    private unsafe void* AclOf(NodeAcl acl) =>
        acl == NodeAcl.Open || _options.Digest is null ? ZooKeeperConstants.OpenAclUnsafe : ZooKeeperConstants.CreatorAllAcl;

    private unsafe nint InitNative(ZooKeeperClientOptions options)
    {
        ZooKeeperNative.SetDebugLevel(NativeLog.ToNativeLevel(options.NativeLogLevel));
        var host = Utf8(options.ConnectionString);
        var timeoutMs = (int)Math.Clamp(options.SessionTimeout.TotalMilliseconds, 1, int.MaxValue);
        fixed (byte* hostPtr = host)
        {
            if (options.Session is not { } session)
            {
                return ZooKeeperNative.Init2(hostPtr, NativeCallbacks.SessionWatcher, timeoutMs, null, (void*)_key, 0, NativeCallbacks.Log);
            }

            if (session.Password.Length != ZkClientId.PasswordLength)
            {
                throw new ArgumentException($"A session password has {ZkClientId.PasswordLength} bytes.", nameof(options));
            }

            var clientId = new ZkClientId { ClientId = session.Id };
            session.Password.CopyTo(new Span<byte>(clientId.Password, ZkClientId.PasswordLength));
            return ZooKeeperNative.Init2(hostPtr, NativeCallbacks.SessionWatcher, timeoutMs, &clientId, (void*)_key, 0, NativeCallbacks.Log);
        }
    }

    private unsafe Task<bool> SubmitAddAuth(DigestCredentials digest)
    {
        var pending = new PendingCompletion<bool>(this, null);
        var id = PendingTable.Add(pending);
        if (!TryEnterNative(id)) return pending.Task;
        int rc;
        var scheme = Utf8("digest");
        var cert = Encoding.UTF8.GetBytes($"{digest.User}:{digest.Password}");
        try
        {
            fixed (byte* schemePtr = scheme)
            fixed (byte* certPtr = cert)
            {
                rc = ZooKeeperNative.AddAuth(_zh, schemePtr, certPtr, cert.Length, NativeCallbacks.VoidCompletion, (void*)id);
            }
        }
        finally
        {
            ExitNative();
        }

        AfterSubmit(rc, id);
        return pending.Task;
    }

    private unsafe Task<string> SubmitCreate(string path, ReadOnlyMemory<byte> data, CreateMode mode, NodeAcl acl)
    {
        var pending = new PendingCompletion<string>(this, path);
        var id = PendingTable.Add(pending);
        if (!TryEnterNative(id)) return pending.Task;
        int rc;
        var pathBytes = Utf8(path);
        try
        {
            fixed (byte* pathPtr = pathBytes)
            fixed (byte* dataPtr = data.Span)
            {
                rc = ZooKeeperNative.ACreate(_zh, pathPtr, dataPtr, data.Length, AclOf(acl), (int)mode, NativeCallbacks.StringCompletion, (void*)id);
            }
        }
        finally
        {
            ExitNative();
        }

        AfterSubmit(rc, id);
        return pending.Task;
    }

    private unsafe (Task<ZNodeData> Operation, Task<WatchedEvent>? Watch) SubmitGet(string path, bool watch)
    {
        var (watchId, watchTask) = watch ? AddWatch(path) : (0L, null);
        var pending = new PendingCompletion<ZNodeData>(this, path) { WatchId = watchId };
        var id = PendingTable.Add(pending);
        if (!TryEnterNative(id)) return (pending.Task, watchTask);
        int rc;
        var pathBytes = Utf8(path);
        try
        {
            fixed (byte* pathPtr = pathBytes)
            {
                rc = watch
                    ? ZooKeeperNative.AWGet(_zh, pathPtr, NativeCallbacks.PathWatcher, (void*)watchId, NativeCallbacks.DataCompletion, (void*)id)
                    : ZooKeeperNative.AWGet(_zh, pathPtr, null, null, NativeCallbacks.DataCompletion, (void*)id);
            }
        }
        finally
        {
            ExitNative();
        }

        AfterSubmit(rc, id);
        return (pending.Task, watchTask);
    }

    private unsafe Task<ZNodeStat> SubmitSet(string path, ReadOnlyMemory<byte> data, int version)
    {
        var pending = new PendingCompletion<ZNodeStat>(this, path);
        var id = PendingTable.Add(pending);
        if (!TryEnterNative(id)) return pending.Task;
        int rc;
        var pathBytes = Utf8(path);
        try
        {
            fixed (byte* pathPtr = pathBytes)
            fixed (byte* dataPtr = data.Span)
            {
                rc = ZooKeeperNative.ASet(_zh, pathPtr, dataPtr, data.Length, version, NativeCallbacks.StatCompletion, (void*)id);
            }
        }
        finally
        {
            ExitNative();
        }

        AfterSubmit(rc, id);
        return pending.Task;
    }

    private unsafe Task<bool> SubmitDelete(string path, int version)
    {
        var pending = new PendingCompletion<bool>(this, path);
        var id = PendingTable.Add(pending);
        if (!TryEnterNative(id)) return pending.Task;
        int rc;
        var pathBytes = Utf8(path);
        try
        {
            fixed (byte* pathPtr = pathBytes)
            {
                rc = ZooKeeperNative.ADelete(_zh, pathPtr, version, NativeCallbacks.VoidCompletion, (void*)id);
            }
        }
        finally
        {
            ExitNative();
        }

        AfterSubmit(rc, id);
        return pending.Task;
    }

    private unsafe (Task<ZNodeStat?> Operation, Task<WatchedEvent>? Watch) SubmitExists(string path, bool watch)
    {
        var (watchId, watchTask) = watch ? AddWatch(path) : (0L, null);
        var pending = new PendingCompletion<ZNodeStat?>(this, path) { WatchId = watchId };
        var id = PendingTable.Add(pending);
        if (!TryEnterNative(id)) return (pending.Task, watchTask);
        int rc;
        var pathBytes = Utf8(path);
        try
        {
            fixed (byte* pathPtr = pathBytes)
            {
                rc = watch
                    ? ZooKeeperNative.AWExists(_zh, pathPtr, NativeCallbacks.PathWatcher, (void*)watchId, NativeCallbacks.ExistsCompletion, (void*)id)
                    : ZooKeeperNative.AWExists(_zh, pathPtr, null, null, NativeCallbacks.ExistsCompletion, (void*)id);
            }
        }
        finally
        {
            ExitNative();
        }

        AfterSubmit(rc, id);
        return (pending.Task, watchTask);
    }

    private unsafe (Task<ZNodeChildren> Operation, Task<WatchedEvent>? Watch) SubmitChildren(string path, bool watch)
    {
        var (watchId, watchTask) = watch ? AddWatch(path) : (0L, null);
        var pending = new PendingCompletion<ZNodeChildren>(this, path) { WatchId = watchId };
        var id = PendingTable.Add(pending);
        if (!TryEnterNative(id)) return (pending.Task, watchTask);
        int rc;
        var pathBytes = Utf8(path);
        try
        {
            fixed (byte* pathPtr = pathBytes)
            {
                rc = watch
                    ? ZooKeeperNative.AWGetChildren2(_zh, pathPtr, NativeCallbacks.PathWatcher, (void*)watchId, NativeCallbacks.ChildrenCompletion, (void*)id)
                    : ZooKeeperNative.AWGetChildren2(_zh, pathPtr, null, null, NativeCallbacks.ChildrenCompletion, (void*)id);
            }
        }
        finally
        {
            ExitNative();
        }

        AfterSubmit(rc, id);
        return (pending.Task, watchTask);
    }

    private unsafe Task<IReadOnlyList<OpResult>> SubmitMulti(IReadOnlyList<ZooKeeperOp> operations)
    {
        var pending = new PendingMulti(this, operations, CreateAcl);
        var id = PendingTable.Add(pending);
        if (!TryEnterNative(id)) return pending.Task;
        int rc;
        try
        {
            rc = ZooKeeperNative.AMulti(_zh, pending.Count, pending.Ops, pending.Results, NativeCallbacks.MultiCompletion, (void*)id);
        }
        finally
        {
            ExitNative();
        }

        AfterSubmit(rc, id);
        return pending.Task;
    }

    private (long Id, Task<WatchedEvent> Task) AddWatch(string path)
    {
        var watch = new PendingWatch(this, path);
        return (PendingTable.Add(watch), watch.Task);
    }

    /// <summary>
    /// Enters the close gate for one native call. When the client is closing (or its session is final) the entry
    /// <paramref name="id"/> is failed instead and false is returned.
    /// </summary>
    private bool TryEnterNative(long id)
    {
        Interlocked.Increment(ref _nativeCalls);
        if (Volatile.Read(ref _closing) != 0)
        {
            Interlocked.Decrement(ref _nativeCalls);
            PendingTable.Take(id)?.Fail(new ObjectDisposedException(nameof(ZooKeeperClient), "The ZooKeeper client is closed."));
            return false;
        }

        var state = State;
        if (state is ZooKeeperState.Expired or ZooKeeperState.AuthFailed)
        {
            Interlocked.Decrement(ref _nativeCalls);
            PendingTable.Take(id)?.Fail(state == ZooKeeperState.Expired ? ZooKeeperErrorCode.SessionExpired : ZooKeeperErrorCode.AuthFailed);
            return false;
        }

        return true;
    }

    private void ExitNative() => Interlocked.Decrement(ref _nativeCalls);

    /// <summary>A non-zero submit code means the C client will never call the completion: fail the entry here.</summary>
    private void AfterSubmit(int rc, long id)
    {
        if (rc != 0) PendingTable.Take(id)?.Fail(MapErrorCode(rc));
    }

    private static byte[] Utf8(string value)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, bytes);
        return bytes;
    }
}
