using System.Runtime.InteropServices;
using System.Text;

namespace Sluice.ZooKeeper.Native;

/// <summary>
/// A pending <c>zoo_amulti</c>. The C client writes the results array, each set's <c>Stat</c> and each create's path
/// buffer when the answer arrives, not during the call, so all of it lives in native memory owned by this entry
/// until it is completed or failed (then freed, exactly once).
/// </summary>
internal sealed unsafe class PendingMulti : PendingEntry
{
    private const int CreatedPathCapacity = 1024;
    private readonly TaskCompletionSource<IReadOnlyList<OpResult>> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IReadOnlyList<ZooKeeperOp> _operations;
    private static long s_outstandingBytes;
    private readonly List<(nint Memory, int Bytes)> _allocations = [];
    private int _released;

    public PendingMulti(ZooKeeperClient owner, IReadOnlyList<ZooKeeperOp> operations, void* createAcl)
        : base(owner, null)
    {
        _operations = operations;
        var count = operations.Count;
        Ops = (ZkOp*)Allocate(sizeof(ZkOp) * count);
        Results = (ZkOpResult*)Allocate(sizeof(ZkOpResult) * count);
        for (var i = 0; i < count; i++)
        {
            var op = &Ops[i];
            switch (operations[i])
            {
                case ZooKeeperOp.CheckOp check:
                    op->Type = ZkOp.CheckOp;
                    op->Path = CopyString(check.Path);
                    op->DeleteOrCheckVersion = check.Version;
                    break;
                case ZooKeeperOp.DeleteOp delete:
                    op->Type = ZkOp.DeleteOp;
                    op->Path = CopyString(delete.Path);
                    op->DeleteOrCheckVersion = delete.Version;
                    break;
                case ZooKeeperOp.SetOp set:
                    op->Type = ZkOp.SetDataOp;
                    op->Path = CopyString(set.Path);
                    op->SetData = CopyBytes(set.Data.Span);
                    op->SetDataLength = set.Data.Length;
                    op->SetVersion = set.Version;
                    op->SetStat = (ZkStat*)Allocate(sizeof(ZkStat));
                    break;
                case ZooKeeperOp.CreateOp create:
                    op->Type = ZkOp.CreateOp;
                    op->Path = CopyString(create.Path);
                    op->CreateData = CopyBytes(create.Data.Span);
                    op->CreateDataLength = create.Data.Length;
                    op->CreateBuffer = (byte*)Allocate(CreatedPathCapacity);
                    op->CreateBufferLength = CreatedPathCapacity;
                    op->CreateAcl = createAcl;
                    op->CreateFlags = (int)create.Mode;
                    op->CreateTtl = -1;
                    break;
                default:
                    Release();
                    throw new ArgumentException($"Unknown multi operation {operations[i].GetType().Name}.", nameof(operations));
            }
        }
    }

    /// <summary>Native bytes held by multis not yet completed, failed or swept (process-wide; for leak tests).</summary>
    public static long OutstandingBytes => Interlocked.Read(ref s_outstandingBytes);

    public ZkOp* Ops { get; }

    public ZkOpResult* Results { get; }

    public int Count => _operations.Count;

    public Task<IReadOnlyList<OpResult>> Task => _completion.Task;

    /// <summary>Called with the C client's answer (on its completion thread).</summary>
    public void Complete(int rc)
    {
        try
        {
            if (rc == 0)
            {
                var results = new OpResult[Count];
                for (var i = 0; i < Count; i++)
                {
                    results[i] = _operations[i] switch
                    {
                        ZooKeeperOp.CreateOp => new OpResult(Marshal.PtrToStringUTF8((nint)Ops[i].CreateBuffer), null),
                        ZooKeeperOp.SetOp => new OpResult(null, ZNodeStat.From(Ops[i].SetStat)),
                        _ => new OpResult(null, null),
                    };
                }

                _completion.TrySetResult(results);
                return;
            }

            var errors = new ZooKeeperErrorCode[Count];
            var failed = -1;
            for (var i = 0; i < Count; i++)
            {
                errors[i] = (ZooKeeperErrorCode)Results[i].Error;
                if (failed < 0 && errors[i] is not (ZooKeeperErrorCode.Ok or ZooKeeperErrorCode.RuntimeInconsistency)) failed = i;
            }

            if (failed >= 0 && errors[failed] != (ZooKeeperErrorCode)rc) failed = Array.IndexOf(errors, (ZooKeeperErrorCode)rc);
            var code = Owner.MapErrorCode(rc);
            _completion.TrySetException(new ZooKeeperMultiException(code, failed, failed >= 0 ? _operations[failed].Path : null, errors));
        }
        finally
        {
            Release();
        }
    }

    public override void Fail(Exception exception)
    {
        Release();
        _completion.TrySetException(exception);
    }

    private void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0) return;
        foreach (var (memory, bytes) in _allocations)
        {
            NativeMemory.Free((void*)memory);
            Interlocked.Add(ref s_outstandingBytes, -bytes);
        }

        _allocations.Clear();
    }

    private void* Allocate(int bytes)
    {
        bytes = Math.Max(bytes, 1);
        var memory = NativeMemory.AllocZeroed((nuint)bytes);
        _allocations.Add(((nint)memory, bytes));
        Interlocked.Add(ref s_outstandingBytes, bytes);
        return memory;
    }

    private byte* CopyString(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        var memory = (byte*)Allocate(length + 1);
        Encoding.UTF8.GetBytes(value, new Span<byte>(memory, length));
        return memory;
    }

    private byte* CopyBytes(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty) return null;
        var memory = (byte*)Allocate(value.Length);
        value.CopyTo(new Span<byte>(memory, value.Length));
        return memory;
    }
}
