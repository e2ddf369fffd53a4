using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Scheduler.Configuration;
using Sluice.Scheduler.Leadership;
using Sluice.Scheduler.State;
using Sluice.Scheduler.State.Model;
using Sluice.Testing.ZooKeeper;

namespace Sluice.Scheduler.Tests.State;

[Collection(ZooKeeperCollection.Name)]
public sealed class SchedulerStateTests(ZooKeeperServer server)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly LeaderInfo Self = new("s1", "http://s1:8080", "http://s1:8081");

    [Fact]
    public async Task Memory_state_leads_alone_until_disposed()
    {
        var state = await SchedulerState.OpenAsync(new SchedulerOptions { State = "memory" }, Self, NullLoggerFactory.Instance);
        var term = state.Leadership.CommandToken;

        Assert.IsType<MemoryStateStore>(state.Store);
        Assert.True(state.Leadership.CanCommand);
        Assert.Equal(Self, await state.Leadership.GetLeaderAsync());
        await state.Store.PutFrameworkIdAsync("fw", StateVersion.New);

        await state.DisposeAsync();
        Assert.Equal(LeadershipState.Resigned, state.Leadership.State);
        Assert.True(term.IsCancellationRequested);
    }

    [Fact]
    public async Task File_state_keeps_a_second_scheduler_out_of_the_directory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "sluice-state-" + Guid.NewGuid().ToString("N")[..12]);
        var options = new SchedulerOptions { State = "file:" + directory };
        try
        {
            await using var first = await SchedulerState.OpenAsync(options, Self, NullLoggerFactory.Instance);
            Assert.IsType<FileStateStore>(first.Store);
            Assert.True(first.Leadership.CanCommand);

            await Assert.ThrowsAsync<StateStoreLockedException>(() => SchedulerState.OpenAsync(options, Self, NullLoggerFactory.Instance));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Zk_state_lets_only_the_leading_scheduler_write_and_hands_over_when_it_leaves()
    {
        var options = new SchedulerOptions { Zk = server.ConnectionString, FrameworkName = "fw-" + Guid.NewGuid().ToString("N")[..12] };
        var first = await SchedulerState.OpenAsync(options, Self, NullLoggerFactory.Instance, TimeSpan.FromSeconds(6));
        await using var second = await SchedulerState.OpenAsync(options, Self with { CandidateId = "s2" }, NullLoggerFactory.Instance, TimeSpan.FromSeconds(6));
        try
        {
            await first.Leadership.WhenLeaderAsync().WaitAsync(Timeout);
            Assert.IsType<ZooKeeperStateStore>(first.Store);
            var written = await first.Store.PutFrameworkIdAsync("fw-id", StateVersion.New);
            await Assert.ThrowsAsync<StateFencedException>(() => second.Store.PutFrameworkIdAsync("other", written.Version));
        }
        finally
        {
            await first.DisposeAsync();
        }

        await second.Leadership.WhenLeaderAsync().WaitAsync(Timeout);
        var taken = await second.Store.PutFrameworkIdAsync("fw-id-2", 0);
        Assert.Equal(1, taken.Version);
    }

    [Fact]
    public async Task A_zk_chroot_that_does_not_exist_yet_is_created_and_holds_the_state()
    {
        var chroot = $"/team-{Guid.NewGuid():N}/sluice";
        var options = new SchedulerOptions { Zk = server.ConnectionString + chroot, FrameworkName = "fw-chroot" };

        await using (var state = await SchedulerState.OpenAsync(options, Self, NullLoggerFactory.Instance, TimeSpan.FromSeconds(6)))
        {
            await state.Leadership.WhenLeaderAsync().WaitAsync(Timeout);
            await state.Store.PutFrameworkIdAsync("fw-id", StateVersion.New);
        }

        await using var client = await Sluice.ZooKeeper.ZooKeeperClient.ConnectAsync(
            new Sluice.ZooKeeper.ZooKeeperClientOptions { ConnectionString = server.ConnectionString }, NullLoggerFactory.Instance);
        Assert.NotNull(await client.ExistsAsync(chroot + "/sluice/fw-chroot"));
    }

    [Theory]
    [InlineData("127.0.0.1:2181", null)]
    [InlineData("127.0.0.1:2181/", null)]
    [InlineData("a:2181,b:2181/mesos/sluice", "/mesos/sluice")]
    [InlineData("a:2181/x/", "/x")]
    public void The_chroot_of_a_connection_string_is_what_follows_the_hosts(string connection, string? chroot) =>
        Assert.Equal(chroot, ZooKeeperChroot.Of(connection));
}
