using System.Runtime.InteropServices;

namespace Sluice.ZooKeeper.Native;

/// <summary>C <c>zoo_op_result_t</c> (32 bytes): <c>int err</c>, <c>char* value</c>, <c>int valuelen</c>, <c>struct Stat* stat</c>.</summary>
[StructLayout(LayoutKind.Explicit, Size = 32)]
internal unsafe struct ZkOpResult
{
    [FieldOffset(0)] public int Error;
    [FieldOffset(8)] public byte* Value;
    [FieldOffset(16)] public int ValueLength;
    [FieldOffset(24)] public ZkStat* Stat;
}
