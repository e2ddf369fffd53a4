using Sluice.Mesos.Detection;

namespace Sluice.Mesos.Tests.Detection;

public sealed class StaticMasterDetectorTests
{
    [Fact]
    public async Task GetLeaderAsync_RotatesThroughTheList()
    {
        var detector = StaticMasterDetector.Parse("http://m1:5050, m2:5050,https://m3:5050");

        var leaders = new List<string>();
        for (int i = 0; i < 4; i++)
        {
            leaders.Add((await detector.GetLeaderAsync(CancellationToken.None)).Authority);
        }

        Assert.Equal(["m1:5050", "m2:5050", "m3:5050", "m1:5050"], leaders);
        Assert.Equal("http", detector.Masters[1].Scheme);
    }

    [Theory]
    [InlineData("zk://zk1:2181/mesos")]
    [InlineData("ftp://m1:5050")]
    public void Constructor_NotAnHttpMaster_ThrowsSayingWhy(string url)
    {
        var error = Assert.Throws<ArgumentException>(() => new StaticMasterDetector([new Uri(url)]));

        Assert.Contains(url.Split(':')[0], error.Message);
    }

    [Fact]
    public void Constructor_NoMasters_Throws()
    {
        Assert.Throws<ArgumentException>(() => new StaticMasterDetector([]));
    }
}
