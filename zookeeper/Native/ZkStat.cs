using System.Runtime.InteropServices;

namespace Sluice.ZooKeeper.Native;

/// <summary>C <c>struct Stat</c> (72 bytes on x86-64; 4 bytes of padding after <c>aversion</c>).</summary>
[StructLayout(LayoutKind.Explicit, Size = 72)]
internal struct ZkStat
{
    [FieldOffset(0)] public long Czxid;
    [FieldOffset(8)] public long Mzxid;
    [FieldOffset(16)] public long Ctime;
    [FieldOffset(24)] public long Mtime;
    [FieldOffset(32)] public int Version;
    [FieldOffset(36)] public int Cversion;
    [FieldOffset(40)] public int Aversion;
    [FieldOffset(48)] public long EphemeralOwner;
    [FieldOffset(56)] public int DataLength;
    [FieldOffset(60)] public int NumChildren;
    [FieldOffset(64)] public long Pzxid;
}
