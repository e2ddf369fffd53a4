using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Sluice.Mesos.RecordIO;

/// <summary>
/// Reads Mesos RecordIO (<c>&lt;decimal length&gt;\n&lt;bytes&gt;</c>, repeated) from a stream.
/// </summary>
/// <remarks>
/// <para>Chunk boundaries do not matter: a record may arrive one byte at a time, and one read
/// may hold many records. A record body is handed to the caller straight from the pipe's
/// buffers (<see cref="ReadAsync{T}"/>, no copy) or copied exactly once
/// (<see cref="ReadRecordAsync"/>).</para>
/// <para>Bad input ends in a <see cref="RecordIOException"/>, never in a hang on bytes that
/// have already arrived or in an allocation larger than <see cref="MaxRecordLength"/>: a length
/// that is not a decimal number, a length over the maximum or of more than
/// <see cref="MaxLengthDigits"/> digits, a stream that ends inside a record. A stream that stays
/// silent is not bad input: cancel the read (the Mesos clients do that with their heartbeat
/// watchdogs).</para>
/// <para>Not thread-safe: one read at a time.</para>
/// </remarks>
public sealed class RecordIOReader : IAsyncDisposable
{
    /// <summary>Default for <see cref="MaxRecordLength"/>: 16 MiB.</summary>
    public const int DefaultMaxRecordLength = 16 * 1024 * 1024;

    /// <summary>
    /// Most digits a length may have: a uint64 has 20. More (leading zeros included) is refused,
    /// so a header that never ends is never buffered.
    /// </summary>
    public const int MaxLengthDigits = 20;

    private readonly PipeReader _reader;
    private long _recordIndex;
    private long _consumed;
    private bool _ended;

    /// <summary>Reads from <paramref name="stream"/>; disposing the reader disposes the stream.</summary>
    public RecordIOReader(Stream stream, int maxRecordLength = DefaultMaxRecordLength)
        : this(PipeReader.Create(stream ?? throw new ArgumentNullException(nameof(stream))), maxRecordLength)
    {
    }

    /// <summary>Reads from <paramref name="reader"/>; disposing the reader completes it.</summary>
    public RecordIOReader(PipeReader reader, int maxRecordLength = DefaultMaxRecordLength)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRecordLength);
        _reader = reader;
        MaxRecordLength = maxRecordLength;
    }

    /// <summary>Largest record body accepted, in bytes.</summary>
    public int MaxRecordLength { get; }

    /// <summary>Number of records read so far.</summary>
    public long RecordsRead => _recordIndex;

    /// <summary>
    /// Reads the next record and hands its body to <paramref name="parse"/> without copying it.
    /// </summary>
    /// <param name="parse">
    /// Called once, synchronously on the reading thread, with the record body; the sequence is
    /// valid only during the call. If it throws, the record is skipped and the exception
    /// propagates.
    /// </param>
    /// <returns>What <paramref name="parse"/> returned, or <see langword="null"/> when the stream
    /// ended cleanly between two records.</returns>
    /// <exception cref="RecordIOException">The stream is not valid RecordIO.</exception>
    public async ValueTask<T?> ReadAsync<T>(Func<ReadOnlySequence<byte>, T> parse, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (_ended)
        {
            return null;
        }

        while (true)
        {
            ReadResult result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;

            if (TryReadHeader(buffer, out long length, out long headerLength))
            {
                long available = buffer.Length - headerLength;
                if (available >= length)
                {
                    // Positions are taken from the whole buffer: an empty slice would lose them.
                    SequencePosition bodyStart = buffer.GetPosition(headerLength);
                    SequencePosition bodyEnd = buffer.GetPosition(length, bodyStart);
                    try
                    {
                        return parse(buffer.Slice(bodyStart, bodyEnd));
                    }
                    finally
                    {
                        _reader.AdvanceTo(bodyEnd);
                        _consumed += headerLength + length;
                        _recordIndex++;
                    }
                }

                if (result.IsCompleted)
                {
                    _reader.AdvanceTo(buffer.End);
                    throw Error(
                        $"the stream ended inside record {_recordIndex}: its length said {length} bytes, only {available} arrived",
                        _consumed + buffer.Length);
                }
            }
            else if (result.IsCompleted)
            {
                _reader.AdvanceTo(buffer.End);
                if (buffer.IsEmpty)
                {
                    _ended = true;
                    return null;
                }

                throw Error(
                    $"the stream ended inside the length of record {_recordIndex} ({buffer.Length} bytes without a newline)",
                    _consumed + buffer.Length);
            }

            if (result.IsCanceled)
            {
                throw new OperationCanceledException("The RecordIO read was cancelled.");
            }

            // Keep everything, but do not wake up again before more bytes arrive.
            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Reads the next record, copying its body once.</summary>
    /// <returns>The record body, or <see langword="null"/> when the stream ended cleanly between two records.</returns>
    /// <exception cref="RecordIOException">The stream is not valid RecordIO.</exception>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadRecordAsync(CancellationToken cancellationToken)
    {
        byte[]? body = await ReadAsync(static sequence => sequence.ToArray(), cancellationToken).ConfigureAwait(false);
        return body is null ? default(ReadOnlyMemory<byte>?) : body.AsMemory();
    }

    /// <summary>Reads records until the stream ends cleanly; each body is copied once.</summary>
    /// <exception cref="RecordIOException">The stream is not valid RecordIO.</exception>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await ReadRecordAsync(cancellationToken).ConfigureAwait(false) is { } record)
        {
            yield return record;
        }
    }

    public ValueTask DisposeAsync() => _reader.CompleteAsync();

    /// <summary>
    /// Parses <c>digits '\n'</c> at the start of <paramref name="buffer"/>. Returns false when the
    /// newline has not arrived yet; throws as soon as the bytes seen cannot be a valid header.
    /// </summary>
    private bool TryReadHeader(ReadOnlySequence<byte> buffer, out long length, out long headerLength)
    {
        var reader = new SequenceReader<byte>(buffer);
        length = 0;
        int digits = 0;
        while (reader.TryRead(out byte b))
        {
            if (b == (byte)'\n')
            {
                if (digits == 0)
                {
                    throw Error($"record {_recordIndex} has an empty length (a newline where digits were expected)", _consumed + reader.Consumed - 1);
                }

                headerLength = reader.Consumed;
                return true;
            }

            if (b is < (byte)'0' or > (byte)'9')
            {
                throw Error(
                    $"the length of record {_recordIndex} holds {Describe(b)}, expected a decimal digit or a newline",
                    _consumed + reader.Consumed - 1);
            }

            if (++digits > MaxLengthDigits)
            {
                throw Error(
                    $"the length of record {_recordIndex} has more than {MaxLengthDigits} digits",
                    _consumed + reader.Consumed - 1);
            }

            length = (length * 10) + (b - '0');
            if (length > MaxRecordLength)
            {
                // Said as soon as the digits seen exceed the maximum, so a long run of digits
                // never has to be buffered.
                throw Error(
                    $"the length of record {_recordIndex} exceeds the maximum of {MaxRecordLength} bytes (it reads {length} after {digits} digits)",
                    _consumed + reader.Consumed - 1);
            }
        }

        headerLength = 0;
        return false;
    }

    private RecordIOException Error(string what, long offset) =>
        new($"Malformed RecordIO: {what} (stream offset {offset}).", _recordIndex, offset);

    private static string Describe(byte b) =>
        b is >= 0x20 and < 0x7F ? $"byte 0x{b:X2} ('{(char)b}')" : $"byte 0x{b:X2}";
}
