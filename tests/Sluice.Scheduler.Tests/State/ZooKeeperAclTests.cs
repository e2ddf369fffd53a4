using Sluice.Scheduler.Configuration;
using Sluice.Scheduler.Leadership;
using Sluice.Scheduler.State;
using Sluice.Scheduler.State.Model;
using Sluice.Testing.ZooKeeper;
using Sluice.ZooKeeper;

namespace Sluice.Scheduler.Tests.State;

/// <summary>
/// <c>--zk-auth digest:user:password</c> (issue 11, "Security") against a real ZooKeeper server: the framework's
/// znodes are creator-only, so a session without the credentials can neither read nor change them.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class ZooKeeperAclTests(ZooKeeperServer server) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly LeaderInfo Self = new("s1", "http://s1:8080", "http://s1:8081");

    private readonly ZooKeeperSessions _sessions = new(server);
    private readonly SchedulerOptions _options = new()
    {
        Zk = server.ConnectionString,
        ZkAuth = "digest:sluice:s3cret:with:colons",
        FrameworkName = "acl-" + Guid.NewGuid().ToString("N")[..12],
    };

    private string Root => $"{ZooKeeperLayout.Base}/{_options.FrameworkName}";

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _sessions.DisposeAsync().AsTask();

    private Task<SchedulerState> OpenAsync(SchedulerOptions options, LeaderInfo self) => _sessions.OpenAsync(options, self);

    private Task<ZooKeeperClient> ClientAsync(DigestCredentials? digest) => _sessions.ClientAsync(digest);

    [Fact]
    public async Task Framework_state_is_creator_only_and_outsiders_get_NoAuth()
    {
        var state = await OpenAsync(_options, Self);
        await state.Leadership.WhenLeaderAsync().WaitAsync(Timeout);
        await state.Store.PutFrameworkIdAsync("fw-secret", StateVersion.New);
        var anonymous = await ClientAsync(null);
        var intruder = await ClientAsync(new DigestCredentials("sluice", "guess"));
        var sameUser = await ClientAsync(new DigestCredentials("sluice", "s3cret:with:colons"));
        var frameworkId = $"{Root}/{StateKey.FrameworkId}";

        foreach (var outsider in new[] { anonymous, intruder })
        {
            await AssertNoAuthAsync(() => outsider.GetAsync(frameworkId));
            await AssertNoAuthAsync(() => outsider.GetChildrenAsync(Root));
            await AssertNoAuthAsync(() => outsider.SetAsync(frameworkId, "stolen"u8.ToArray(), ZooKeeperVersion.Any));
            await AssertNoAuthAsync(() => outsider.DeleteAsync(frameworkId, ZooKeeperVersion.Any));
            await AssertNoAuthAsync(() => outsider.CreateAsync($"{Root}/consumers/planted", default, CreateMode.Persistent));
        }

        Assert.Equal("fw-secret", (await state.Store.GetFrameworkIdAsync())?.Value);
        Assert.NotEmpty((await sameUser.GetAsync(frameworkId)).Data.ToArray());
    }

    [Fact]
    public async Task The_shared_root_stays_open_so_frameworks_with_other_or_no_credentials_live_beside_it()
    {
        await OpenAsync(_options, Self);
        var anonymous = await ClientAsync(null);
        var other = "other-" + Guid.NewGuid().ToString("N")[..12];

        var neighbour = await OpenAsync(new SchedulerOptions { Zk = server.ConnectionString, FrameworkName = other }, Self);
        await neighbour.Leadership.WhenLeaderAsync().WaitAsync(Timeout);
        await neighbour.Store.PutFrameworkIdAsync("fw-open", StateVersion.New);

        Assert.Contains(_options.FrameworkName, (await anonymous.GetChildrenAsync(ZooKeeperLayout.Base)).Names);
        Assert.NotEmpty((await anonymous.GetAsync($"{ZooKeeperLayout.Base}/{other}/{StateKey.FrameworkId}")).Data.ToArray());
    }

    [Fact]
    public async Task A_standby_with_the_same_credentials_sees_the_leader_and_one_with_others_cannot_join()
    {
        var leader = await OpenAsync(_options, Self);
        await leader.Leadership.WhenLeaderAsync().WaitAsync(Timeout);

        var standby = await OpenAsync(_options, Self with { CandidateId = "s2" });
        Assert.Equal(Self, await standby.Leadership.GetLeaderAsync());

        var wrong = new SchedulerOptions { Zk = _options.Zk, ZkAuth = "digest:sluice:guess", FrameworkName = _options.FrameworkName };
        var error = await Assert.ThrowsAsync<ZooKeeperException>(() => OpenAsync(wrong, Self with { CandidateId = "s3" }));
        Assert.Equal(ZooKeeperErrorCode.NoAuth, error.Code);
    }

    private static async Task AssertNoAuthAsync(Func<Task> operation)
    {
        var error = await Assert.ThrowsAsync<ZooKeeperException>(operation);
        Assert.Equal(ZooKeeperErrorCode.NoAuth, error.Code);
    }
}
