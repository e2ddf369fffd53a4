using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Sluice.ZooKeeper.Native;

/// <summary>
/// The functions the C client calls back, all on the handle's single completion thread (the log callback: on its IO
/// thread and the caller of <c>zookeeper_init2</c>). Each copies what it needs (the C client frees values, stats and
/// vectors when the callback returns), completes a task whose continuations run elsewhere, and never lets an
/// exception escape (that would terminate the process).
/// </summary>
internal static unsafe class NativeCallbacks
{
    [ThreadStatic] private static bool t_inCallback;

    /// <summary>True while the current thread runs one of these callbacks (closing a handle there is forbidden).</summary>
    public static bool IsOnCallbackThread => t_inCallback;

    public static delegate* unmanaged[Cdecl]<nint, int, int, byte*, void*, void> SessionWatcher => &OnSessionEvent;

    public static delegate* unmanaged[Cdecl]<nint, int, int, byte*, void*, void> PathWatcher => &OnPathEvent;

    public static delegate* unmanaged[Cdecl]<byte*, void> Log => &OnLog;

    public static delegate* unmanaged[Cdecl]<int, byte*, void*, void> StringCompletion => &OnString;

    public static delegate* unmanaged[Cdecl]<int, byte*, int, ZkStat*, void*, void> DataCompletion => &OnData;

    public static delegate* unmanaged[Cdecl]<int, ZkStat*, void*, void> StatCompletion => &OnStat;

    public static delegate* unmanaged[Cdecl]<int, ZkStat*, void*, void> ExistsCompletion => &OnExists;

    public static delegate* unmanaged[Cdecl]<int, void*, void> VoidCompletion => &OnVoid;

    public static delegate* unmanaged[Cdecl]<int, void*, void> MultiCompletion => &OnMulti;

    public static delegate* unmanaged[Cdecl]<int, ZkStringVector*, ZkStat*, void*, void> ChildrenCompletion => &OnChildren;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnSessionEvent(nint zh, int type, int state, byte* path, void* context)
    {
        t_inCallback = true;
        try
        {
            if (type == ZooKeeperConstants.SessionEvent && ClientRegistry.Find((long)context) is { } client)
            {
                client.OnSessionEvent(zh, state);
            }
        }
        catch (Exception e)
        {
            NativeLog.CallbackFailed(e);
        }
        finally
        {
            t_inCallback = false;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnPathEvent(nint zh, int type, int state, byte* path, void* context)
    {
        t_inCallback = true;
        try
        {
            if (type == ZooKeeperConstants.SessionEvent)
            {
                // Path watchers also get session events; the watch stays armed across reconnections and only a
                // final state means it can never fire.
                if (state == ZooKeeperConstants.ExpiredSessionState) PendingTable.Take((long)context)?.Fail(ZooKeeperErrorCode.SessionExpired);
                else if (state == ZooKeeperConstants.AuthFailedState) PendingTable.Take((long)context)?.Fail(ZooKeeperErrorCode.AuthFailed);
                return;
            }

            if (PendingTable.Take((long)context) is not { } entry) return;
            if (entry is not PendingWatch watch || type == ZooKeeperConstants.NotWatchingEvent)
            {
                entry.Fail(ZooKeeperErrorCode.NoWatcher);
                return;
            }

            var eventPath = Marshal.PtrToStringUTF8((nint)path) ?? watch.Path ?? "";
            if (type == ZooKeeperConstants.CreatedEvent) watch.Fire(WatchEventType.NodeCreated, eventPath);
            else if (type == ZooKeeperConstants.DeletedEvent) watch.Fire(WatchEventType.NodeDeleted, eventPath);
            else if (type == ZooKeeperConstants.ChangedEvent) watch.Fire(WatchEventType.NodeDataChanged, eventPath);
            else if (type == ZooKeeperConstants.ChildEvent) watch.Fire(WatchEventType.NodeChildrenChanged, eventPath);
            else watch.Fail(ZooKeeperErrorCode.NoWatcher);
        }
        catch (Exception e)
        {
            NativeLog.CallbackFailed(e);
        }
        finally
        {
            t_inCallback = false;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnLog(byte* message)
    {
        try
        {
            if (message is not null) NativeLog.Write(Marshal.PtrToStringUTF8((nint)message) ?? "");
        }
        catch (Exception)
        {
            // A failing logger must not terminate the process from a native thread; nothing else to tell it to.
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnString(int rc, byte* value, void* data)
    {
        t_inCallback = true;
        try
        {
            if (Take(rc, data) is PendingCompletion<string> pending) pending.Complete(Marshal.PtrToStringUTF8((nint)value) ?? "");
        }
        catch (Exception e)
        {
            NativeLog.CallbackFailed(e);
        }
        finally
        {
            t_inCallback = false;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnData(int rc, byte* value, int valueLength, ZkStat* stat, void* data)
    {
        t_inCallback = true;
        try
        {
            if (Take(rc, data) is PendingCompletion<ZNodeData> pending)
            {
                var bytes = value is null || valueLength <= 0 ? [] : new ReadOnlySpan<byte>(value, valueLength).ToArray();
                pending.Complete(new ZNodeData(bytes, ZNodeStat.From(stat)));
            }
        }
        catch (Exception e)
        {
            NativeLog.CallbackFailed(e);
        }
        finally
        {
            t_inCallback = false;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnStat(int rc, ZkStat* stat, void* data)
    {
        t_inCallback = true;
        try
        {
            if (Take(rc, data) is PendingCompletion<ZNodeStat> pending) pending.Complete(ZNodeStat.From(stat));
        }
        catch (Exception e)
        {
            NativeLog.CallbackFailed(e);
        }
        finally
        {
            t_inCallback = false;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnExists(int rc, ZkStat* stat, void* data)
    {
        t_inCallback = true;
        try
        {
            // NoNode is an answer, not a failure: the node is absent (and a watch, if any, is armed for its creation).
            if (rc == (int)ZooKeeperErrorCode.NoNode)
            {
                if (PendingTable.Take((long)data) is PendingCompletion<ZNodeStat?> absent) absent.Complete(null);
                return;
            }

            if (Take(rc, data) is PendingCompletion<ZNodeStat?> pending) pending.Complete(ZNodeStat.From(stat));
        }
        catch (Exception e)
        {
            NativeLog.CallbackFailed(e);
        }
        finally
        {
            t_inCallback = false;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnVoid(int rc, void* data)
    {
        t_inCallback = true;
        try
        {
            if (Take(rc, data) is PendingCompletion<bool> pending) pending.Complete(true);
        }
        catch (Exception e)
        {
            NativeLog.CallbackFailed(e);
        }
        finally
        {
            t_inCallback = false;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnMulti(int rc, void* data)
    {
        t_inCallback = true;
        try
        {
            switch (PendingTable.Take((long)data))
            {
                case PendingMulti multi:
                    multi.Complete(rc);
                    break;
                case { } other:
                    other.Fail(ZooKeeperErrorCode.RuntimeInconsistency);
                    break;
            }
        }
        catch (Exception e)
        {
            NativeLog.CallbackFailed(e);
        }
        finally
        {
            t_inCallback = false;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnChildren(int rc, ZkStringVector* strings, ZkStat* stat, void* data)
    {
        t_inCallback = true;
        try
        {
            if (Take(rc, data) is PendingCompletion<ZNodeChildren> pending)
            {
                var count = strings is null ? 0 : strings->Count;
                var names = new string[count];
                for (var i = 0; i < count; i++) names[i] = Marshal.PtrToStringUTF8((nint)strings->Data[i]) ?? "";
                Array.Sort(names, StringComparer.Ordinal);
                pending.Complete(new ZNodeChildren(names, ZNodeStat.From(stat)));
            }
        }
        catch (Exception e)
        {
            NativeLog.CallbackFailed(e);
        }
        finally
        {
            t_inCallback = false;
        }
    }

    /// <summary>
    /// Takes the entry for <paramref name="data"/>; on an error code fails it and returns null, so callers only see
    /// entries to complete with a value. Unknown ids (already swept or completed) give null.
    /// </summary>
    private static PendingEntry? Take(int rc, void* data)
    {
        var entry = PendingTable.Take((long)data);
        if (entry is null || rc == 0) return entry;
        entry.Fail(entry.Owner.MapErrorCode(rc));
        return null;
    }
}
