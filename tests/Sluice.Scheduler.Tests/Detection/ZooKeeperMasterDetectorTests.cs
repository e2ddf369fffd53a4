using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Scheduler.Detection;
using Sluice.Testing;
using Sluice.Testing.ZooKeeper;
using Sluice.ZooKeeper;

namespace Sluice.Scheduler.Tests.Detection;

[Collection(ZooKeeperCollection.Name)]
public sealed class ZooKeeperMasterDetectorTests(ZooKeeperServer server) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly string _path = "/mesos-" + Guid.NewGuid().ToString("N")[..12];
    private readonly List<IAsyncDisposable> _owned = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned)) await owned.DisposeAsync();
    }

    [Fact]
    public async Task Lowest_json_info_node_is_the_leading_master()
    {
        var admin = await ConnectAsync();
        await admin.EnsurePathAsync(_path);
        await admin.CreateAsync(_path + "/info_", new byte[] { 0x0a, 0x01 }, CreateMode.EphemeralSequential); // legacy protobuf entry: ignored
        await RegisterMasterAsync("m1", 5050);
        await RegisterMasterAsync("m2", 5051);
        var detector = Detector();

        var leader = await detector.GetLeaderAsync(CancellationToken.None).AsTask().WaitAsync(Timeout);

        Assert.Equal(new Uri("http://m1:5050/"), leader);
    }

    [Fact]
    public async Task Leader_change_is_raised_when_the_leading_master_goes()
    {
        var m1 = await RegisterMasterAsync("m1", 5050);
        await RegisterMasterAsync("m2", 5051);
        var detector = Detector();
        var changes = new ConcurrentQueue<Uri?>();
        detector.LeaderChanged += (_, leader) => changes.Enqueue(leader);
        Assert.Equal(new Uri("http://m1:5050/"), await detector.GetLeaderAsync(CancellationToken.None).AsTask().WaitAsync(Timeout));

        await m1.DisposeAsync(); // its ephemeral json.info node goes with its session

        await Eventually.TrueAsync(() => changes.Contains(new Uri("http://m2:5051/")), Timeout, "LeaderChanged to m2");
        Assert.Equal(new Uri?[] { new("http://m1:5050/"), new("http://m2:5051/") }, changes.ToArray());
        Assert.Equal(new Uri("http://m2:5051/"), await detector.GetLeaderAsync(CancellationToken.None));
    }

    [Fact]
    public async Task GetLeader_waits_until_a_master_registers()
    {
        var detector = Detector();
        var waiting = detector.GetLeaderAsync(CancellationToken.None).AsTask();
        await Eventually.TrueAsync(() => detector.Client is not null, Timeout, "the detector to connect");
        Assert.False(waiting.IsCompleted);

        await RegisterMasterAsync("late", 5050);

        Assert.Equal(new Uri("http://late:5050/"), await waiting.WaitAsync(Timeout));
    }

    [Fact]
    public async Task Detector_opens_a_new_session_after_expiry_and_keeps_following_the_leader()
    {
        var m1 = await RegisterMasterAsync("m1", 5050);
        var detector = Detector();
        await detector.GetLeaderAsync(CancellationToken.None).AsTask().WaitAsync(Timeout);
        var firstSession = detector.Client!;

        await SessionExpiry.ExpireAsync(firstSession, server.ConnectionString);
        await Eventually.TrueAsync(() => detector.Client is { State: ZooKeeperState.Connected } c && !ReferenceEquals(c, firstSession), Timeout, "a new session");
        await RegisterMasterAsync("m2", 5051);
        await m1.DisposeAsync();

        await Eventually.TrueAsync(() => detector.CurrentLeader == new Uri("http://m2:5051/"), Timeout, "m2 as leader");
    }

    private ZooKeeperMasterDetector Detector()
    {
        var detector = new ZooKeeperMasterDetector(
            ZooKeeperMasterUrl.Parse($"zk://{server.ConnectionString}{_path}"),
            NullLogger<ZooKeeperMasterDetector>.Instance);
        _owned.Add(detector);
        return detector;
    }

    /// <summary>A master contender as Mesos registers it: an ephemeral sequential json.info_ node holding its MasterInfo.</summary>
    private async Task<ZooKeeperClient> RegisterMasterAsync(string host, int port)
    {
        var master = await ConnectAsync();
        await master.EnsurePathAsync(_path);
        var info = $$"""{"id":"{{host}}-id","pid":"master@127.0.0.1:{{port}}","hostname":"{{host}}","port":{{port}},"address":{"hostname":"{{host}}","ip":"127.0.0.1","port":{{port}}},"version":"1.11.0"}""";
        await master.CreateAsync(_path + "/" + ZooKeeperMasterDetector.JsonInfoPrefix, Encoding.UTF8.GetBytes(info), CreateMode.EphemeralSequential);
        return master;
    }

    private async Task<ZooKeeperClient> ConnectAsync()
    {
        var client = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectionString = server.ConnectionString });
        _owned.Add(client);
        return client;
    }
}
