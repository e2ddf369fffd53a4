using Microsoft.Extensions.Time.Testing;
using Sluice.Bench.Cutover;

namespace Sluice.Bench.Tests.Cutover;

public sealed class CutoverRecorderTests
{
    private const string Topic = "orders";

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void RecordProcessed_AfterTimePasses_StampedOnTheRecordersClock()
    {
        var sut = CreateSut(partitions: 1);
        _time.Advance(TimeSpan.FromMilliseconds(5));

        sut.RecordProcessed(Topic, 0, 42, "v2-1", "v2");

        Assert.Equal(new ProcessedRecord(0, 42, "v2-1", "v2", TimeSpan.FromMilliseconds(5)), Assert.Single(sut.ProcessedSnapshot()));
    }

    [Fact]
    public void RecordProcessed_AnotherTopic_Throws()
    {
        var sut = CreateSut(partitions: 1);

        Assert.Throws<ArgumentException>(() => sut.RecordProcessed("payments", 0, 0, "v1-0", "v1"));
        Assert.Throws<ArgumentOutOfRangeException>(() => sut.RecordProcessed(Topic, 1, 0, "v1-0", "v1"));
    }

    [Fact]
    public async Task WhenEveryPartitionProcessedSinceAsync_LastPartitionProgresses_Completes()
    {
        var sut = CreateSut(partitions: 2);
        sut.RecordProcessed(Topic, 1, 0, "v1-0", "v1");
        _time.Advance(TimeSpan.FromMilliseconds(10));
        var wait = sut.WhenEveryPartitionProcessedSinceAsync(TimeSpan.FromMilliseconds(10), CancellationToken.None);

        sut.RecordProcessed(Topic, 0, 0, "v1-0", "v1");
        Assert.False(wait.IsCompleted); // partition 1 progressed only before "since"
        sut.RecordProcessed(Topic, 1, 1, "v1-0", "v1");

        await wait.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task WhenCaughtUpAsync_DuplicatesDoNotCountTheMissingRecordDoes()
    {
        var sut = CreateSut(partitions: 1);
        sut.RecordProduced(0, 0);
        sut.RecordProduced(0, 1);
        var wait = sut.WhenCaughtUpAsync(CancellationToken.None);

        sut.RecordProcessed(Topic, 0, 0, "v1-0", "v1");
        sut.RecordProcessed(Topic, 0, 0, "v2-0", "v2");
        Assert.False(wait.IsCompleted);
        sut.RecordProcessed(Topic, 0, 1, "v2-0", "v2");

        await wait.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task WhenCaughtUpAsync_RecordsProducedAfterTheCall_DoNotHoldItBack()
    {
        var sut = CreateSut(partitions: 2);
        sut.RecordProduced(0, 0);
        var wait = sut.WhenCaughtUpAsync(CancellationToken.None);
        sut.RecordProduced(0, 1);
        sut.RecordProduced(1, 0);

        sut.RecordProcessed(Topic, 0, 0, "v1-0", "v1");

        await wait.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task WhenCaughtUpAsync_Cancelled_Throws()
    {
        var sut = CreateSut(partitions: 1);
        sut.RecordProduced(0, 0);
        using var cancel = new CancellationTokenSource();

        var wait = sut.WhenCaughtUpAsync(cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }

    private CutoverRecorder CreateSut(int partitions) => new(Topic, partitions, _time);
}
