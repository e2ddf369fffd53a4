using Sluice.Bench.Cutover;
using static Sluice.Bench.Tests.Cutover.Records;

namespace Sluice.Bench.Tests.Cutover;

public sealed class CutoverAnalysisTests
{
    [Fact]
    public void Gaps_RecordsWaiting_GapIsTimeBetweenConsecutiveRecords()
    {
        var gaps = CutoverAnalysis.Gaps([.. Backlog(0, 4)], [Processed(0, 0, 10), Processed(0, 1, 20), Processed(0, 2, 50), Processed(0, 3, 55)], 1, Ms(55));

        Assert.Equal([Ms(10), Ms(30), Ms(5)], gaps.Select(g => g.Duration));
        Assert.Equal(Ms(20), gaps[1].Start);
    }

    [Fact]
    public void Gaps_NextRecordProducedLater_GapStartsWhenItBecameAvailable()
    {
        var gaps = CutoverAnalysis.Gaps([Produced(0, 0, 0), Produced(0, 1, 100)], [Processed(0, 0, 5), Processed(0, 1, 130)], 1, Ms(130));

        var gap = Assert.Single(gaps);
        Assert.Equal(new PartitionGap(0, Ms(100), Ms(130)), gap);
    }

    [Fact]
    public void Gaps_NewOwnerRestartsFromAnEarlierOffset_GapEndsAtItsFirstRecordEvenADuplicate()
    {
        // A processes 0..2, B starts again at the committed offset 1: the pause is A's last → B's first.
        ProcessedRecord[] processed = [.. ProcessedAt(0, 0, [10, 20, 30], "v1-0"), .. ProcessedAt(0, 1, [1030, 1040, 1050, 1060, 1070], "v2-0")];

        var gaps = CutoverAnalysis.Gaps([.. Backlog(0, 6)], processed, 1, Ms(1070));

        Assert.Equal(Ms(1000), gaps.Max(g => g.Duration));
        Assert.Equal(new PartitionGap(0, Ms(30), Ms(1030)), gaps.Single(g => g.Duration == Ms(1000)));
    }

    [Fact]
    public void Gaps_CaughtUpThenDuplicate_NoGapWhileNothingWasWaiting()
    {
        var gaps = CutoverAnalysis.Gaps([.. Backlog(0, 2)], [Processed(0, 0, 10), Processed(0, 1, 20), Processed(0, 1, 500)], 1, Ms(500));

        var gap = Assert.Single(gaps);
        Assert.Equal(Ms(10), gap.Duration);
    }

    [Fact]
    public void Gaps_RecordsStillWaitingWhenTheLogsEnd_OpenGapUntilTheEnd()
    {
        var gaps = CutoverAnalysis.Gaps([.. Backlog(0, 3)], [Processed(0, 0, 10)], 1, Ms(1000));

        Assert.Equal(new PartitionGap(0, Ms(10), Ms(1000)), Assert.Single(gaps));
    }

    [Fact]
    public void Gaps_PartitionNeverProcessed_GapFromItsFirstAcknowledgement()
    {
        var gaps = CutoverAnalysis.Gaps([Produced(0, 0, 0), Produced(1, 0, 40), Produced(1, 1, 50)], [Processed(0, 0, 5)], 2, Ms(1000));

        Assert.Equal(new PartitionGap(1, Ms(40), Ms(1000)), Assert.Single(gaps));
    }

    [Fact]
    public void Gaps_LogNotInTimeOrder_OrderedByTimePerPartition()
    {
        ProcessedRecord[] shuffled = [Processed(1, 1, 40), Processed(0, 2, 90), Processed(0, 0, 10), Processed(1, 0, 15), Processed(0, 1, 30)];

        var gaps = CutoverAnalysis.Gaps([.. Backlog(0, 3), .. Backlog(1, 2)], shuffled, 2, Ms(90));

        Assert.Equal([(0, 20.0), (0, 60.0), (1, 25.0)], gaps.Select(g => (g.Partition, g.Duration.TotalMilliseconds)).Order());
    }

    [Fact]
    public void Count_RecordsProcessedSeveralTimes_DuplicatesAndDuplicatedRecords()
    {
        ProcessedRecord[] processed = [Processed(0, 0, 1), Processed(0, 0, 2), Processed(0, 0, 3), Processed(0, 1, 4), Processed(0, 1, 5), Processed(0, 2, 6)];

        var counts = CutoverAnalysis.Count([.. Backlog(0, 3)], processed);

        Assert.Equal(new RecordCounts(Duplicates: 3, DuplicatedRecords: 2, Lost: 0, Unprocessed: 0, Unexpected: 0), counts);
    }

    [Fact]
    public void Count_SkippedOffsetAndUnreachedTail_HoleIsLostTailIsUnprocessed()
    {
        var counts = CutoverAnalysis.Count([.. Backlog(0, 6), .. Backlog(1, 2)], [Processed(0, 0, 1), Processed(0, 1, 2), Processed(0, 3, 3)]);

        Assert.Equal(1, counts.Lost);
        Assert.Equal(2 + 2, counts.Unprocessed);
    }

    [Fact]
    public void Count_ProcessedButNeverAcknowledged_Unexpected()
    {
        var counts = CutoverAnalysis.Count([.. Backlog(0, 1)], [Processed(0, 0, 1), Processed(0, 7, 2)]);

        Assert.Equal(1, counts.Unexpected);
        Assert.Equal(0, counts.Lost);
    }

    [Fact]
    public void PauseThreshold_NoSteadyGaps_ThreeProduceIntervals()
    {
        Assert.Equal(Ms(15), CutoverAnalysis.PauseThreshold([], Ms(5)));
    }

    [Fact]
    public void PauseThreshold_SteadyGaps_ThreeTimesTheirP99()
    {
        PartitionGap[] steady = [.. Enumerable.Range(0, 100).Select(i => new PartitionGap(0, Ms(i * 20), Ms(i * 20 + 20))), new PartitionGap(0, Ms(5000), Ms(5050))];

        Assert.Equal(Ms(60), CutoverAnalysis.PauseThreshold(steady, Ms(5)));
    }

    [Fact]
    public void PauseThreshold_SteadyGapsShorterThanTheProduceInterval_ThreeProduceIntervals()
    {
        Assert.Equal(Ms(30), CutoverAnalysis.PauseThreshold([new PartitionGap(0, Ms(0), Ms(1))], Ms(10)));
    }

    [Fact]
    public void Analyze_OnePartitionPausedDuringTheDeploy_MaxGapPausesAndWindows()
    {
        // Steady [0, 1000), deploy [1000, 3000]. Partition 0 stops at 1490 and resumes at 2490;
        // partition 1 flows every 10 ms with a 20 ms gap in the steady window and a 25 ms one in the deploy.
        var run = CreateRun(steadyFromMs: 0, deployStartedMs: 1000, deployFinishedMs: 3000);
        double[] p0 = [.. Every(10, 0, 1500), .. Every(10, 2490, 3500)];
        double[] p1 = [.. Every(10, 0, 500), .. Every(10, 510, 1200), .. Every(10, 1215, 3500)];
        ProcessedRecord[] processed = [.. ProcessedAt(0, 0, p0), .. ProcessedAt(1, 0, p1)];

        var report = CutoverAnalysis.Analyze([.. Backlog(0, p0.Length), .. Backlog(1, p1.Length)], processed, 2, run, Ms(1));

        Assert.Equal(1000, report.MaxGapMs, precision: 6);
        Assert.Equal([1000, 25], report.MaxGapPerPartitionMs.Select(g => Math.Round(g, 6)));
        Assert.Equal(30, report.PauseThresholdMs, precision: 6);
        Assert.Equal(1.0, report.PausedPartitionSeconds, precision: 6);
        Assert.Equal(1, report.PausedPartitions);
        Assert.Equal(new PartitionGap(0, Ms(1490), Ms(2490)), Assert.Single(report.PausedGaps));
        Assert.Equal(20, report.SteadyMaxGapMs, precision: 6);
        Assert.Equal(TimeSpan.FromSeconds(2), report.DeployWall);
        Assert.Equal((0L, 0L, 0L), (report.Duplicates, report.Lost, report.Unprocessed));
    }

    [Fact]
    public void Analyze_GapsOutsideTheDeployWindow_NotCountedButOneStraddlingItsStartIs()
    {
        var run = CreateRun(steadyFromMs: 0, deployStartedMs: 1000, deployFinishedMs: 2000);
        double[] times = [.. Every(10, 0, 400), .. Every(10, 900, 970), .. Every(10, 1200, 1300), .. Every(10, 1500, 2010), .. Every(10, 2600, 2700)];

        var report = CutoverAnalysis.Analyze([.. Backlog(0, times.Length)], [.. ProcessedAt(0, 0, times)], 1, run, Ms(1));

        // 390 → 900 lies in the steady window, 960 → 1200 straddles the deploy's start,
        // 1290 → 1500 lies in the deploy, 2000 → 2600 after it.
        Assert.Equal(240, report.MaxGapMs, precision: 6);
        Assert.Equal(510, report.SteadyMaxGapMs, precision: 6);
    }

    [Fact]
    public void Analyze_ReprocessedRecords_CountedAsDuplicates()
    {
        var run = CreateRun(steadyFromMs: 0, deployStartedMs: 100, deployFinishedMs: 300);
        ProcessedRecord[] processed = [.. ProcessedAt(0, 0, Every(10, 0, 150), "v1-0"), .. ProcessedAt(0, 10, Every(10, 200, 300), "v2-0")];

        var report = CutoverAnalysis.Analyze([.. Backlog(0, 20)], processed, 1, run, Ms(1));

        Assert.Equal(5, report.Duplicates);
        Assert.Equal(5, report.DuplicatedRecords);
        Assert.Equal(60, report.MaxGapMs, precision: 6);
    }

    private static CutoverRun CreateRun(double steadyFromMs, double deployStartedMs, double deployFinishedMs) =>
        new(Ms(steadyFromMs), Ms(deployStartedMs), Ms(deployFinishedMs), [], new Dictionary<string, string>(), new Dictionary<string, long>());
}
