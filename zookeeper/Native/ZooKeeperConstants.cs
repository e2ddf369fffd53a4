using System.Runtime.InteropServices;

namespace Sluice.ZooKeeper.Native;

/// <summary>
/// The state, event and ACL constants the C client exports as <c>const</c> globals (read once from the library),
/// plus the ones that are only C <c>#define</c>s or enums (hard-coded, values from ZooKeeper 3.8's headers).
/// </summary>
internal static unsafe class ZooKeeperConstants
{
    // Read from the library's exports.
    public static readonly int ExpiredSessionState;
    public static readonly int AuthFailedState;
    public static readonly int ConnectingState;
    public static readonly int AssociatingState;
    public static readonly int ConnectedState;
    public static readonly int ReadOnlyState;
    public static readonly int NotConnectedState;
    public static readonly int CreatedEvent;
    public static readonly int DeletedEvent;
    public static readonly int ChangedEvent;
    public static readonly int ChildEvent;
    public static readonly int SessionEvent;
    public static readonly int NotWatchingEvent;

    /// <summary><c>const struct ACL_vector*</c>: the export's address itself is the pointer to pass.</summary>
    public static readonly void* OpenAclUnsafe;

    /// <inheritdoc cref="OpenAclUnsafe"/>
    public static readonly void* CreatorAllAcl;

    // Not exported (zookeeper.h enums): ZooLogLevel.
    public const int LogLevelOff = 0;
    public const int LogLevelError = 1;
    public const int LogLevelWarn = 2;
    public const int LogLevelInfo = 3;
    public const int LogLevelDebug = 4;

    static ZooKeeperConstants()
    {
        nint library;
        try
        {
            library = NativeLibrary.Load(ZooKeeperNative.Library);
        }
        catch (DllNotFoundException e)
        {
            throw new DllNotFoundException(
                $"Cannot load {ZooKeeperNative.Library}, Apache ZooKeeper's C client. Install Debian's libzookeeper-mt2 (./test.sh does).", e);
        }

        int I(string name) => *(int*)NativeLibrary.GetExport(library, name);
        ExpiredSessionState = I("ZOO_EXPIRED_SESSION_STATE");
        AuthFailedState = I("ZOO_AUTH_FAILED_STATE");
        ConnectingState = I("ZOO_CONNECTING_STATE");
        AssociatingState = I("ZOO_ASSOCIATING_STATE");
        ConnectedState = I("ZOO_CONNECTED_STATE");
        ReadOnlyState = I("ZOO_READONLY_STATE");
        NotConnectedState = I("ZOO_NOTCONNECTED_STATE");
        CreatedEvent = I("ZOO_CREATED_EVENT");
        DeletedEvent = I("ZOO_DELETED_EVENT");
        ChangedEvent = I("ZOO_CHANGED_EVENT");
        ChildEvent = I("ZOO_CHILD_EVENT");
        SessionEvent = I("ZOO_SESSION_EVENT");
        NotWatchingEvent = I("ZOO_NOTWATCHING_EVENT");
        OpenAclUnsafe = (void*)NativeLibrary.GetExport(library, "ZOO_OPEN_ACL_UNSAFE");
        CreatorAllAcl = (void*)NativeLibrary.GetExport(library, "ZOO_CREATOR_ALL_ACL");
    }

    /// <summary>Forces the static constructor (and so the library load) to run, surfacing a missing library early.</summary>
    public static void EnsureLoaded() => _ = ConnectedState;
}
