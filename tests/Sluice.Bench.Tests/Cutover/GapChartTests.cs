using System.Xml.Linq;
using Sluice.Bench.Cutover;
using static Sluice.Bench.Tests.Cutover.Records;

namespace Sluice.Bench.Tests.Cutover;

public sealed class GapChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void Render_RunsAndAMissingOne_WellFormedSvgWithOneMarkPerPause()
    {
        var run = new CutoverRun(Ms(-3000), Ms(0), Ms(12_000), [new CutoverEvent(Ms(10), "v2-0 started <new>")],
            new Dictionary<string, string>(), new Dictionary<string, long>());
        PartitionGap[] pauses = [new(0, Ms(100), Ms(5100)), new(3, Ms(5000), Ms(5300))];
        var report = CreateReport(pauses);

        var svg = XDocument.Parse(GapChart.Render(
            [new GapChart.Panel("sluice", null, null, "sluice contender not wired"), new GapChart.Panel("group-range & co", run, report)],
            partitions: 4,
            caption: "cutover"));

        Assert.Equal(2, svg.Descendants(Svg + "circle").Count());
        Assert.Contains(svg.Descendants(Svg + "text"), t => t.Value == "sluice contender not wired");
        Assert.Contains(svg.Descendants(Svg + "text"), t => t.Value == "group-range & co");
        Assert.Contains(svg.Descendants(Svg + "title"), t => t.Value == "v2-0 started <new>");
        Assert.DoesNotContain(svg.Descendants(Svg + "text"), t => t.Value.StartsWith("-0", StringComparison.Ordinal));
    }

    private static CutoverReport CreateReport(IReadOnlyList<PartitionGap> pauses) => new(
        MaxGapMs: 5000, MedianPartitionMaxGapMs: 300, MaxGapPerPartitionMs: [5000, 0, 0, 300], PauseThresholdMs: 80,
        PausedPartitionSeconds: 5.3, PausedGaps: pauses, PausedPartitions: 2, SteadyMaxGapMs: 30, SteadyP99GapMs: 25,
        Produced: 10, ProducedPerSecond: 4800, Processed: 10, Duplicates: 0, DuplicatedRecords: 0, Lost: 0, Unprocessed: 0,
        Unexpected: 0, DeployWall: TimeSpan.FromSeconds(12));
}
