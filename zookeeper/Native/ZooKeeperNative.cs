using System.Runtime.InteropServices;

namespace Sluice.ZooKeeper.Native;

/// <summary>
/// P/Invoke surface of Apache's C client <c>libzookeeper_mt.so.2</c> (Debian <c>libzookeeper-mt2</c>).
/// Every argument is blittable; strings are NUL-terminated UTF-8 the caller pins; callbacks are
/// <c>[UnmanagedCallersOnly]</c> functions passed as <c>delegate* unmanaged[Cdecl]</c>.
/// </summary>
internal static unsafe partial class ZooKeeperNative
{
    public const string Library = "libzookeeper_mt.so.2";

    [LibraryImport(Library, EntryPoint = "zookeeper_init2")]
    public static partial nint Init2(
        byte* host,
        delegate* unmanaged[Cdecl]<nint, int, int, byte*, void*, void> watcher,
        int receiveTimeoutMs,
        ZkClientId* clientId,
        void* context,
        int flags,
        delegate* unmanaged[Cdecl]<byte*, void> logCallback);

    [LibraryImport(Library, EntryPoint = "zookeeper_close")]
    public static partial int Close(nint zh);

    [LibraryImport(Library, EntryPoint = "zoo_client_id")]
    public static partial ZkClientId* ClientId(nint zh);

    [LibraryImport(Library, EntryPoint = "zoo_state")]
    public static partial int State(nint zh);

    [LibraryImport(Library, EntryPoint = "zoo_recv_timeout")]
    public static partial int ReceiveTimeout(nint zh);

    [LibraryImport(Library, EntryPoint = "zerror")]
    public static partial byte* Error(int code);

    [LibraryImport(Library, EntryPoint = "zoo_set_debug_level")]
    public static partial void SetDebugLevel(int level);

    [LibraryImport(Library, EntryPoint = "zoo_add_auth")]
    public static partial int AddAuth(
        nint zh, byte* scheme, byte* cert, int certLength,
        delegate* unmanaged[Cdecl]<int, void*, void> completion, void* data);

    [LibraryImport(Library, EntryPoint = "zoo_acreate")]
    public static partial int ACreate(
        nint zh, byte* path, byte* value, int valueLength, void* acl, int mode,
        delegate* unmanaged[Cdecl]<int, byte*, void*, void> completion, void* data);

    [LibraryImport(Library, EntryPoint = "zoo_adelete")]
    public static partial int ADelete(
        nint zh, byte* path, int version,
        delegate* unmanaged[Cdecl]<int, void*, void> completion, void* data);

    [LibraryImport(Library, EntryPoint = "zoo_awexists")]
    public static partial int AWExists(
        nint zh, byte* path,
        delegate* unmanaged[Cdecl]<nint, int, int, byte*, void*, void> watcher, void* watcherContext,
        delegate* unmanaged[Cdecl]<int, ZkStat*, void*, void> completion, void* data);

    [LibraryImport(Library, EntryPoint = "zoo_awget")]
    public static partial int AWGet(
        nint zh, byte* path,
        delegate* unmanaged[Cdecl]<nint, int, int, byte*, void*, void> watcher, void* watcherContext,
        delegate* unmanaged[Cdecl]<int, byte*, int, ZkStat*, void*, void> completion, void* data);

    [LibraryImport(Library, EntryPoint = "zoo_aset")]
    public static partial int ASet(
        nint zh, byte* path, byte* buffer, int bufferLength, int version,
        delegate* unmanaged[Cdecl]<int, ZkStat*, void*, void> completion, void* data);

    [LibraryImport(Library, EntryPoint = "zoo_awget_children2")]
    public static partial int AWGetChildren2(
        nint zh, byte* path,
        delegate* unmanaged[Cdecl]<nint, int, int, byte*, void*, void> watcher, void* watcherContext,
        delegate* unmanaged[Cdecl]<int, ZkStringVector*, ZkStat*, void*, void> completion, void* data);

    [LibraryImport(Library, EntryPoint = "zoo_amulti")]
    public static partial int AMulti(
        nint zh, int count, ZkOp* ops, ZkOpResult* results,
        delegate* unmanaged[Cdecl]<int, void*, void> completion, void* data);

    /// <summary>zerror(rc): a static string owned by the library (never freed).</summary>
    public static string ErrorText(int code) => Marshal.PtrToStringUTF8((nint)Error(code)) ?? $"error {code}";
}
