using System.Text;
using Sluice.Scheduler.Detection;
using Sluice.ZooKeeper;

namespace Sluice.Scheduler.Tests.Detection;

public sealed class MasterUrlParsingTests
{
    [Fact]
    public void Zk_url_gives_the_ensemble_the_path_and_the_credentials()
    {
        var url = ZooKeeperMasterUrl.Parse("zk://ops:p%40ss@zk1:2181,zk2:2182/mesos/");

        Assert.Equal("zk1:2181,zk2:2182", url.ConnectionString);
        Assert.Equal("/mesos", url.Path);
        Assert.Equal(new DigestCredentials("ops", "p@ss"), url.Credentials);
    }

    [Theory]
    [InlineData("http://m:5050")]
    [InlineData("zk://zk1:2181")]
    [InlineData("zk://zk1/mesos")]
    [InlineData("zk://user@zk1:2181/mesos")]
    public void Malformed_zk_urls_are_rejected(string url) => Assert.Throws<FormatException>(() => ZooKeeperMasterUrl.Parse(url));

    [Fact]
    public void MasterInfo_address_hostname_is_preferred_and_ip_on_request()
    {
        var json = Encoding.UTF8.GetBytes("""{"id":"x","pid":"master@10.0.0.5:5050","hostname":"m1","port":5050,"address":{"hostname":"m1.example","ip":"10.0.0.5","port":5051},"version":"1.11.0"}""");

        Assert.Equal(new Uri("http://m1.example:5051/"), MasterInfoJson.ParseLeaderUrl(json, preferIpAddress: false));
        Assert.Equal(new Uri("http://10.0.0.5:5051/"), MasterInfoJson.ParseLeaderUrl(json, preferIpAddress: true));
    }

    [Fact]
    public void MasterInfo_without_address_falls_back_to_hostname_port_then_pid()
    {
        Assert.Equal(new Uri("http://m2:5050/"), MasterInfoJson.ParseLeaderUrl("""{"hostname":"m2","port":5050}"""u8, false));
        Assert.Equal(new Uri("http://10.1.1.1:5052/"), MasterInfoJson.ParseLeaderUrl("""{"pid":"master@10.1.1.1:5052"}"""u8, false));
    }

    [Theory]
    [InlineData("""{"id":"no address"}""")]
    [InlineData("not json")]
    public void MasterInfo_without_a_usable_address_is_a_format_error(string json) =>
        Assert.Throws<FormatException>(() => MasterInfoJson.ParseLeaderUrl(Encoding.UTF8.GetBytes(json), false));
}
