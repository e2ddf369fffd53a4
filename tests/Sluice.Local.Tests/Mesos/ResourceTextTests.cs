using Sluice.Local.Mesos;
using Sluice.Proto.Mesos.V1;

namespace Sluice.Local.Tests.Mesos;

/// <summary>Agent flag syntax, resource arithmetic and Mesos duration strings.</summary>
public sealed class ResourceTextTests
{
    [Fact]
    public void ParseResources_MesosFlagSyntax_ScalarsAndRanges()
    {
        var resources = ResourceText.ParseResources("cpus:4; mem:8192;ports:[31000-32000, 33000-33005]");

        Assert.Equal(4, resources.Single(r => r.Name == "cpus").Scalar.Value);
        Assert.Equal(8192, resources.Single(r => r.Name == "mem").Scalar.Value);
        Assert.Equal(2, resources.Single(r => r.Name == "ports").Ranges.Range.Count);
    }

    [Theory]
    [InlineData("cpus")]
    [InlineData("cpus:lots")]
    [InlineData("ports:[32000-31000]")]
    [InlineData("ports:[31000-32000")]
    public void ParseResources_Malformed_ThrowsFormatException(string text) =>
        Assert.Throws<FormatException>(() => ResourceText.ParseResources(text));

    [Fact]
    public void ParseAttributes_NumbersAreScalarsTheRestText()
    {
        var attributes = ResourceText.ParseAttributes("rack:a;level:3");

        Assert.Equal("a", attributes.Single(a => a.Name == "rack").Text.Value);
        Assert.Equal(Value.Types.Type.Scalar, attributes.Single(a => a.Name == "level").Type);
    }

    [Fact]
    public void ResourceBag_SubtractAndAdd_SplitAndMergeRanges()
    {
        var bag = ResourceBag.From(ResourceText.ParseResources("cpus:1;ports:[31000-31010]"));
        var used = ResourceBag.From(ResourceText.ParseResources("cpus:0.1;ports:[31005-31005]"));

        Assert.True(bag.Contains(used));
        bag.Subtract(used);
        Assert.Equal(0.9, bag.Scalar("cpus"));
        Assert.Equal("[31000-31004, 31006-31010]", bag.RangesText("ports"));
        Assert.False(bag.Contains(used));

        bag.Add(used);
        Assert.Equal(1, bag.Scalar("cpus"));
        Assert.Equal("[31000-31010]", bag.RangesText("ports"));
    }

    [Fact]
    public void ResourceBag_Scalars_KeepThreeDecimalsAsMesos()
    {
        var bag = ResourceBag.From(ResourceText.ParseResources("cpus:0.1"));
        bag.Add(ResourceBag.From(ResourceText.ParseResources("cpus:0.2")));

        Assert.Equal(0.3, bag.Scalar("cpus"));
        Assert.True(ResourceBag.From(ResourceText.ParseResources("cpus:0.3")).Contains(bag));
    }

    [Theory]
    [InlineData(5_000, "5secs")]
    [InlineData(250, "250ms")]
    [InlineData(900_000, "15mins")]
    [InlineData(3_600_000, "1hrs")]
    [InlineData(90_000, "1.5mins")]
    public void MesosDuration_Format_AsMesosPrintsDurations(int milliseconds, string expected) =>
        Assert.Equal(expected, MesosDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));

    [Theory]
    [InlineData(2_000)]
    [InlineData(250)]
    [InlineData(900_000)]
    [InlineData(90_000)]
    public void MesosDuration_Format_ReadsBackWithTheExecutorClientsParser(int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds),
            Sluice.Mesos.Executor.MesosDuration.Parse(MesosDuration.Format(TimeSpan.FromMilliseconds(milliseconds))));
}
