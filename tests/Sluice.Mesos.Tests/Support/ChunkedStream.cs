namespace Sluice.Mesos.Tests.Support;

/// <summary>
/// A read-only stream over fixed bytes that hands them out in chunks of the given sizes (cycled),
/// like a network that re-chunks; optionally never ends (blocks until cancelled) after the bytes.
/// </summary>
internal sealed class ChunkedStream(byte[] data, IReadOnlyList<int> chunkSizes, bool hangAtEnd = false) : Stream
{
    private int _position;
    private int _chunk;

    public int ReadCalls { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ReadCalls++;
        int size = Math.Min(Math.Min(buffer.Length, chunkSizes[_chunk++ % chunkSizes.Count]), data.Length - _position);
        data.AsSpan(_position, size).CopyTo(buffer);
        _position += size;
        return size;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position == data.Length && hangAtEnd)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        await Task.Yield();
        return Read(buffer.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
