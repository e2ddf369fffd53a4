using System.Runtime.InteropServices;

namespace Sluice.ZooKeeper.Native;

/// <summary>C <c>struct String_vector</c>: <c>int32 count</c>, padding, <c>char** data</c> (16 bytes).</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal unsafe struct ZkStringVector
{
    [FieldOffset(0)] public int Count;
    [FieldOffset(8)] public byte** Data;
}
