using Sluice.Consumer.Progress;
using Wire = Sluice.Proto.ControlPlane.V1;

namespace Sluice.Executor.ControlPlane;

/// <summary>The consumer core's progress and states in control-plane terms.</summary>
internal static class ProgressMapping
{
    public static Wire.PartitionState ToProto(this PartitionState state) => state switch
    {
        PartitionState.Owned => Wire.PartitionState.Owned,
        PartitionState.Releasing => Wire.PartitionState.Releasing,
        PartitionState.Paused => Wire.PartitionState.Paused,
        PartitionState.Failed => Wire.PartitionState.Failed,
        PartitionState.Fenced => Wire.PartitionState.Fenced,
        _ => Wire.PartitionState.Unspecified,
    };

    public static Wire.PartitionProgress ToProto(this PartitionProgress p) => new()
    {
        Topic = p.Topic,
        Partition = p.Partition,
        Epoch = p.Epoch,
        State = p.State.ToProto(),
        CommittedOffset = p.CommittedOffset,
        ProcessedOffset = p.ProcessedOffset,
        HighWatermark = p.HighWatermark,
        Lag = p.Lag,
        InFlight = (int)Math.Min(int.MaxValue, p.InFlight),
        BufferedMessages = (int)Math.Min(int.MaxValue, p.BufferedMessages),
        BufferedBytes = p.BufferedBytes,
        Failures = p.Failures,
    };

    public static Wire.HeldPartition ToHeld(this PartitionProgress p) => new()
    {
        Topic = p.Topic,
        Partition = p.Partition,
        Epoch = p.Epoch,
        State = p.State.ToProto(),
    };
}
