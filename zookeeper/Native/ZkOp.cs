using System.Runtime.InteropServices;

namespace Sluice.ZooKeeper.Native;

/// <summary>
/// C <c>zoo_op_t</c> (72 bytes): <c>int type</c>, padding, then a union at offset 8. Note the two different
/// version offsets: <c>set_op.version</c> is at 28 (packed after <c>datalen</c>), delete/check version at 16.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 72)]
internal unsafe struct ZkOp
{
    public const int CreateOp = 1;   // ZOO_CREATE_OP (proto.h, not exported)
    public const int DeleteOp = 2;   // ZOO_DELETE_OP
    public const int SetDataOp = 5;  // ZOO_SETDATA_OP
    public const int CheckOp = 13;   // ZOO_CHECK_OP

    [FieldOffset(0)] public int Type;

    // create_op
    [FieldOffset(8)] public byte* Path;
    [FieldOffset(16)] public byte* CreateData;
    [FieldOffset(24)] public int CreateDataLength;
    [FieldOffset(32)] public byte* CreateBuffer;
    [FieldOffset(40)] public int CreateBufferLength;
    [FieldOffset(48)] public void* CreateAcl;
    [FieldOffset(56)] public int CreateFlags;
    [FieldOffset(64)] public long CreateTtl;

    // delete_op / check_op (path @8)
    [FieldOffset(16)] public int DeleteOrCheckVersion;

    // set_op (path @8, data @16, datalen @24)
    [FieldOffset(16)] public byte* SetData;
    [FieldOffset(24)] public int SetDataLength;
    [FieldOffset(28)] public int SetVersion;
    [FieldOffset(32)] public ZkStat* SetStat;
}
