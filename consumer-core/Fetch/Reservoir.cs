namespace Sluice.Consumer.Fetch;

/// <summary>
/// The consumer-wide share of the reservoir: bytes of fetched messages not yet done, against the
/// total limit. Per-partition limits live on each <see cref="Ownership.OwnedPartition"/>.
/// </summary>
internal sealed class Reservoir(SluiceConsumerOptions options)
{
    private long _bytes;
    private long _peakBytes;

    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>The most bytes held at once since start.</summary>
    public long PeakBytes => Volatile.Read(ref _peakBytes);

    public long MaxMessagesPerPartition { get; } = options.MaxBufferedMessagesPerPartition;

    public long MaxBytesPerPartition { get; } = options.MaxBufferedBytesPerPartition;

    public long MaxBytes { get; } = options.MaxBufferedBytes;

    public long ResumeMessagesPerPartition { get; } = (long)(options.MaxBufferedMessagesPerPartition * options.ResumeThreshold);

    public long ResumeBytesPerPartition { get; } = (long)(options.MaxBufferedBytesPerPartition * options.ResumeThreshold);

    public long ResumeBytes { get; } = (long)(options.MaxBufferedBytes * options.ResumeThreshold);

    public void Add(int bytes)
    {
        var now = Interlocked.Add(ref _bytes, bytes);
        if (now > Volatile.Read(ref _peakBytes))
        {
            Volatile.Write(ref _peakBytes, now); // poll thread is the only adder: no lost update
        }
    }

    public void Remove(int bytes) => Interlocked.Add(ref _bytes, -bytes);

    public bool IsFull(Ownership.OwnedPartition partition) =>
        partition.HeldMessages >= MaxMessagesPerPartition || partition.HeldBytes >= MaxBytesPerPartition || Bytes >= MaxBytes;

    public bool CanResume(Ownership.OwnedPartition partition) =>
        partition.HeldMessages <= ResumeMessagesPerPartition && partition.HeldBytes <= ResumeBytesPerPartition && Bytes <= ResumeBytes;
}
