using System.Buffers;
using System.Globalization;
using Google.Protobuf;

namespace Sluice.Mesos.RecordIO;

/// <summary>
/// Writes Mesos RecordIO: each record as <c>&lt;decimal length&gt;\n&lt;bytes&gt;</c>, no trailing newline.
/// </summary>
/// <remarks>Not thread-safe: one writer at a time, as for the underlying stream.</remarks>
public sealed class RecordIOWriter
{
    private readonly Stream _stream;

    public RecordIOWriter(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
    }

    /// <summary>Writes one record (header and body in a single write) and flushes.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> record, CancellationToken cancellationToken)
    {
        byte[] frame = ArrayPool<byte>.Shared.Rent(MaxHeaderLength + record.Length);
        try
        {
            int length = Frame(record.Span, frame);
            await _stream.WriteAsync(frame.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>Writes a protobuf message as one record and flushes.</summary>
    public ValueTask WriteAsync(IMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return WriteAsync(message.ToByteArray(), cancellationToken);
    }

    /// <summary>Returns <paramref name="record"/> framed as one RecordIO record.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> record)
    {
        var frame = new byte[HeaderLength(record.Length) + record.Length];
        Frame(record, frame);
        return frame;
    }

    /// <summary>Returns <paramref name="message"/> framed as one RecordIO record.</summary>
    public static byte[] Encode(IMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Encode(message.ToByteArray());
    }

    // Longest header: 10 digits of int.MaxValue and the newline.
    private const int MaxHeaderLength = 11;

    private static int HeaderLength(int length) => length.ToString(CultureInfo.InvariantCulture).Length + 1;

    private static int Frame(ReadOnlySpan<byte> record, Span<byte> destination)
    {
        record.Length.TryFormat(destination, out int digits, provider: CultureInfo.InvariantCulture);
        destination[digits] = (byte)'\n';
        record.CopyTo(destination[(digits + 1)..]);
        return digits + 1 + record.Length;
    }
}
