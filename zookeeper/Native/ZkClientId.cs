using System.Runtime.InteropServices;

namespace Sluice.ZooKeeper.Native;

/// <summary>C <c>clientid_t</c>: <c>int64 client_id</c> and a 16-byte password (24 bytes).</summary>
[StructLayout(LayoutKind.Explicit, Size = 24)]
internal unsafe struct ZkClientId
{
    public const int PasswordLength = 16;

    [FieldOffset(0)] public long ClientId;
    [FieldOffset(8)] public fixed byte Password[PasswordLength];
}
