using System.Diagnostics;

namespace Sluice.Consumer.Offsets;

/// <summary>
/// The offsets of one partition handed to workers, in fetch order, and which of them are done:
/// <see cref="NextCommitOffset"/> is the offset right after the last message of the contiguous
/// completed prefix, so a commit never passes an unfinished message.
/// </summary>
/// <remarks>
/// A pure type: not thread-safe, no clock, no Kafka. The consumer guards each instance with its
/// partition's lock. Messages are identified by the sequence number <see cref="Append"/> returns,
/// so lookups are O(1) in a ring buffer; completions out of order are held until the gap fills.
/// </remarks>
internal sealed class OffsetTracker
{
    private const byte Pending = 0;
    private const byte Completed = 1;
    private const byte Blocked = 2; // skipped or failed: never completed, blocks the prefix for good

    private long[] _offsets;
    private byte[] _status;
    private int _head;
    private int _count;
    private long _headSequence;
    private long _nextAfterLast;

    /// <param name="startOffset">The offset the partition was assigned at, or null when unknown until the first message.</param>
    public OffsetTracker(long? startOffset, int initialCapacity = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(initialCapacity, 1);
        var capacity = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)initialCapacity);
        _offsets = new long[capacity];
        _status = new byte[capacity];
        _nextAfterLast = startOffset ?? -1;
    }

    /// <summary>
    /// The offset to commit: the first message not completed, or the one after the last appended
    /// when all are done; the start offset when nothing has been appended; null when unknown.
    /// </summary>
    public long? NextCommitOffset => _count > 0 ? _offsets[_head] : (_nextAfterLast >= 0 ? _nextAfterLast : null);

    /// <summary>The offset after the last appended message (the start offset before any); null when unknown.</summary>
    public long? NextAppendOffset => _nextAfterLast >= 0 ? _nextAfterLast : null;

    /// <summary>Messages appended and not yet popped off the completed prefix.</summary>
    public int Tracked => _count;

    /// <summary>Sequence number the next <see cref="Append"/> returns.</summary>
    public long NextSequence => _headSequence + _count;

    /// <summary>Records a message handed to a worker; offsets must increase. Returns its sequence number.</summary>
    public long Append(long offset)
    {
        if (offset < _nextAfterLast)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"Offsets must increase; the last appended was {_nextAfterLast - 1}.");
        }
        if (_count == _offsets.Length)
        {
            Grow();
        }
        var index = (_head + _count) & (_offsets.Length - 1);
        _offsets[index] = offset;
        _status[index] = Pending;
        _count++;
        _nextAfterLast = offset + 1;
        return _headSequence + _count - 1;
    }

    /// <summary>Marks a message processed. Returns true when <see cref="NextCommitOffset"/> moved.</summary>
    public bool Complete(long sequence)
    {
        var index = IndexOf(sequence);
        if (_status[index] != Pending)
        {
            return false;
        }
        _status[index] = Completed;
        if (index != _head)
        {
            return false;
        }
        do
        {
            _head = (_head + 1) & (_offsets.Length - 1);
            _headSequence++;
            _count--;
        }
        while (_count > 0 && _status[_head] == Completed);
        return true;
    }

    /// <summary>
    /// Marks a message that will not be processed here (skipped at release, or failed without a
    /// commit): the committed offset never passes it.
    /// </summary>
    public void Block(long sequence)
    {
        var index = IndexOf(sequence);
        if (_status[index] == Pending)
        {
            _status[index] = Blocked;
        }
    }

    /// <summary>True while a message below <paramref name="offset"/> is still pending (neither completed nor blocked).</summary>
    public bool HasPendingBelow(long offset)
    {
        for (var i = 0; i < _count; i++)
        {
            var index = (_head + i) & (_offsets.Length - 1);
            if (_offsets[index] >= offset)
            {
                return false;
            }
            if (_status[index] == Pending)
            {
                return true;
            }
        }
        return false;
    }

    private int IndexOf(long sequence)
    {
        var distance = sequence - _headSequence;
        if (distance < 0 || distance >= _count)
        {
            throw new ArgumentOutOfRangeException(nameof(sequence), sequence, "Not a tracked message (already completed or never appended).");
        }
        return (int)((_head + distance) & (_offsets.Length - 1));
    }

    private void Grow()
    {
        var offsets = new long[_offsets.Length * 2];
        var status = new byte[offsets.Length];
        for (var i = 0; i < _count; i++)
        {
            var index = (_head + i) & (_offsets.Length - 1);
            offsets[i] = _offsets[index];
            status[i] = _status[index];
        }
        _offsets = offsets;
        _status = status;
        _head = 0;
        Debug.Assert(_count < _offsets.Length);
    }
}
