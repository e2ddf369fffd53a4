namespace Sluice.Mesos.RecordIO;

/// <summary>
/// The bytes on a RecordIO stream are not RecordIO: a length that is not a decimal number, a
/// length over the reader's maximum, or a stream that ends inside a record.
/// </summary>
/// <remarks>
/// The message says what was wrong and where (record index and stream offset). The stream
/// cannot be resynchronised after this: close it and reconnect.
/// </remarks>
public sealed class RecordIOException : IOException
{
    public RecordIOException(string message, long recordIndex, long streamOffset)
        : base(message)
    {
        RecordIndex = recordIndex;
        StreamOffset = streamOffset;
    }

    /// <summary>Zero-based index of the record being read when the error was found.</summary>
    public long RecordIndex { get; }

    /// <summary>Offset in the stream (bytes from its start) of the offending byte, or of the end of the stream.</summary>
    public long StreamOffset { get; }
}
