using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Sluice.Consumer.Offsets;

namespace Sluice.Consumer.Tests.Offsets;

public sealed class OffsetTrackerTests
{
    [Fact]
    public void NextCommitOffset_NothingAppended_IsTheStartOffset()
    {
        Assert.Equal(42, new OffsetTracker(42).NextCommitOffset);
        Assert.Null(new OffsetTracker(null).NextCommitOffset);
    }

    [Fact]
    public void Complete_OutOfOrder_HeldUntilTheGapFills()
    {
        var tracker = new OffsetTracker(10);
        var a = tracker.Append(10);
        var b = tracker.Append(11);
        var c = tracker.Append(12);

        Assert.False(tracker.Complete(c));
        Assert.False(tracker.Complete(b));
        Assert.Equal(10, tracker.NextCommitOffset);

        Assert.True(tracker.Complete(a));
        Assert.Equal(13, tracker.NextCommitOffset);
        Assert.Equal(0, tracker.Tracked);
    }

    [Fact]
    public void Block_MessageNeverCompleted_CommitNeverPassesIt()
    {
        var tracker = new OffsetTracker(0);
        var a = tracker.Append(0);
        var b = tracker.Append(1);
        var c = tracker.Append(2);
        tracker.Complete(a);
        tracker.Block(b);
        tracker.Complete(c);

        Assert.Equal(1, tracker.NextCommitOffset);
        Assert.False(tracker.HasPendingBelow(3));
    }

    [Fact]
    public void Append_OffsetsWithGaps_CommitsTheOffsetAfterTheLastCompleted()
    {
        var tracker = new OffsetTracker(null);
        var a = tracker.Append(5);
        var b = tracker.Append(9); // e.g. a transaction marker or compacted records in between
        tracker.Complete(a);
        Assert.Equal(9, tracker.NextCommitOffset);
        tracker.Complete(b);
        Assert.Equal(10, tracker.NextCommitOffset);
    }

    [Fact]
    public void Append_DecreasingOffset_Throws()
    {
        var tracker = new OffsetTracker(0);
        tracker.Append(3);
        Assert.Throws<ArgumentOutOfRangeException>(() => tracker.Append(2));
    }

    [Fact]
    public void HasPendingBelow_PendingMessageUnderTheCut_IsTrue()
    {
        var tracker = new OffsetTracker(0);
        tracker.Append(0);
        var b = tracker.Append(1);
        tracker.Complete(b);
        Assert.True(tracker.HasPendingBelow(1));
        Assert.False(tracker.HasPendingBelow(0));
    }

    /// <summary>
    /// The property: whatever the completion order (and with some messages blocked), the next commit
    /// offset is always the first appended message not completed (or the one after the last), i.e.
    /// every message below it is completed and it never passes an unfinished one.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property RandomCompletionOrders_NextCommitOffset_IsAlwaysTheContiguousCompletedPrefix(PositiveInt size, int seed) =>
        Prop.ToProperty(CheckRandomOrder(Math.Min(size.Get, 500), seed));

    [Fact]
    public void RandomCompletionOrders_SeededLoop_LargeInterleavings()
    {
        for (var seed = 0; seed < 200; seed++)
        {
            Assert.True(CheckRandomOrder(2_000, seed), $"seed {seed}");
        }
    }

    private static bool CheckRandomOrder(int size, int seed)
    {
        var random = new Random(seed);
        var start = random.Next(0, 1000);
        var tracker = new OffsetTracker(start, initialCapacity: 4);
        var offsets = new List<long>();
        var sequences = new List<long>();
        var done = new List<bool>();
        var next = (long)start;
        var appended = 0;
        var open = new List<int>();

        // Interleave appends and completions (as the poll thread and workers do), in random order.
        while (appended < size || open.Count > 0)
        {
            if (appended < size && (open.Count == 0 || random.Next(3) == 0))
            {
                next += random.Next(1, 4) == 1 ? 2 : 1; // occasional gaps in offsets
                offsets.Add(next);
                sequences.Add(tracker.Append(next));
                done.Add(false);
                open.Add(appended++);
            }
            else
            {
                var pick = random.Next(open.Count);
                var index = open[pick];
                open.RemoveAt(pick);
                tracker.Complete(sequences[index]);
                done[index] = true;
            }

            // Model: the first appended message not done, or the one after the last appended.
            var firstOpen = done.IndexOf(false);
            long expected = firstOpen >= 0 ? offsets[firstOpen] : (offsets.Count > 0 ? offsets[^1] + 1 : start);
            if (tracker.NextCommitOffset != expected)
            {
                return false;
            }
            for (var i = 0; i < offsets.Count && offsets[i] < expected; i++)
            {
                if (!done[i])
                {
                    return false;
                }
            }
        }
        return tracker.Tracked == 0;
    }
}
